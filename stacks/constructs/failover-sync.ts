// The failover function and everything around it: package, role, triggers, run queue, dead letters.
import { File as ArchiveFile } from "@cdktf/provider-archive/lib/file";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { AssetType, Fn, ITerraformDependable, TerraformAsset, Token } from "cdktf";
import { Construct } from "constructs";
import { toEnvironment } from "../../functions/failover-sync/environment";
import { blueGreenEventPattern, MAX_RULES, MEMBERS_PER_RULE, rdsEventPattern, rdsEventPatterns } from "../../functions/failover-sync/events";
import { iamRoleName } from "../../config/names";
import { ProviderConfig } from "../../config/resolve";
import { bundleFailoverFunction, FUNCTION_RUNTIME } from "../bundle";
import { policyDocument, serviceTrustPolicy } from "../iam";
import { StackContext } from "../stack-context";
import { Database } from "./database";
import { ruleForEveryVpcCidr } from "./vpc-cidr-rules";
import { LoadBalancer } from "./load-balancer";
import { Network } from "./network";

/**
 * The function's timeout. The fast path polls for the new writer for at most 60 s, and a
 * failover run then settles (finishes moves that wait on health checks) for at most 240 s from
 * its start, never later than this minus 15 s (see index.ts and sync.ts).
 */
export const FUNCTION_TIMEOUT_SECONDS = 300;
/** The function's memory; the cost estimate bills its runs at this size. */
export const FUNCTION_MEMORY_MB = 256;
/**
 * The run queue hides a batch for this long while a run holds it. Lambda's SQS guide asks for
 * at least six times the function's timeout, so that a throttled batch is retried before it
 * reappears. A failed run's batch is retried once this has passed.
 */
export const RUN_VISIBILITY_TIMEOUT_SECONDS = 6 * FUNCTION_TIMEOUT_SECONDS;
/** Receives of a message before it is dead-lettered: the first run and two retries. */
export const RUN_MAX_RECEIVES = 3;
/** Every message of the run queue carries this one group: FIFO then delivers one batch at a time. */
export const RUN_MESSAGE_GROUP = "runs";

export interface FailoverSyncProps {
  readonly name: string;
  /** The stack's region: IAM role names are global per account, so the role's name carries it. */
  readonly region: string;
  readonly config: ProviderConfig["failover"];
  readonly database: Database;
  readonly loadBalancer: LoadBalancer;
  readonly network: Network;
  /** The stack's KMS key: the log group and the function's environment are encrypted with it. */
  readonly kmsKeyArn: string;
  /** Resources the first run must wait for, such as the database instances. */
  readonly dependsOn?: ITerraformDependable[];
}

