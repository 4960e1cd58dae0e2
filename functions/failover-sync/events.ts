// Which kind of run an event asks for. The rule's event IDs and the handler read this one list.

// Aurora User Guide, "Amazon RDS event categories and event messages for Aurora": 0072/0073
// started same-AZ/cross-AZ failover, 0071 completed; Multi-AZ instance failover 0013 started,
// 0015/0049/0050/0051; global database (DB cluster events) 0181 switchover started, 0185
// finished, 0238 failover completed.
export const FAILOVER_STARTED = ["RDS-EVENT-0072", "RDS-EVENT-0073", "RDS-EVENT-0013", "RDS-EVENT-0181"] as const;
export const FAILOVER_FINISHED = [
  "RDS-EVENT-0071",
  "RDS-EVENT-0015",
  "RDS-EVENT-0049",
  "RDS-EVENT-0050",
  "RDS-EVENT-0051",
  "RDS-EVENT-0185",
  "RDS-EVENT-0238",
] as const;
// Members created, deleted, stopped, started, shut down or restarted, an instance class change
// started or finished (0012/0014: the instance goes modifying, then restarts), and the cluster's
// topology updated (0385): the reader set or a member's state may have changed.
export const MEMBERSHIP = [
  "RDS-EVENT-0005",
  "RDS-EVENT-0003",
  "RDS-EVENT-0004",
  "RDS-EVENT-0006",
  "RDS-EVENT-0087",
  "RDS-EVENT-0088",
  "RDS-EVENT-0012",
  "RDS-EVENT-0014",
  "RDS-EVENT-0385",
] as const;
/**
 * Blue/Green deployments (RDS User Guide, "Blue/green deployment events"): switchover started
 * (0247; the primary 0250, another member 0259) and completed (0248; 0251; 0260); the creation
 * tasks done (0244), after which the function registers the green members into spare slots; and
 * a switchover cancelled (0249; 0252; 0261), after which blue keeps the names and the fence goes.
 * They come as "RDS Blue Green Deployment Event" with the deployment's ARN as their source, which
 * the stack cannot know, so their rule matches them by detail type and ID for the whole region;
 * a run they start for another database changes nothing.
 */
export const BLUE_GREEN_STARTED = ["RDS-EVENT-0247", "RDS-EVENT-0250", "RDS-EVENT-0259"] as const;
export const BLUE_GREEN_FINISHED = ["RDS-EVENT-0248", "RDS-EVENT-0251", "RDS-EVENT-0260"] as const;
export const BLUE_GREEN_RECONCILE = ["RDS-EVENT-0244", "RDS-EVENT-0249", "RDS-EVENT-0252", "RDS-EVENT-0261"] as const;
export const BLUE_GREEN_DETAIL_TYPE = "RDS Blue Green Deployment Event";
export const ALL_EVENT_IDS: readonly string[] = [...FAILOVER_STARTED, ...FAILOVER_FINISHED, ...MEMBERSHIP];
export const RDS_DETAIL_TYPES = ["RDS DB Cluster Event", "RDS DB Instance Event"] as const;

/**
 * The EventBridge pattern of one database's failover and membership events, by ARN: AWS's
 * sample events carry "rds:<id>" as SourceIdentifier but the plain ARN in detail.SourceArn.
 */
export function rdsEventPattern(sourceArns: readonly string[] | string[]): Record<string, unknown> {
  return {
    source: ["aws.rds"],
    "detail-type": RDS_DETAIL_TYPES,
    detail: { EventID: ALL_EVENT_IDS, SourceArn: sourceArns },
  };
}

/** The pattern of Blue/Green switchovers in the region (see BLUE_GREEN_STARTED). */
export function blueGreenEventPattern(): Record<string, unknown> {
  return {
    source: ["aws.rds"],
    "detail-type": [BLUE_GREEN_DETAIL_TYPE],
    detail: { EventID: [...BLUE_GREEN_STARTED, ...BLUE_GREEN_FINISHED, ...BLUE_GREEN_RECONCILE] },
  };
}

/** EventBridge refuses an event pattern longer than this (EventBridge quotas: "Event pattern", 2048 characters). */
export const EVENT_PATTERN_LIMIT = 2048;
/** An Aurora cluster has a writer and at most 15 replicas (Aurora User Guide, "Aurora Replicas"). */
export const MAX_CLUSTER_MEMBERS = 16;
/**
 * Member ARNs per rule. Sixteen 63-character member ARNs and the cluster's make a pattern of
 * about 2,200 characters, over the limit; eight leave room for more event IDs (the size test
 * computes the worst case with the full list of IDs).
 */
