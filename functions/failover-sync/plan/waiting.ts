// What a run waits for: whether the fast path polls RDS again after "failover started", and
// whether a run stays after applying to watch the health checks.
import type { Trigger } from "../events";
import { isFencedStatus, type LayoutState, type Member } from "./observed";

export interface FastPath {
  /** When the "failover started" event happened (epoch ms); undefined when it carries no time. */
  readonly eventTime?: number;
  /** When the run started. */
  readonly now: number;
  /** An event older than this is stale: reconcile without waiting. */
  readonly staleEventMs: number;
  readonly topology: { readonly status: string; readonly writer: Member | null };
  /** Some read of the topology in this run saw the database failing over. */
  readonly sawFailingOver: boolean;
  /** IPs the writer port served when the run read the layout. */
  readonly served: ReadonlySet<string>;
}

/**
 * After "failover started", does the run poll RDS again? Until RDS names a writer the writer
 * port does not serve yet; not at all for a stale event; and no more once a failover it saw is
 * over with the same writer. The time budget is the caller's.
 */
export function keepsWaiting(f: FastPath): boolean {
  const stale = f.eventTime !== undefined && f.now - f.eventTime > f.staleEventMs;
  if (stale || writerMoved(f.topology, f.served)) return false;
  return !(f.sawFailingOver && !isFencedStatus(f.topology.status));
}

/** RDS names a writer that the writer port does not serve yet: the fast path stops polling. */
export function writerMoved(
  topology: { readonly status: string; readonly writer: Member | null },
  served: ReadonlySet<string>,
): boolean {
  return topology.writer !== null && !isFencedStatus(topology.status) && !served.has(topology.writer.ip);
}

/**
 * Whether a run stays after applying, to watch the health checks and finish its moves: right
 * after a failover the new writer may still be restarting (Aurora restarts the reader it
 * promotes) and the reader port may be waiting for a set to turn healthy. Only a cluster moves
 * listeners; a deploy-time run returns so that the deploy does.
 */
export function settles(trigger: Trigger, kind: LayoutState["kind"], switchesMoved: number): boolean {
  return (
    kind === "cluster" &&
    (trigger === "failover-started" || trigger === "failover-finished" || (trigger !== "deploy" && switchesMoved > 0))
  );
}