export class FailoverSync extends Construct {
  readonly function: LambdaFunction;
  /** Every trigger but the deploy-time run goes through this FIFO queue, one batch at a time. */
  readonly runQueue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly logGroup: CloudwatchLogGroup;
  /** The first of the RDS event rules: the database's own events and its first members'. */
  readonly eventRule: CloudwatchEventRule;
  readonly blueGreenRule: CloudwatchEventRule;
  /** Every RDS event rule, the first one included: each pattern stays within EventBridge's limit. */
  readonly eventRules: CloudwatchEventRule[];
  readonly scheduleRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: FailoverSyncProps) {
    super(scope, id);
    const { name, config, database, loadBalancer, network } = props;
    const functionName = `${name}-failover-sync`;
    const ref = database.ref;

    new ArchiveProvider(this, "archive");
    const bundle = new TerraformAsset(this, "Bundle", { path: bundleFailoverFunction(), type: AssetType.DIRECTORY });
    // The archive *resource*, not the data source. A data source zips at plan time, and a
    // plan applied from a fresh copy of the stack (Terraform Cloud runs plan and apply in
    // separate working copies) no longer has that zip. The resource zips at apply time, in
    // the copy that applies, and on every refresh. Its output path carries the bundle's hash,
    // so new code replaces the archive and the zip exists wherever the function is updated.
    const archive = new ArchiveFile(this, "Archive", {
      type: "zip",
      sourceDir: `\${path.module}/${bundle.path}`,
      outputPath: `\${path.module}/dist/failover-sync-${bundle.assetHash.slice(0, 16)}.zip`,
      outputFileMode: "0644",
    });

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    // Serial runs without reserved concurrency: a new account's Lambda quota is often 10, and
    // reserving any of it can fail the deploy ("decreases account's
    // UnreservedConcurrentExecution below its minimum value"). Lambda polls a FIFO queue with
    // one invocation per message group in flight, so a single group gives one run at a time,
    // whatever the account's quota. A FIFO dead-letter queue is required for a FIFO queue.
    this.deadLetterQueue = new SqsQueue(this, "DeadLetterQueue", {
      name: `${functionName}-dlq.fifo`,
      fifoQueue: true,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    this.runQueue = new SqsQueue(this, "RunQueue", {
      name: `${functionName}-runs.fifo`,
      fifoQueue: true,
      // EventBridge sends no deduplication ID: the body decides. Every event has its own id and
      // time, so only the copies of one event (a cluster event matched by two rules) collapse.
      contentBasedDeduplication: true,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: RUN_VISIBILITY_TIMEOUT_SECONDS,
      // An event older than an hour is stale; the schedule has reconciled since.
      messageRetentionSeconds: 3600,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: RUN_MAX_RECEIVES }),
    });

    const role = new IamRole(this, "Role", {
      name: iamRoleName({ share: name, region: props.region }, "failover-sync"),
      description: `Runs ${functionName}`,
      assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com", StackContext.of(this).accountId),
      // A renamed role is a new role: the function moves to it before the old one goes, so no
      // run finds its role deleted (the policy follows, as a dependency of the role).
      lifecycle: { createBeforeDestroy: true },
    });
    const statements: Record<string, unknown>[] = [
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logGroup.arn}:*` },
      ...loadBalancer.targetChangeStatements(),
      ...database.topologyReadStatements(),
      // What Lambda's event source mapping does with the function's role (Lambda SQS guide).
      { Sid: "ReadRunQueue", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], Resource: this.runQueue.arn },
      // The environment is encrypted under the stack's key; the function decrypts it at start.
      { Sid: "ReadEnvironment", Effect: "Allow", Action: "kms:Decrypt", Resource: props.kmsKeyArn },
    ];

    let vpcConfig: LambdaFunction["vpcConfigInput"];
    if (config.vpcSubnetIds) {
      const sg = new SecurityGroup(this, "SecurityGroup", {
        name: functionName,
        description: `${functionName}: HTTPS to AWS APIs and DNS only`,
        vpcId: network.vpcId,
      });
      ruleForEveryVpcCidr(this, "EgressHttps", VpcSecurityGroupEgressRule, {
        securityGroupId: sg.id,
        primaryCidr: network.vpcCidr,
        secondaryCidrs: network.secondaryCidrs,
        fromPort: 443,
        toPort: 443,
        description: "Interface endpoints of RDS, ELB, SQS and CloudWatch Logs",
        secondaryDescription: "Interface endpoints in a secondary VPC CIDR",
      });
      vpcConfig = { subnetIds: config.vpcSubnetIds, securityGroupIds: [sg.id] };
      // Lambda's network interfaces: these EC2 actions support no resource-level permissions.
      statements.push({
        Sid: "VpcNetworkInterfaces",
        Effect: "Allow",
        Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
        Resource: "*",
      });
    }
    const policy = new IamRolePolicy(this, "Policy", {
      name: functionName,
      role: role.id,
      policy: policyDocument(statements),
    });

    const environment = toEnvironment({
      database: { kind: ref.kind, identifier: ref.identifier },
      port: Fn.tostring(database.port),
      // Every CIDR of the VPC: a member in a secondary CIDR is as much the database's as one in the primary.
      // (A list known only at plan time becomes one comma-separated value, as the variable is.)
      allowedCidrs: Token.isUnresolved(network.vpcCidrs) ? [Fn.join(",", network.vpcCidrs)] : network.vpcCidrs,
      targets: loadBalancer.targets,
      warmReaderSets: config.warmReaderSets,
    });
    this.function = new LambdaFunction(this, "Function", {
      functionName,
      description: "Keeps the PrivateLink target groups on the current writer and readers",
      role: role.arn,
      runtime: FUNCTION_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      memorySize: FUNCTION_MEMORY_MB,
      timeout: FUNCTION_TIMEOUT_SECONDS,
      filename: archive.outputPath,
      sourceCodeHash: archive.outputBase64Sha256,
      environment: { variables: environment },
      kmsKeyArn: props.kmsKeyArn,
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      vpcConfig,
      dependsOn: [policy, this.logGroup],
    });
    // Only this database's events, matched by ARN: in AWS's documented samples RDS events carry
    // SourceIdentifier as "rds:<id>", and the plain ARN in detail.SourceArn. EventBridge caps a
    // pattern at 2,048 characters, so members are spread over rules of MEMBERS_PER_RULE each.
    // Members added to an existing cluster after the deploy are not named; the schedule picks them up.
    this.eventRules = this.rdsEventPatterns(ref).map((pattern, i) =>
      new CloudwatchEventRule(this, i === 0 ? "RdsEventRule" : `RdsEventRule${i}`, {
        name: i === 0 ? `${functionName}-rds-events` : `${functionName}-rds-events-${i}`,
        description: i === 0 ? `Failover and membership events of ${ref.identifier}` : `Failover and membership events of ${ref.identifier}, members ${i * MEMBERS_PER_RULE + 1}-${(i + 1) * MEMBERS_PER_RULE}`,
        eventPattern: Fn.jsonencode(pattern),
      }),
    );
    this.eventRule = this.eventRules[0];
    // Blue/Green switchovers name the deployment, not the cluster, as their source (events.ts).
    this.blueGreenRule = new CloudwatchEventRule(this, "BlueGreenEventRule", {
      name: `${functionName}-blue-green`,
      description: `Blue/Green switchovers in the region, for ${ref.identifier}`,
      eventPattern: JSON.stringify(blueGreenEventPattern()),
    });
    this.scheduleRule = new CloudwatchEventRule(this, "ScheduleRule", {
      name: `${functionName}-reconcile`,
      description: `Reconciles ${name}'s target groups every ${config.reconcileEveryMinutes} minute(s)`,
      scheduleExpression: `rate(${config.reconcileEveryMinutes} ${config.reconcileEveryMinutes === 1 ? "minute" : "minutes"})`,
    });
    // No input on the schedule's target: the scheduled event itself carries its own id and
    // time, and a fixed body would be deduplicated to one run per five minutes.
    const rules: [string, CloudwatchEventRule][] = [...this.eventRules.map((r, i): [string, CloudwatchEventRule] => [i === 0 ? "Rds" : `Rds${i}`, r]), ["BlueGreen", this.blueGreenRule], ["Schedule", this.scheduleRule]];
    for (const [ruleId, rule] of rules) {
      new CloudwatchEventTarget(this, `${ruleId}Target`, { rule: rule.name, arn: this.runQueue.arn, sqsTarget: { messageGroupId: RUN_MESSAGE_GROUP } });
    }
    new SqsQueuePolicy(this, "RunQueuePolicy", {
      queueUrl: this.runQueue.url,
      policy: policyDocument([
        {
          Sid: "EventRules",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: this.runQueue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": rules.map(([, r]) => r.arn) } },
        },
      ]),
    });

    // The first run, at deploy: targets are in place when `cdktf deploy` returns. It runs
    // again when the code or a target group changes.
    const firstRun = new LambdaInvocation(this, "FirstRun", {
      functionName: this.function.functionName,
      input: JSON.stringify({ trigger: "deploy" }),
      triggers: {
        code: archive.outputBase64Sha256,
        targetGroups: Fn.join(",", loadBalancer.targetGroups.map((g) => g.arn)),
      },
      dependsOn: props.dependsOn?.length ? props.dependsOn : undefined,
    });
    // Created after the first run has returned: events queued during the first deploy wait
    // for it instead of running beside it. Later deploy-time runs can overlap a queued run;
    // the README ("Serial runs") says why that is safe.
    new LambdaEventSourceMapping(this, "RunQueueSource", {
      eventSourceArn: this.runQueue.arn,
      functionName: this.function.arn,
      // One run serves a whole batch (events.ts runEvent): a burst of failover events is one run.
      batchSize: 10,
      dependsOn: [policy, firstRun],
    });
  }

  /** One pattern per rule; a list of members unknown at synth (an existing cluster) gets MAX_RULES slices. */
  private rdsEventPatterns(ref: Database["ref"]): Record<string, unknown>[] {
    if (ref.kind === "instance") return rdsEventPatterns(ref.arn, []);
    if (!Token.isUnresolved(ref.memberArns)) return rdsEventPatterns(ref.arn, ref.memberArns);
    const members = ref.memberArns;
    const count = Fn.lengthOf(members);
    return Array.from({ length: MAX_RULES }, (_, i) =>
      rdsEventPattern(Fn.concat([[ref.arn], Fn.slice(members, Fn.min([i * MEMBERS_PER_RULE, count]), Fn.min([(i + 1) * MEMBERS_PER_RULE, count]))])),
    );
  }
}
