// What one run plans from: the topology RDS reported, the layout as read and the share's config.
import type { Cidr } from "../ipv4";
import type { LayoutState, Member } from "./observed";
import type { WriterEvidence } from "./writer-evidence";

export interface RunInput {
  readonly writer: Member | null;
  /** Every member (the writer included, transient states too), best failover candidate first; null when unknown. */
  readonly members: readonly Member[] | null;
  readonly state: LayoutState;
  readonly port: number;
  readonly allowedCidrs: readonly Cidr[];
  /**
   * Clusters: how many reader sets are kept populated: the writer's, the previous writer's (a
   * failback stays warm) and the best failover candidates'. The rest stay empty, so the targets
   * the NLB health-checks grow with the member count, not its square. Default: every set.
   */
  readonly warmReaderSets?: number;
  /** Clusters: RDS reports the cluster failing over (no writer). Default: false. */
  readonly failingOver?: boolean;
  /**
   * Multi-AZ DB instance: the standby, registered beside the primary in every group so that a
   * failover needs no registration; it takes no connections, so it reads unhealthy and gets no
   * traffic until it takes over. null or absent: none known.
   */
  readonly standby?: Member | null;
  /**
   * Clusters: a Blue/Green deployment's green members before its switchover, the blue writer's
   * counterpart first. They take free member slots, never a member's, so that they are
   * registered and healthy when RDS hands them the names.
   */
  readonly green?: readonly Member[];
  /**
   * Clusters, after a Blue/Green switchover: the addresses of the old environment. The old blue
   * primary "only allows read operations until it is rebooted": a writer port that still serves
   * one of them is fenced while the writer is unknown, instead of held.
   */
  readonly retiredIps?: ReadonlySet<string>;
  /** Clusters: what else says who the writer is; without it a writer change is taken on one answer. */
  readonly evidence?: WriterEvidence;
}
