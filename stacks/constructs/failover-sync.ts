// The failover function and everything around it: package, role, triggers, run queue, dead letters.
// Each concern is built in stacks/constructs/failover-sync/; every resource is added to this
// construct's own scope, so their addresses are those they have always had.
import type { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import type { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ShareNames } from "../../config/names";
import type { ProviderConfig } from "../../config/resolve";
import type { Database } from "./database";
import type { DatabaseProxy } from "./database-proxy";
import { failoverFunction, functionEnvironment, functionLogGroup, functionVpcConfig } from "./failover-sync/function";
import { functionPackage } from "./failover-sync/package";
import { functionRole } from "./failover-sync/role";
import { eventRulesToRunQueue, firstRunThenRunQueue, runQueues } from "./failover-sync/triggers";
import type { LoadBalancer } from "./load-balancer";
import type { Network } from "./network";

export { FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS } from "./failover-sync/function";
export { RUN_MAX_RECEIVES, RUN_MESSAGE_GROUP, RUN_VISIBILITY_TIMEOUT_SECONDS } from "./failover-sync/triggers";

export interface FailoverSyncProps {
  readonly name: string;
  /** Whose names AWS keeps unique beyond the stack (config/names.ts): the config, and the share within it. */
  readonly nameScope: ShareNames;
  /** The stack's region: IAM role names are global per account, so the role's name carries it. */
  readonly region: string;
  readonly config: ProviderConfig["failover"];
  readonly database: Database;
  readonly loadBalancer: LoadBalancer;
  readonly network: Network;
  /** The RDS Proxy in front of the database: the function keeps its addresses registered instead of the members'. */
  readonly proxy?: DatabaseProxy;
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
    const { name, config, database, loadBalancer, network, kmsKeyArn } = props;
    const functionName = `${name}-failover-sync`;

    const code = functionPackage(this);
    // The log group and the run queues come before the role, which grants on their ARNs.
    this.logGroup = functionLogGroup(this, { functionName, retentionInDays: config.logRetentionDays, kmsKeyArn });
    const queues = runQueues(this, functionName);
    this.runQueue = queues.runQueue;
    this.deadLetterQueue = queues.deadLetterQueue;
    const role = functionRole(this, {
      nameScope: props.nameScope,
      region: props.region,
      functionName,
      logGroupArn: this.logGroup.arn,
      runQueueArn: this.runQueue.arn,
      kmsKeyArn,
      database,
      loadBalancer,
      proxy: props.proxy,
      inVpc: config.vpcSubnetIds !== undefined,
      standbyDiscovery: config.standbyDiscovery,
    });
    const vpcConfig = functionVpcConfig(this, { functionName, subnetIds: config.vpcSubnetIds, network });
    const environment = functionEnvironment({ config, database, loadBalancer, network, proxy: props.proxy });
    this.function = failoverFunction(this, {
      functionName,
      code,
      role,
      logGroup: this.logGroup,
      environment,
      kmsKeyArn,
      vpcConfig,
    });

    const rules = eventRulesToRunQueue(this, {
      name,
      functionName,
      database: database.ref,
      reconcileEveryMinutes: config.reconcileEveryMinutes,
      runQueue: this.runQueue,
    });
    this.eventRules = rules.rds;
    this.eventRule = rules.rds[0];
    this.blueGreenRule = rules.blueGreen;
    this.scheduleRule = rules.schedule;
    firstRunThenRunQueue(this, {
      fn: this.function,
      code,
      runQueue: this.runQueue,
      policy: role.policy,
      targetGroupArns: loadBalancer.targetGroups.map((g) => g.arn),
      dependsOn: props.dependsOn,
    });
  }
}