export const MEMBERS_PER_RULE = 8;
/** Rules for a cluster whose member count is unknown at synth (an existing one): enough for the largest. */
export const MAX_RULES = Math.ceil(MAX_CLUSTER_MEMBERS / MEMBERS_PER_RULE);

/**
 * The patterns of one database, each within EVENT_PATTERN_LIMIT: every pattern names the
 * database's own ARN (EventBridge refuses an empty array, and a pattern without members
 * still matches the cluster's events) and up to MEMBERS_PER_RULE members. A cluster event
 * then matches every rule; the run queue's content-based deduplication keeps one copy.
 */
export function rdsEventPatterns(databaseArn: string, memberArns: readonly string[]): Record<string, unknown>[] {
  const patterns: Record<string, unknown>[] = [];
  for (let i = 0; i === 0 || i < memberArns.length; i += MEMBERS_PER_RULE) {
    patterns.push(rdsEventPattern([databaseArn, ...memberArns.slice(i, i + MEMBERS_PER_RULE)]));
  }
  return patterns;
}

const TRIGGER_URGENCY: readonly Trigger[] = [
  "failover-started",
  "failover-finished",
  "membership",
  "deploy",
  "manual",
  "schedule",
];

/** Does this invocation come from the run queue (an SQS event of one or more records)? */
export function isQueueBatch(event: unknown): boolean {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every((r) => r && typeof r === "object" && (r as Record<string, unknown>).eventSource === "aws:sqs")
  );
}

/**
 * The one event a run acts on. EventBridge delivers to the run queue, and Lambda hands the
 * function a batch of the queue's messages (an SQS event: Records[].body holds each
 * EventBridge event as JSON). Every run reconciles the whole share, so one run serves the
 * batch: it acts on the most urgent event, the newest of its kind (a failover start gets the
 * fast path, and a fresh one is not skipped as stale). Any other event passes unchanged.
 */
export function runEvent(event: unknown): unknown {
  if (!isQueueBatch(event)) return event;
  let best: { event: unknown; rank: number; time: number } | undefined;
  for (const record of (event as { Records: unknown[] }).Records) {
    const body = (record as { body?: unknown }).body;
    let inner: unknown;
    try {
      inner = typeof body === "string" ? JSON.parse(body) : undefined;
    } catch {
      inner = undefined; // not JSON: a message someone sent by hand, a manual run
    }
    const { trigger, time = 0 } = classify(inner);
    const rank = TRIGGER_URGENCY.indexOf(trigger);
    if (!best || rank < best.rank || (rank === best.rank && time > best.time))
      best = { event: inner ?? {}, rank, time };
  }
  return best!.event;
}

export type Trigger = "failover-started" | "failover-finished" | "membership" | "schedule" | "deploy" | "manual";

export interface Classified {
  readonly trigger: Trigger;
  readonly eventId?: string;
  /** When the event happened, ms since the epoch, when the event says. */
  readonly time?: number;
}

export function classify(event: unknown): Classified {
  const e = (event && typeof event === "object" ? event : {}) as Record<string, unknown>;
  if (e.source === "aws.rds") {
    const detail = (e.detail && typeof e.detail === "object" ? e.detail : {}) as Record<string, unknown>;
    const eventId = typeof detail.EventID === "string" ? detail.EventID : undefined;
    const parsed = typeof e.time === "string" ? Date.parse(e.time) : NaN;
    const time = Number.isNaN(parsed) ? undefined : parsed;
    const has = (ids: readonly string[]) => eventId !== undefined && ids.includes(eventId);
    if (has(FAILOVER_STARTED) || has(BLUE_GREEN_STARTED)) return { trigger: "failover-started", eventId, time };
    if (has(FAILOVER_FINISHED) || has(BLUE_GREEN_FINISHED)) return { trigger: "failover-finished", eventId, time };
    return { trigger: "membership", eventId, time };
  }
  if (e.source === "aws.events" || e.trigger === "schedule") return { trigger: "schedule" };
  if (e.trigger === "deploy") return { trigger: "deploy" };
  return { trigger: "manual" };
}
