// The alarms that say the failover path is broken, sent to an encrypted SNS topic.
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { METRIC_NAMESPACE } from "../../functions/failover-sync/log";
import { ProviderConfig } from "../../config/schema";
import { FailoverSync } from "./failover-sync";
import { LoadBalancer } from "./load-balancer";

export interface AlarmsProps {
  readonly name: string;
  readonly config: ProviderConfig["alarms"];
  readonly kmsKeyArn: string;
  readonly failover: FailoverSync;
  readonly loadBalancer: LoadBalancer;
  /** Cluster or instance identifier: the dimension of the function's own metrics. */
  readonly databaseIdentifier: string;
}

export class Alarms extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { name, failover, loadBalancer } = props;
    this.topic = new SnsTopic(this, "Topic", { name: `${name}-privatelink-alarms`, kmsMasterKeyId: props.kmsKeyArn });
    if (props.config.email) {
      new SnsTopicSubscription(this, "Email", { topicArn: this.topic.arn, protocol: "email", endpoint: props.config.email });
    }
    const actions = { alarmActions: [this.topic.arn], okActions: [this.topic.arn] };
    new CloudwatchMetricAlarm(this, "FunctionErrors", {
      alarmName: `${name}-failover-function-errors`,
      alarmDescription: "The failover function failed. Its log shows the report and the problem; the target groups were left safe.",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: failover.function.functionName },
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      ...actions,
    });
    new CloudwatchMetricAlarm(this, "DeadLetters", {
      alarmName: `${name}-failover-dead-letters`,
      alarmDescription: "An event failed all its retries and waits in the dead-letter queue.",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: failover.deadLetterQueue.name },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      ...actions,
    });
    new CloudwatchMetricAlarm(this, "WriterUnhealthy", {
      alarmName: `${name}-writer-target-unhealthy`,
      alarmDescription: "No healthy writer target for 2 minutes: consumers cannot write.",
      namespace: "AWS/NetworkELB",
      metricName: "HealthyHostCount",
      dimensions: {
        TargetGroup: loadBalancer.writerTargetGroup.arnSuffix,
        LoadBalancer: loadBalancer.loadBalancer.arnSuffix,
      },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      ...actions,
    });
    new CloudwatchMetricAlarm(this, "SyncErrors", {
      alarmName: `${name}-failover-sync-errors`,
      alarmDescription: "A sync run could not finish: writer unknown, DNS failure or refused IP. See the function log.",
      namespace: METRIC_NAMESPACE,
      metricName: "SyncErrors",
      dimensions: { Database: props.databaseIdentifier },
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      ...actions,
    });
  }
}
