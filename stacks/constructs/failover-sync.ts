// The failover function and everything around it: package, role, triggers, dead letters.
import { File as ArchiveFile } from "@cdktf/provider-archive/lib/file";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { AssetType, Fn, ITerraformDependable, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { toEnvironment } from "../../functions/failover-sync/environment";
import { blueGreenEventPattern, rdsEventPattern } from "../../functions/failover-sync/events";
import { ProviderConfig } from "../../config/resolve";
import { bundleFailoverFunction } from "../bundle";
import { policyDocument, serviceTrustPolicy } from "../iam";
import { StackContext } from "../stack-context";
import { Database } from "./database";
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

export interface FailoverSyncProps {
  readonly name: string;
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
  readonly deadLetterQueue: SqsQueue;
  readonly logGroup: CloudwatchLogGroup;
  readonly eventRule: CloudwatchEventRule;
  readonly blueGreenRule: CloudwatchEventRule;
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
    this.deadLetterQueue = new SqsQueue(this, "DeadLetterQueue", {
      name: `${functionName}-dlq`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });

    const role = new IamRole(this, "Role", {
      name: functionName,
      description: `Runs ${functionName}`,
      assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com", StackContext.of(this).accountId),
    });
    const statements: Record<string, unknown>[] = [
      { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logGroup.arn}:*` },
      ...loadBalancer.targetChangeStatements(),
      ...database.topologyReadStatements(),
      { Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: this.deadLetterQueue.arn },
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
      new VpcSecurityGroupEgressRule(this, "EgressHttps", {
        securityGroupId: sg.id,
        cidrIpv4: network.vpcCidr,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "Interface endpoints of RDS, ELB, SQS and CloudWatch Logs",
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

    const layout = loadBalancer.targets;
    const environment = toEnvironment({
      database: { kind: ref.kind, identifier: ref.identifier },
      port: Fn.tostring(database.port),
      allowedCidrs: [network.vpcCidr],
      targets:
        layout.kind === "cluster"
          ? {
              kind: "cluster",
              writerListenerArn: loadBalancer.writerListener.arn,
              readerListenerArn: loadBalancer.readerListener?.arn,
              memberGroupSuffixes: layout.memberGroups.map((g) => g.arnSuffix),
              readerSetGroupSuffixes: layout.readerSetGroups.map((g) => g.arnSuffix),
              warmReaderSets: config.warmReaderSets,
            }
          : { kind: "instance", writerTargetGroupArn: layout.writerGroup.arn, readerTargetGroupArn: layout.readerGroup?.arn },
    });
    this.function = new LambdaFunction(this, "Function", {
      functionName,
      description: "Keeps the PrivateLink target groups on the current writer and readers",
      role: role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      memorySize: FUNCTION_MEMORY_MB,
      timeout: FUNCTION_TIMEOUT_SECONDS,
      // One run at a time: events and the schedule queue up instead of racing each other.
      reservedConcurrentExecutions: 1,
      filename: archive.outputPath,
      sourceCodeHash: archive.outputBase64Sha256,
      environment: { variables: environment },
      kmsKeyArn: props.kmsKeyArn,
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      vpcConfig,
      dependsOn: [policy, this.logGroup],
    });
    // After two retries a failed event goes to the queue. An on-failure destination rather
    // than a dead_letter_config: its record carries the error and the response, not only
    // the event.
    new LambdaFunctionEventInvokeConfig(this, "AsyncRetries", {
      functionName: this.function.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 3600,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
    });

    // Only this database's events, matched by ARN: in AWS's documented samples RDS events carry
    // SourceIdentifier as "rds:<id>", and the plain ARN in detail.SourceArn. Members added to
    // an existing cluster after the deploy are not named here; the schedule picks them up.
    const sourceArns = ref.kind === "cluster" ? Fn.concat([[ref.arn], ref.memberArns]) : [ref.arn];
    this.eventRule = new CloudwatchEventRule(this, "RdsEventRule", {
      name: `${functionName}-rds-events`,
      description: `Failover and membership events of ${ref.identifier}`,
      eventPattern: Fn.jsonencode(rdsEventPattern(sourceArns)),
    });
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
    for (const [ruleId, rule, input] of [
      ["Rds", this.eventRule, undefined],
      ["BlueGreen", this.blueGreenRule, undefined],
      ["Schedule", this.scheduleRule, JSON.stringify({ trigger: "schedule" })],
    ] as const) {
      new CloudwatchEventTarget(this, `${ruleId}Target`, { rule: rule.name, arn: this.function.arn, input });
      new LambdaPermission(this, `${ruleId}Permission`, {
        statementId: `${ruleId}Rule`,
        action: "lambda:InvokeFunction",
        functionName: this.function.functionName,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      });
    }

    // The first run, at deploy: targets are in place when `cdktf deploy` returns. It runs
    // again when the code or a target group changes.
    new LambdaInvocation(this, "FirstRun", {
      functionName: this.function.functionName,
      input: JSON.stringify({ trigger: "deploy" }),
      triggers: {
        code: archive.outputBase64Sha256,
        targetGroups: Fn.join(",", loadBalancer.targetGroups.map((g) => g.arn)),
      },
      dependsOn: props.dependsOn?.length ? props.dependsOn : undefined,
    });
  }
}
