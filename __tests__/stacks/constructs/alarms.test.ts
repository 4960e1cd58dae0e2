import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Alarms } from "../../../stacks/constructs/alarms";
import { LoadBalancer } from "../../../stacks/constructs/load-balancer";
import { type Json, resources } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";

function build(mutate?: (c: Json) => void) {
  const config = demoConfig(mutate);
  return synthConstruct((scope) => {
    const loadBalancer = new LoadBalancer(scope, "LoadBalancer", {
      name: config.name,
      network: demoNetwork(scope, config),
      ports: config.provider.ports,
      databasePort: 3306,
      deletionProtection: true,
      tcpIdleTimeoutSeconds: 350,
    });
    new Alarms(scope, "Alarms", {
      name: config.name,
      config: config.provider.alarms,
      kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/test",
      functionName: "orders-failover-sync",
      deadLetterQueueName: "orders-failover-sync-dlq",
      loadBalancer,
      databaseIdentifier: "orders",
    });
  }).json;
}

const alarmsOf = (json: Json) => resources(json, CloudwatchMetricAlarm.tfResourceType);

describe("Alarms, alone", () => {
  it("alarms on errors, dead letters, an unhealthy writer, fallback registrations and sync errors", () => {
    const alarms = alarmsOf(build());
    expect(alarms.map((a) => [a.namespace, a.metric_name, a.comparison_operator, a.threshold]).sort()).toEqual(
      [
        ["AWS/Lambda", "Errors", "GreaterThanOrEqualToThreshold", 1],
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "GreaterThanOrEqualToThreshold", 1],
        ["RdsPrivateLink", "WriterHealthyTargets", "LessThanThreshold", 1],
        ["RdsPrivateLink", "WriterFallbackRegistrations", "GreaterThanOrEqualToThreshold", 1],
        ["RdsPrivateLink", "SyncErrors", "GreaterThanOrEqualToThreshold", 1],
      ].sort(),
    );
    expect(alarms.find((a) => a.metric_name === "Errors").dimensions).toEqual({ FunctionName: "orders-failover-sync" });
    expect(alarms.find((a) => a.namespace === "AWS/SQS").dimensions).toEqual({ QueueName: "orders-failover-sync-dlq" });
  });

  it("watches the writer of a cluster through the function's metric, with the dimensions Powertools writes", () => {
    // The writer's group moves with each failover: no fixed group's metric can tell.
    const writer = alarmsOf(build()).find((a) => a.metric_name === "WriterHealthyTargets");
    expect(writer.evaluation_periods * writer.period).toBe(120);
    expect(writer.treat_missing_data).toBe("breaching");
    expect(writer.dimensions).toEqual({ service: "failover-sync", Database: "orders" });
  });

  it("watches a Multi-AZ instance's writer group through the NLB's own metric, and has no fallback alarm", () => {
    const alarms = alarmsOf(build((c) => (c.provider.database = { engine: "mysql", create: {} })));
    expect(alarms.find((a) => a.alarm_name === "orders-writer-target-unhealthy")).toMatchObject({
      namespace: "AWS/NetworkELB",
      metric_name: "HealthyHostCount",
    });
    expect(alarms.some((a) => a.metric_name === "WriterFallbackRegistrations")).toBe(false);
  });

  it("sends every alarm to an encrypted topic, and to the email only when one is set", () => {
    const json = build();
    expect(resources(json, SnsTopic.tfResourceType)).toEqual([
      expect.objectContaining({
        name: "orders-privatelink-alarms",
        kms_master_key_id: "arn:aws:kms:us-east-1:111111111111:key/test",
      }),
    ]);
    expect(resources(json, "aws_sns_topic_subscription")).toHaveLength(0);
    expect(alarmsOf(json).every((a) => a.alarm_actions.length === 1 && a.ok_actions.length === 1)).toBe(true);
    const withEmail = build((c) => (c.provider.alarms = { email: "oncall@example.com" }));
    expect(resources(withEmail, "aws_sns_topic_subscription")[0]).toMatchObject({
      protocol: "email",
      endpoint: "oncall@example.com",
    });
  });
});
