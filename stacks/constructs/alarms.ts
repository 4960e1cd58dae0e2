// The alarms that say the failover path is broken, sent to an encrypted SNS topic.
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { METRIC_NAMESPACE, metricDimensions, METRICS } from "../../functions/failover-sync/telemetry";
import type { ProviderConfig } from "../../config/resolve";
import type { DatabaseProxy } from "./database-proxy";
import type { LoadBalancer } from "./load-balancer";
import type { Metric } from "./metric";

export interface AlarmsProps {
  readonly name: string;
  readonly config: ProviderConfig["alarms"];
  readonly kmsKeyArn: string;
  /** The failover function and its dead-letter queue, by name: the alarms watch their metrics. */
  readonly functionName: string;
  readonly deadLetterQueueName: string;
  readonly loadBalancer: LoadBalancer;
  /** Cluster or instance identifier: the dimension of the function's own metrics. */
  readonly databaseIdentifier: string;
  /** The RDS Proxy in front of the database: its availability to writes is alarmed on too. */
  readonly proxy?: DatabaseProxy;
}

interface AlarmSpec {
  readonly name: string;
  readonly description: string;
  readonly metric: Metric;
  readonly statistic: "Sum" | "Maximum" | "Minimum";
  /** "at least threshold" unless below is set: "fewer than threshold". */
  readonly below?: boolean;
  /** Default 1. */
  readonly threshold?: number;
  readonly minutes?: number;
  /** How missing data counts; default: breaching for a "below" alarm (no report means no healthy target), else not. */
  readonly missing?: "breaching" | "notBreaching";
}

export { ALARMS_PER_LAYOUT } from "./sizes";

export class Alarms extends Construct {
  readonly topic: SnsTopic;
  /** Every alarm of the failover path, for the dashboard's alarm widget. */
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { name, loadBalancer } = props;
    this.topic = new SnsTopic(this, "Topic", { name: `${name}-privatelink-alarms`, kmsMasterKeyId: props.kmsKeyArn });
    if (props.config.email) {
      new SnsTopicSubscription(this, "Email", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: props.config.email,
      });
    }
    this.alarm("FunctionErrors", {
      name: `${name}-failover-function-errors`,
      description:
        "The failover function failed. Its log shows the report and the problem; the target groups were left safe.",
      metric: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: props.functionName } },
      statistic: "Sum",
    });
    this.alarm("DeadLetters", {
      name: `${name}-failover-dead-letters`,
      description: "An event failed all its retries and waits in the dead-letter queue.",
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: props.deadLetterQueueName },
      },
      statistic: "Maximum",
    });
    const functionMetric = (metricName: string): Metric => ({
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensions: metricDimensions(props.databaseIdentifier),
    });
    const writerHealth = {
      name: `${name}-writer-target-unhealthy`,
      description: "No healthy writer target for 2 minutes: consumers cannot write.",
      statistic: "Minimum" as const,
      below: true,
      minutes: 2,
    };
    const layout = loadBalancer.targets;
    if (layout.kind === "instance") {
      this.alarm("WriterUnhealthy", {
        ...writerHealth,
        metric: loadBalancer.metrics.healthyHostCount(layout.writerGroup),
      });
    } else {
      // The writer's group changes with every failover, so no fixed group's metric can tell;
      // the function reports the health of the group the writer port forwards to on every run.
      this.alarm("WriterUnhealthy", {
        ...writerHealth,
        description: `${writerHealth.description} (Also raised when the failover function stops reporting.)`,
        metric: functionMetric(METRICS.writerHealthy),
      });
      this.alarm("WriterFallback", {
        name: `${name}-writer-fallback-registration`,
        description:
          "The writer held no warm member slot and was registered on the failover path: writes waited minutes. Raise provider.failover.memberSlots or set promotion tiers.",
        metric: functionMetric(METRICS.fallback),
        statistic: "Sum",
      });
    }
    if (props.proxy) {
      this.alarm("ProxyUnavailable", {
        name: `${name}-proxy-writer-unavailable`,
        description:
          "The RDS Proxy's health checks of the writer failed on some of its nodes in each of 2 minutes (AvailabilityPercentage of its default target group in the READ_WRITE role below 100): a failover, an overloaded database, or a target it cannot reach (npm run status names its targets' health).",
        metric: props.proxy.metrics.availability("READ_WRITE"),
        statistic: "Minimum",
        below: true,
        threshold: 100,
        minutes: 2,
        // "Some of these metrics might not be visible until after the first successful connection by a proxy" (RDS User Guide).
        missing: "notBreaching",
      });
    }
    this.alarm("SyncErrors", {
      name: `${name}-failover-sync-errors`,
      description:
        "A sync run could not finish: writer unknown, DNS failure, refused IP or a fallback registration. See the function log.",
      metric: functionMetric(METRICS.errors),
      statistic: "Sum",
    });
  }

  private alarm(id: string, spec: AlarmSpec): CloudwatchMetricAlarm {
    const alarm = new CloudwatchMetricAlarm(this, id, {
      alarmName: spec.name,
      alarmDescription: spec.description,
      namespace: spec.metric.namespace,
      metricName: spec.metric.metricName,
      dimensions: spec.metric.dimensions,
      statistic: spec.statistic,
      period: 60,
      evaluationPeriods: spec.minutes ?? 1,
      threshold: spec.threshold ?? 1,
      comparisonOperator: spec.below ? "LessThanThreshold" : "GreaterThanOrEqualToThreshold",
      // A missing writer metric means no healthy target was reported: count it as breaching.
      treatMissingData: spec.missing ?? (spec.below ? "breaching" : "notBreaching"),
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
    });
    this.alarms.push(alarm);
    return alarm;
  }
}
