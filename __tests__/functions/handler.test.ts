// What the handler does with a run that fails: a batch of the run queue is never failed for a
// fault, because a failed batch holds the queue's one message group (every later event and the
// schedule) for the visibility timeout; only an environment no run can get past fails it, so its
// messages reach the dead-letter queue. A direct invocation (the deploy, an operator) throws.
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { RDSClient } from "@aws-sdk/client-rds";
import { ENV } from "../../functions/failover-sync/environment";
import { createHandler } from "../../functions/failover-sync/index";
import { SyncError } from "../../functions/failover-sync/sync";

process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED = "true";

const PREFIX = "arn:aws:elasticloadbalancing:us-east-1:111111111111";
const ENVIRONMENT = {
  [ENV.clusterIdentifier]: "orders",
  [ENV.targetPort]: "3306",
  [ENV.allowedCidrs]: "10.0.0.0/16",
  [ENV.writerListenerArn]: `${PREFIX}:listener/net/orders-nlb/0001/0001`,
  [ENV.memberTargetGroups]: "targetgroup/orders-m0/0001",
};

/** An AWS whose every call fails as ELB does when its buckets are empty. */
const throttled = () => {
  const send = async () => {
    throw Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 400 },
    });
  };
  return { rds: { send } as unknown as RDSClient, elb: { send } as unknown as ElasticLoadBalancingV2Client };
};

const handler = (env: Record<string, string>) =>
  createHandler({
    env,
    clients: throttled,
    resolve: async () => "10.0.1.1",
    now: Date.now,
    sleep: async () => undefined,
  });

/** An SQS event as Lambda hands it to the function (Lambda Developer Guide, "Using Lambda with Amazon SQS"). */
const batch = {
  Records: [
    {
      messageId: "1",
      receiptHandle: "r",
      body: JSON.stringify({ source: "aws.events", "detail-type": "Scheduled Event" }),
      attributes: {},
      messageAttributes: {},
      md5OfBody: "0",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:111111111111:orders-failover-sync-runs.fifo",
      awsRegion: "us-east-1",
    },
  ],
};

describe("a run that cannot finish", () => {
  it("lets its batch of the run queue go, with a report that says what it could not do", async () => {
    const report = await handler(ENVIRONMENT)(batch);
    expect(report?.problems.join(" ")).toMatch(/run stopped: ThrottlingException: Rate exceeded/);
    expect(report?.trigger).toBe("schedule");
  });

  it("throws to a direct caller, with the same report", async () => {
    const error = await handler(ENVIRONMENT)({ trigger: "deploy" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).report.problems.join(" ")).toMatch(/Rate exceeded/);
  });

  it("fails the batch when the environment is wrong: no run can succeed, so its messages go to the dead-letter queue", async () => {
    const { [ENV.targetPort]: _, ...broken } = ENVIRONMENT;
    await expect(handler(broken)(batch)).rejects.toThrow(
      /failover-sync misconfigured: TARGET_PORT must be a port number/,
    );
  });
});
