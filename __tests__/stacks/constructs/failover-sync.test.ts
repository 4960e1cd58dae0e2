import { File as ArchiveFile } from "@cdktf/provider-archive/lib/file";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { ALL_EVENT_IDS, MAX_RULES } from "../../../functions/failover-sync/events";
import { BUNDLE_TARGET, FUNCTION_RUNTIME } from "../../../stacks/bundle";
import { databaseFromConfig } from "../../../stacks/constructs/database-from-config";
import { FailoverSync, FUNCTION_TIMEOUT_SECONDS } from "../../../stacks/constructs/failover-sync";
import { DEFAULT_WATCH_SECONDS, MAX_WATCH_SECONDS } from "../../../config/schema";
import { LoadBalancer } from "../../../stacks/constructs/load-balancer";
import { EXISTING_NETWORK, type Json, resources } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";

const KEY = "arn:aws:kms:us-east-1:111111111111:key/test";

/**
 * The function with the neighbours it serves (network, database, load balancer), under the ids
 * the provider stack gives them, so the addresses match the stack's.
 */
function build(mutate?: (c: Json) => void): { text: string; json: Json } {
  const config = demoConfig(mutate);
  const provider = config.provider;
  return synthConstruct((scope) => {
    const network = demoNetwork(scope, config);
    const database = databaseFromConfig(scope, "Database", {
      name: config.name,
      nameScope: config.nameScope,
      config: provider.database,
      network,
      logsKmsKeyArn: KEY,
      logRetentionDays: 30,
    });
    const loadBalancer = new LoadBalancer(scope, "LoadBalancer", {
      name: config.name,
      network,
      ports: provider.ports,
      databasePort: database.port,
      databaseSecurityGroupId: database.securityGroupId,
      deletionProtection: true,
      tcpIdleTimeoutSeconds: 350,
    });
    new FailoverSync(scope, "FailoverSync", {
      name: config.name,
      nameScope: config.nameScope,
      region: provider.account.region,
      config: provider.failover,
      database,
      loadBalancer,
      network,
      kmsKeyArn: KEY,
      dependsOn: database.dependables,
    });
  });
}

/** The statements of the function's inline policy: a JSON document with interpolations. */
function policyStatements(stack: Json): Json[] {
  return JSON.parse(resources(stack, "aws_iam_role_policy")[0].policy).Statement;
}

