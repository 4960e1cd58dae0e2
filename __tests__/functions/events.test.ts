import {
  ALL_EVENT_IDS,
  EVENT_PATTERN_LIMIT,
  MAX_CLUSTER_MEMBERS,
  MAX_RULES,
  MEMBERS_PER_RULE,
  rdsEventPattern,
  rdsEventPatterns,
  runEvent,
} from "../../functions/failover-sync/events";
import { DOCUMENTED_CLUSTER_EVENT, DOCUMENTED_INSTANCE_EVENT, withName } from "../fixtures/rds-events";

// The longest ARN prefix AWS can give a database: the longest partition name (aws-us-gov) and a
// region name longer than any today (the longest, such as ap-southeast-5, have 14 characters).
const PREFIX = "arn:aws-us-gov:rds:xx-xxxxxxxxxx-99:123456789012";
const ID_63 = (i: number) => `${"m".repeat(60)}-${String(i).padStart(2, "0")}`;
const WORST_CLUSTER = `${PREFIX}:cluster:${"c".repeat(63)}`;
const WORST_MEMBERS = Array.from({ length: MAX_CLUSTER_MEMBERS }, (_, i) => `${PREFIX}:db:${ID_63(i)}`);

describe("RDS event patterns within EventBridge's 2,048-character limit", () => {
  it("would exceed the limit as one pattern for the largest cluster: the reason to split", () => {
    expect(JSON.stringify(rdsEventPattern([WORST_CLUSTER, ...WORST_MEMBERS])).length).toBeGreaterThan(
      EVENT_PATTERN_LIMIT,
    );
  });

  it(`keeps every pattern at or under the limit for ${MAX_CLUSTER_MEMBERS} members with 63-character identifiers and all ${ALL_EVENT_IDS.length} event IDs`, () => {
    const patterns = rdsEventPatterns(WORST_CLUSTER, WORST_MEMBERS);
    expect(patterns).toHaveLength(MAX_RULES);
    for (const p of patterns) {
      // Terraform's jsonencode writes the same compact JSON as JSON.stringify.
      expect(JSON.stringify(p).length).toBeLessThanOrEqual(EVENT_PATTERN_LIMIT);
      expect((p.detail as { EventID: string[] }).EventID).toEqual(ALL_EVENT_IDS);
    }
  });

  it("names every member in exactly one pattern and the database in all of them", () => {
    const patterns = rdsEventPatterns(WORST_CLUSTER, WORST_MEMBERS);
    const arns = patterns.map((p) => (p.detail as { SourceArn: string[] }).SourceArn);
    for (const list of arns) {
      expect(list[0]).toBe(WORST_CLUSTER);
      expect(list.length).toBeLessThanOrEqual(1 + MEMBERS_PER_RULE);
    }
    expect(arns.flatMap((l) => l.slice(1))).toEqual(WORST_MEMBERS);
  });

  it.each([
    [0, 1],
    [1, 1],
    [8, 1],
    [9, 2],
    [16, 2],
  ])("gives %i members %i pattern(s), never one with an empty list", (members, expected) => {
    const patterns = rdsEventPatterns(WORST_CLUSTER, WORST_MEMBERS.slice(0, members));
    expect(patterns).toHaveLength(expected);
    for (const p of patterns) expect((p.detail as { SourceArn: string[] }).SourceArn.length).toBeGreaterThan(0);
  });
});

/** An SQS event as Lambda delivers it from a FIFO queue (Lambda developer guide, "Using Lambda with Amazon SQS"). */
function sqsEvent(...bodies: string[]) {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `059f36b4-87a3-44ab-83d2-66197${i}a0a7c`,
      receiptHandle: "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "1545082649183",
        SequenceNumber: `1869436897920${i}`,
        MessageGroupId: "runs",
        SenderId: "AIDAIENQZJOLO23YVJ4VO",
        MessageDeduplicationId: `dedup-${i}`,
        ApproximateFirstReceiveTimestamp: "1545082649185",
      },
      messageAttributes: {},
      md5OfBody: "e4e68fb7bd0e697a0ae8f1bb342846b3",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:orders-failover-sync-runs.fifo",
      awsRegion: "us-east-1",
    })),
  };
}

const at = (event: object, time: string) => ({ ...event, time });
const started = (time: string) =>
  at(withName(DOCUMENTED_CLUSTER_EVENT, "my-db-cluster", "orders", { eventId: "RDS-EVENT-0073" }), time);
const finished = withName(DOCUMENTED_INSTANCE_EVENT, "my-db-instance", "orders");
const membership = withName(DOCUMENTED_CLUSTER_EVENT, "my-db-cluster", "orders", { eventId: "RDS-EVENT-0005" });
const scheduled = {
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2026-11-22T10:00:00Z",
  region: "us-east-1",
  resources: ["arn:aws:events:us-east-1:123456789012:rule/orders-failover-sync-reconcile"],
  detail: {},
};

describe("runEvent: the one event a run acts on", () => {
  it.each([
    ["a direct EventBridge event", finished, finished],
    ["the deploy-time run", { trigger: "deploy" }, { trigger: "deploy" }],
    ["nothing", undefined, undefined],
    ["an empty batch", { Records: [] }, { Records: [] }],
  ])("passes %s through unchanged", (_, event, expected) => {
    expect(runEvent(event)).toEqual(expected);
  });

  it.each([
    ["one scheduled event", [scheduled], scheduled],
    [
      "a failover start over the schedule and a membership change",
      [scheduled, membership, started("2026-11-22T10:00:00Z")],
      started("2026-11-22T10:00:00Z"),
    ],
    ["a failover finish over a membership change", [membership, finished], finished],
    [
      "the newest of two failover starts",
      [started("2026-11-22T10:00:05Z"), started("2026-11-22T10:00:00Z")],
      started("2026-11-22T10:00:05Z"),
    ],
    ["a membership change over the schedule", [scheduled, membership], membership],
  ])("takes %s from a batch of the run queue", (_, events, expected) => {
    expect(runEvent(sqsEvent(...events.map((e) => JSON.stringify(e))))).toEqual(expected);
  });

  it("treats a body that is not JSON as a manual run", () => {
    expect(runEvent(sqsEvent("reconcile please"))).toEqual({});
  });

  it("leaves records of another source alone", () => {
    const other = { Records: [{ eventSource: "aws:s3", body: JSON.stringify(finished) }] };
    expect(runEvent(other)).toBe(other);
  });
});
