// Which kind of run an event asks for. The rule's event IDs and the handler read this one list.

export const FAILOVER_STARTED = ["RDS-EVENT-0072", "RDS-EVENT-0073", "RDS-EVENT-0013"] as const;
export const FAILOVER_FINISHED = ["RDS-EVENT-0071", "RDS-EVENT-0015", "RDS-EVENT-0049", "RDS-EVENT-0050", "RDS-EVENT-0051"] as const;
// Members created, deleted, stopped, started or restarted: the reader set may have changed.
export const MEMBERSHIP = ["RDS-EVENT-0005", "RDS-EVENT-0003", "RDS-EVENT-0004", "RDS-EVENT-0006", "RDS-EVENT-0087", "RDS-EVENT-0088"] as const;
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
    if (has(FAILOVER_STARTED)) return { trigger: "failover-started", eventId, time };
    if (has(FAILOVER_FINISHED)) return { trigger: "failover-finished", eventId, time };
    return { trigger: "membership", eventId, time };
  }
  if (e.source === "aws.events" || e.trigger === "schedule") return { trigger: "schedule" };
  if (e.trigger === "deploy") return { trigger: "deploy" };
  return { trigger: "manual" };
}