describe("FailoverSync, with the neighbours it serves", () => {
  const { text, json } = build();
  const provider = json;

  it("runs the pinned Node.js runtime on arm64 with 256 MB, and reserves no concurrency", () => {
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "orders-failover-sync",
      runtime: FUNCTION_RUNTIME,
      architectures: ["arm64"],
      memory_size: 256,
      timeout: 300,
      handler: "index.handler",
    });
    const fn = resources(provider, LambdaFunction.tfResourceType)[0];
    expect(fn.vpc_config).toBeUndefined();
    // A new account's quota of 10 leaves nothing to reserve: the deploy would fail.
    expect(fn.reserved_concurrent_executions).toBeUndefined();
  });

  it("bundles for the Node version of the function's runtime", () => {
    expect(FUNCTION_RUNTIME).toMatch(/^nodejs\d+\.x$/);
    expect(BUNDLE_TARGET).toBe(`node${FUNCTION_RUNTIME.slice("nodejs".length, -".x".length)}`);
  });

  it("ships the bundle as a cdktf asset zipped by the archive resource", () => {
    const [archive] = resources(provider, ArchiveFile.tfResourceType);
    expect(archive.type).toBe("zip");
    expect(archive.source_dir).toMatch(/^\$\{path\.module\}\/assets\/FailoverSync_Bundle_[0-9A-F]+\/[0-9A-F]+$/);
    expect(archive.output_path).toMatch(/^\$\{path\.module\}\/dist\/failover-sync-[0-9A-F]{16}\.zip$/);
    const fn = resources(provider, LambdaFunction.tfResourceType)[0];
    expect(fn.filename).toBe("${archive_file.FailoverSync_Archive_AA431404.output_path}");
    expect(fn.source_code_hash).toBe("${archive_file.FailoverSync_Archive_AA431404.output_base64sha256}");
    expect(provider.data?.archive_file).toBeUndefined();
  });

  it("passes the database, listeners, member slots, fence group, port, CIDRs and watch in its environment", () => {
    const env = resources(provider, LambdaFunction.tfResourceType)[0].environment.variables;
    expect(Object.keys(env).sort()).toEqual([
      "ALLOWED_CIDRS",
      "DB_CLUSTER_IDENTIFIER",
      "FENCE_TARGET_GROUP",
      "MEMBER_TARGET_GROUPS",
      "READER_LISTENER_ARN",
      "READER_SET_TARGET_GROUPS",
      "TARGET_PORT",
      "WARM_READER_SETS",
      "WATCH_SECONDS",
      "WRITER_LISTENER_ARN",
    ]);
    // An ARN suffix like the member groups', rebuilt from the listener's ARN by the handler.
    expect(env.FENCE_TARGET_GROUP).toBe("${aws_lb_target_group.LoadBalancer_FenceTargetGroup_FFD432A4.arn_suffix}");
    expect(env.WATCH_SECONDS).toBe(String(DEFAULT_WATCH_SECONDS));
    expect(env.ALLOWED_CIDRS).toBe("${aws_vpc.Network_Vpc_FAC8F4A5.cidr_block}");
    expect(env.WRITER_LISTENER_ARN).toBe("${aws_lb_listener.LoadBalancer_WriterListener_33FB0EE7.arn}");
    // ARN suffixes in slot order: the handler rebuilds the ARNs from the listener's.
    const members = env.MEMBER_TARGET_GROUPS.split(",");
    expect(members).toHaveLength(16);
    expect(members.slice(0, 2)).toEqual([
      "${aws_lb_target_group.LoadBalancer_MemberTargetGroup0_896CE283.arn_suffix}",
      "${aws_lb_target_group.LoadBalancer_MemberTargetGroup1_EA003CEE.arn_suffix}",
    ]);
    for (const [i, m] of members.entries())
      expect(m).toMatch(
        new RegExp(`^\\$\\{aws_lb_target_group\\.LoadBalancer_MemberTargetGroup${i}_[0-9A-F]+\\.arn_suffix\\}$`),
      );
    // The writer's reader set and its spare.
    expect(env.READER_SET_TARGET_GROUPS.split(",")).toHaveLength(2);
    expect(env.WARM_READER_SETS).toBe("1");
  });

  it("listens to this database's RDS events only, by the ARNs of the cluster and its members", () => {
    const rule = resources(provider, "aws_cloudwatch_event_rule").find(
      (r) => r.name === "orders-failover-sync-rds-events",
    );
    expect(rule.event_pattern).toContain('"source" = ["aws.rds"]');
    expect(rule.event_pattern).toContain('"detail-type" = ["RDS DB Cluster Event", "RDS DB Instance Event"]');
    expect(rule.event_pattern).toContain(
      '"SourceArn" = [aws_rds_cluster.Database_Cluster_C6094C50.arn, aws_rds_cluster_instance.Database_Instance0_D30B7BE8.arn, aws_rds_cluster_instance.Database_Instance1_844F58FD.arn]',
    );
    expect(rule.event_pattern).not.toContain("SourceIdentifier");
    for (const id of ALL_EVENT_IDS) expect(rule.event_pattern).toContain(`"${id}"`);
  });

  it("follows Blue/Green switchovers by their own detail type, whose source is the deployment and not the cluster", () => {
    const rule = resources(provider, "aws_cloudwatch_event_rule").find(
      (r) => r.name === "orders-failover-sync-blue-green",
    );
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.rds"],
      "detail-type": ["RDS Blue Green Deployment Event"],
      detail: {
        EventID: [
          "RDS-EVENT-0247",
          "RDS-EVENT-0250",
          "RDS-EVENT-0259",
          "RDS-EVENT-0248",
          "RDS-EVENT-0251",
          "RDS-EVENT-0260",
          "RDS-EVENT-0244",
          "RDS-EVENT-0249",
          "RDS-EVENT-0252",
          "RDS-EVENT-0261",
        ],
      },
    });
  });

  it("reconciles on a schedule, and every rule feeds one message group of the FIFO run queue", () => {
    const schedule = resources(provider, "aws_cloudwatch_event_rule").find((r) => r.schedule_expression);
    expect(schedule.schedule_expression).toBe("rate(1 minute)");
    // Nothing invokes the function but the queue's event source mapping and the deploy-time run.
    expect(resources(provider, "aws_lambda_permission")).toHaveLength(0);
    const targets = resources(provider, "aws_cloudwatch_event_target");
    expect(targets.map((t) => t.rule).sort()).toEqual([
      "${aws_cloudwatch_event_rule.FailoverSync_BlueGreenEventRule_C6589EFC.name}",
      "${aws_cloudwatch_event_rule.FailoverSync_RdsEventRule_CD5B1671.name}",
      "${aws_cloudwatch_event_rule.FailoverSync_ScheduleRule_C910BC1D.name}",
    ]);
    for (const t of targets) {
      expect(t.arn).toBe("${aws_sqs_queue.FailoverSync_RunQueue_2548B430.arn}");
      expect(t.sqs_target).toEqual({ message_group_id: "runs" });
      // A fixed body would be deduplicated: the scheduled event's own id and time keep each one.
      expect(t.input).toBeUndefined();
    }
  });

  it("lets only its own rules send to the run queue", () => {
    const [queuePolicy] = resources(provider, "aws_sqs_queue_policy");
    expect(queuePolicy.queue_url).toBe("${aws_sqs_queue.FailoverSync_RunQueue_2548B430.url}");
    expect(JSON.parse(queuePolicy.policy).Statement).toEqual([
      {
        Sid: "EventRules",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: "${aws_sqs_queue.FailoverSync_RunQueue_2548B430.arn}",
        Condition: {
          ArnEquals: {
            "aws:SourceArn": [
              "${aws_cloudwatch_event_rule.FailoverSync_RdsEventRule_CD5B1671.arn}",
              "${aws_cloudwatch_event_rule.FailoverSync_BlueGreenEventRule_C6589EFC.arn}",
              "${aws_cloudwatch_event_rule.FailoverSync_ScheduleRule_C910BC1D.arn}",
            ],
          },
        },
      },
    ]);
  });

  it("is fed by the run queue one batch at a time, only after the first run has returned", () => {
    const [mapping] = resources(provider, LambdaEventSourceMapping.tfResourceType);
    expect(mapping).toMatchObject({
      event_source_arn: "${aws_sqs_queue.FailoverSync_RunQueue_2548B430.arn}",
      function_name: "${aws_lambda_function.FailoverSync_Function_C26999C5.arn}",
      batch_size: 10,
    });
    // No scaling_config: a FIFO queue's one message group already allows one batch in flight.
    expect(mapping.scaling_config).toBeUndefined();
    expect(mapping.depends_on).toEqual([
      "aws_iam_role_policy.FailoverSync_Policy_4A022FFD",
      "aws_lambda_invocation.FailoverSync_FirstRun_1EBB5028",
    ]);
  });

  it("runs once at deploy, again when the code or a target group changes", () => {
    const [invocation] = resources(provider, "aws_lambda_invocation");
    expect(invocation.input).toBe('{"trigger":"deploy"}');
    expect(invocation.triggers).toEqual({
      code: "${archive_file.FailoverSync_Archive_AA431404.output_base64sha256}",
      targetGroups: expect.stringMatching(
        /^\$\{join\(",", \[aws_lb_target_group\.LoadBalancer_MemberTargetGroup0_896CE283\.arn, .*ReaderSetTargetGroup1.*\]\)\}$/,
      ),
    });
    expect(invocation.depends_on).toEqual([
      "aws_rds_cluster_instance.Database_Instance0_D30B7BE8",
      "aws_rds_cluster_instance.Database_Instance1_844F58FD",
    ]);
  });

  it("retries a failed run twice, then dead-letters its events to an encrypted 14-day FIFO queue", () => {
    expect(text).toHaveResourceWithProperties(SqsQueue, {
      name: "orders-failover-sync-runs.fifo",
      fifo_queue: true,
      content_based_deduplication: true,
      sqs_managed_sse_enabled: true,
      visibility_timeout_seconds: 1800,
    });
    const run = resources(provider, SqsQueue.tfResourceType).find((q) => q.name.endsWith("-runs.fifo"));
    expect(JSON.parse(run.redrive_policy)).toEqual({
      deadLetterTargetArn: "${aws_sqs_queue.FailoverSync_DeadLetterQueue_5C859183.arn}",
      maxReceiveCount: 3,
    });
    expect(text).toHaveResourceWithProperties(SqsQueue, {
      name: "orders-failover-sync-dlq.fifo",
      fifo_queue: true,
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1209600,
    });
    expect(resources(provider, "aws_lambda_function_event_invoke_config")).toHaveLength(0);
  });

  it("logs to its own encrypted log group with the configured retention", () => {
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/lambda/orders-failover-sync",
      retention_in_days: 30,
    });
    const group = resources(provider, CloudwatchLogGroup.tfResourceType).find(
      (g) => g.name === "/aws/lambda/orders-failover-sync",
    );
    expect(group.kms_key_id).toBe(KEY);
  });

  it("runs the run queue's watch for provider.failover.watchSeconds, 0 turning it off, and keeps the longest watch inside its timeout", () => {
    const env = (seconds: number) =>
      resources(build((c) => (c.provider.failover.watchSeconds = seconds)).json, LambdaFunction.tfResourceType)[0]
        .environment.variables;
    expect(env(120).WATCH_SECONDS).toBe("120");
    expect(env(0).WATCH_SECONDS).toBe("0");
    // The run keeps 15 s of its timeout back (index.ts); a watch of the longest allowed fits before it.
    expect(MAX_WATCH_SECONDS + 15).toBeLessThanOrEqual(FUNCTION_TIMEOUT_SECONDS);
  });

  it("may never register a target into the fence group, nor needs any grant on it to switch the writer listener there", () => {
    const policy = resources(provider, "aws_iam_role_policy")[0].policy;
    expect(policy).not.toContain("FenceTargetGroup");
  });

  it("grants each action on named resources, and '*' only where IAM allows nothing else", () => {
    const statements = policyStatements(provider);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    // Every member slot and reader set by name; never the fence group.
    expect(bySid.ChangeTargets.Resource).toHaveLength(18);
    expect(
      bySid.ChangeTargets.Resource.every((r: string) =>
        /^\$\{aws_lb_target_group\.LoadBalancer_(Member|ReaderSet)TargetGroup\d+_[0-9A-F]+\.arn\}$/.test(r),
      ),
    ).toBe(true);
    expect(bySid.ChangeTargets.Resource.slice(-2)).toEqual([
      "${aws_lb_target_group.LoadBalancer_ReaderSetTargetGroup0_2F2199D1.arn}",
      "${aws_lb_target_group.LoadBalancer_ReaderSetTargetGroup1_66529E31.arn}",
    ]);
    // A Blue/Green deployment's identifier is unknown before it exists: the account's deployments in the region.
    expect(bySid.ReadBlueGreen).toEqual({
      Sid: "ReadBlueGreen",
      Effect: "Allow",
      Action: "rds:DescribeBlueGreenDeployments",
      Resource:
        "arn:${data.aws_partition.Context_Partition_5A933B24.partition}:rds:${data.aws_region.Context_Region_59B1B9EA.name}:${data.aws_caller_identity.Context_Account_CC738EB3.account_id}:deployment:*",
    });
    expect(bySid.FindStandby).toBeUndefined();
    // Switching is allowed on the writer and reader listeners only, never on the member ones.
    expect(bySid.SwitchListeners).toEqual({
      Sid: "SwitchListeners",
      Effect: "Allow",
      Action: "elasticloadbalancing:ModifyListener",
      Resource: [
        "${aws_lb_listener.LoadBalancer_WriterListener_33FB0EE7.arn}",
        "${aws_lb_listener.LoadBalancer_ReaderListener_1E9308CA.arn}",
      ],
    });
    expect(bySid.ReadCluster.Resource).toBe("${aws_rds_cluster.Database_Cluster_C6094C50.arn}");
    expect(bySid.ReadRunQueue).toEqual({
      Sid: "ReadRunQueue",
      Effect: "Allow",
      Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
      Resource: "${aws_sqs_queue.FailoverSync_RunQueue_2548B430.arn}",
    });
    // SQS moves dead letters itself: the function sends nothing.
    expect(JSON.stringify(statements)).not.toContain("sqs:SendMessage");
    const star = statements.filter((s) => s.Resource === "*").map((s) => s.Action);
    expect(star).toEqual([["elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeListeners"]]);
    for (const s of statements) {
      for (const action of [s.Action].flat()) expect(action).not.toMatch(/\*$/);
    }
  });

  it("trusts only the Lambda service of this account", () => {
    const trust = JSON.parse(resources(provider, "aws_iam_role")[0].assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.Context_Account_CC738EB3.account_id}" },
        },
      },
    ]);
  });
});

