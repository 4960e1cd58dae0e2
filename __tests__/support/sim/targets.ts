// The two targets every cluster scenario must meet, computed from what the scenario did and the
// world's parameters, measured from the moment of each fault:
// - writer wrong (a new connection could reach a node that is not the writer) is at most what a
//   client of the cluster endpoint itself sees (its DNS answer may be one TTL old), plus L per
//   failover;
// - writer dark (no node takes the connection) is at most, per failover, RDS's own failover
//   time plus one health-check cycle plus the trigger's delay plus L.
// Two costs are the NLB's or the account's and no function can avoid them, so they are added
// where they occur, and said: a switch back to a group the listener left within the reported
// window fails for failS (params.ts: rollback), and while every API call is refused (a
// throttling burst) nothing can move.
import { type EventTiming, LATE_EVENT_S, type SimParams } from "./params";
import type { Outcome, Scenario } from "./run";

export interface Bounds {
  readonly writerWrongS: number;
  readonly writerDarkS: number;
}

/** Seconds from a fault until a run may learn of it, by how events arrive. */
export function triggerDelayS(p: SimParams, events: EventTiming): number {
  const poller = p.runQueue.pollerLatencyS;
  if (events === "lost") return p.scheduleEveryS + poller;
  return p.eventDelayS[1] + (events === "late" ? LATE_EVENT_S : 0) + poller;
}

export function bounds(s: Scenario, o: Outcome, p: SimParams): Bounds {
  const failovers = o.failoverS.length;
  const burstS = (s.faults?.throttleBursts ?? []).reduce((n, [from, to]) => n + (to - from), 0);
  const checkCycleS = p.healthyThreshold * p.healthCheckIntervalS;
  const rollbacks = o.failbacks * p.rollback.failS;
  const dark = o.failoverS.reduce((n, f) => n + f + checkCycleS + triggerDelayS(p, o.events) + p.listenerDelayS, 0);
  return {
    writerWrongS: o.nativeWrongS + failovers * p.listenerDelayS + burstS,
    writerDarkS: dark + rollbacks + burstS,
  };
}