describe("failover function options", () => {
  it("runs in VPC subnets when asked, with only HTTPS egress to the VPC", () => {
    const { json } = build((c) => (c.provider.failover.vpcSubnetIds = ["subnet-0123456789abcdef0"]));
    const fn = resources(json, LambdaFunction.tfResourceType)[0];
    expect(fn.vpc_config.subnet_ids).toEqual(["subnet-0123456789abcdef0"]);
    const egress = resources(json, "aws_vpc_security_group_egress_rule").find((r) => r.from_port === 443);
    expect(egress.cidr_ipv4).toBe("${aws_vpc.Network_Vpc_FAC8F4A5.cidr_block}");
  });

  it("manages its network interfaces in a VPC on '*', the only resource these EC2 actions accept, and not outside one", () => {
    const inVpc = policyStatements(
      build((c) => (c.provider.failover.vpcSubnetIds = ["subnet-0123456789abcdef0"])).json,
    );
    expect(inVpc.filter((s) => s.Resource === "*").map((s) => s.Sid)).toEqual(["ReadTargets", "VpcNetworkInterfaces"]);
    expect(inVpc.find((s) => s.Sid === "VpcNetworkInterfaces").Action).toEqual([
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]);
    expect(policyStatements(build().json).map((s) => s.Sid)).not.toContain("VpcNetworkInterfaces");
  });

  // The default config's addresses are pinned in __tests__/fixtures/default-addresses.json;
  // these are the ones only a function in VPC subnets of an existing VPC has.
  it("keeps its security group and egress rules at the addresses they have always had", () => {
    const { json } = build((c) => {
      c.provider.network = EXISTING_NETWORK;
      c.provider.database = { engine: "aurora-mysql", existing: { clusterIdentifier: "orders-prod" } };
      c.consumers[0].providerAzIds = ["use1-az1", "use1-az2"];
      c.provider.failover.vpcSubnetIds = ["subnet-0123456789abcdef0"];
    });
    expect(Object.keys(json.resource.aws_security_group).filter((k) => k.startsWith("FailoverSync_"))).toEqual([
      "FailoverSync_SecurityGroup_44409493",
    ]);
    expect(
      Object.keys(json.resource.aws_vpc_security_group_egress_rule)
        .filter((k) => k.startsWith("FailoverSync_"))
        .sort(),
    ).toEqual(["FailoverSync_EgressHttpsSecondary_45AB9381", "FailoverSync_EgressHttps_1A3ACBB8"]);
  });

  it("watches an existing cluster's members by ARN, from its data source", () => {
    const { json } = build((c) => {
      c.provider.network = EXISTING_NETWORK;
      c.provider.database = { engine: "aurora-mysql", existing: { clusterIdentifier: "orders-prod" } };
      c.consumers[0].providerAzIds = ["use1-az1", "use1-az2"];
    });
    // The member count is unknown at synth: enough rules for the largest cluster, each a slice.
    const rules = resources(json, "aws_cloudwatch_event_rule")
      .filter((r) => r.event_pattern && String(r.name).includes("-rds-events"))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(rules).toHaveLength(MAX_RULES);
    const members =
      'formatlist(replace(data.aws_rds_cluster.Database_Cluster_C6094C50.arn, ":cluster:orders-prod", ":db:%s"), tolist(data.aws_rds_cluster.Database_Cluster_C6094C50.cluster_members))';
    expect(rules[0].event_pattern).toContain(
      `"SourceArn" = concat([data.aws_rds_cluster.Database_Cluster_C6094C50.arn], slice(${members}, min(0, length(${members})), min(8, length(${members}))))`,
    );
    expect(rules[1].event_pattern).toContain(
      `slice(${members}, min(8, length(${members})), min(16, length(${members})))`,
    );
    expect(rules.map((r) => r.name)).toEqual(["orders-failover-sync-rds-events", "orders-failover-sync-rds-events-1"]);
    // Each slice keeps its rule, its target and its place in the run queue's policy.
    expect(Object.keys(json.resource.aws_cloudwatch_event_target).sort()).toEqual([
      "FailoverSync_BlueGreenTarget_25D295C7",
      "FailoverSync_Rds1Target_2A95BBD7",
      "FailoverSync_RdsTarget_D456FC40",
      "FailoverSync_ScheduleTarget_B78BA9D5",
    ]);
    expect(resources(json, "aws_cloudwatch_event_target").find((t) => t.rule.includes("RdsEventRule1")).rule).toBe(
      "${aws_cloudwatch_event_rule.FailoverSync_RdsEventRule1_6645D6FD.name}",
    );
    expect(
      JSON.parse(resources(json, "aws_sqs_queue_policy")[0].policy).Statement[0].Condition.ArnEquals["aws:SourceArn"],
    ).toEqual([
      "${aws_cloudwatch_event_rule.FailoverSync_RdsEventRule_CD5B1671.arn}",
      "${aws_cloudwatch_event_rule.FailoverSync_RdsEventRule1_6645D6FD.arn}",
      "${aws_cloudwatch_event_rule.FailoverSync_BlueGreenEventRule_C6589EFC.arn}",
      "${aws_cloudwatch_event_rule.FailoverSync_ScheduleRule_C910BC1D.arn}",
    ]);
    // Every CIDR of the existing VPC, its secondary blocks read at plan time.
    const env = resources(json, LambdaFunction.tfResourceType)[0].environment.variables;
    expect(env.ALLOWED_CIDRS).toBe(
      '${join(",", concat([data.aws_vpc.Network_Vpc_FAC8F4A5.cidr_block], [ for key, val in toset(data.aws_vpc.Network_Vpc_FAC8F4A5.cidr_block_associations): val.cidr_block if val.state == "associated" && val.cidr_block != data.aws_vpc.Network_Vpc_FAC8F4A5.cidr_block]))}',
    );
    expect(resources(json, "aws_lambda_invocation")[0].depends_on).toBeUndefined();
  });

  it("scopes a Multi-AZ instance's describe to the instance ARN, and keeps registering", () => {
    const { json } = build((c) => {
      c.provider.database = { engine: "mysql", create: {} };
      c.provider.ports = {};
    });
    const fn = resources(json, LambdaFunction.tfResourceType)[0];
    expect(fn.environment.variables.DB_INSTANCE_IDENTIFIER).toBe(
      "${aws_db_instance.Database_Instance_02E622FB.identifier}",
    );
    const policy = resources(json, "aws_iam_role_policy")[0].policy;
    expect(JSON.parse(policy).Statement.find((st: Json) => st.Sid === "ReadInstance").Resource).toBe(
      "${aws_db_instance.Database_Instance_02E622FB.arn}",
    );
    expect(policy).not.toContain("DescribeDBClusters");
    // A created instance's standby is found by its network interface (the project owns its
    // security group), and registered beside the primary. No fence group: an instance's
    // listeners never switch. It is watched all the same.
    expect(Object.keys(fn.environment.variables).sort()).toEqual([
      "ALLOWED_CIDRS",
      "DB_INSTANCE_IDENTIFIER",
      "READER_TARGET_GROUP_ARN",
      "STANDBY_DISCOVERY",
      "TARGET_PORT",
      "WATCH_SECONDS",
      "WRITER_TARGET_GROUP_ARN",
    ]);
    expect(fn.environment.variables.STANDBY_DISCOVERY).toBe("1");
    expect(fn.environment.variables.WATCH_SECONDS).toBe(String(DEFAULT_WATCH_SECONDS));
    expect(policy).not.toContain("ModifyListener");
    // DescribeNetworkInterfaces supports no resource-level permission: "*", and nothing else of EC2.
    expect(JSON.parse(policy).Statement.find((st: Json) => st.Sid === "FindStandby")).toEqual({
      Sid: "FindStandby",
      Effect: "Allow",
      Action: "ec2:DescribeNetworkInterfaces",
      Resource: "*",
    });
  });

  it("finds an existing instance's standby only when the config asks: the project does not own its security group", () => {
    const env = (discovery?: boolean) =>
      resources(
        build((c) => {
          c.provider.network = EXISTING_NETWORK;
          c.provider.database = { engine: "mysql", existing: { instanceIdentifier: "orders-prod" } };
          c.provider.ports = {};
          if (discovery !== undefined) c.provider.failover.standbyDiscovery = discovery;
          c.consumers[0].providerAzIds = ["use1-az1", "use1-az2"];
        }).json,
        LambdaFunction.tfResourceType,
      )[0].environment.variables;
    expect(env().STANDBY_DISCOVERY).toBeUndefined();
    expect(env(true).STANDBY_DISCOVERY).toBe("1");
    expect(env(false).STANDBY_DISCOVERY).toBeUndefined();
  });
});
