// What a run observes, and the checks made on it: the targets and listeners the ELB API reports,
// the members RDS reports. Plain types and predicates; every plan in this folder builds on them.
import { type ClusterLayout, type InstanceLayout, layoutGroups, type TargetLayout } from "../layout";

// ---------- targets, as the ELB API reports them ----------

/** A target as DescribeTargetHealth reports it. */
export interface CurrentTarget {
  readonly ip: string;
  readonly port: number;
  /** initial | healthy | unhealthy | unused | draining | unavailable | unhealthy.draining */
  readonly state: string;
  /** ELB's reason code, when it gives one (Target.FailedHealthChecks, Elb.RegistrationInProgress, ...). */
  readonly reason?: string;
}

export function isDraining(state: string): boolean {
  return state === "draining" || state.endsWith(".draining");
}

// ---------- members, as RDS reports them ----------

export interface Member {
  readonly instance: string;
  readonly ip: string;
  /**
   * The instance's RDS status (DescribeDBInstances DBInstanceStatus). A member in a transient
   * state (modifying, rebooting, backing-up, ...) is still a member: it keeps its targets and
   * health checks decide whether it serves. Undefined is taken as available.
   */
  readonly state?: string;
}

/**
 * Statuses in which the writer port is fenced: the cluster fails over ("failing-over", RDS's
 * own), or a Blue/Green switchover is under way, or its renamed names do not resolve to the new
 * members yet ("switching-over", the topology's).
 */
const FENCED_STATUSES: ReadonlySet<string> = new Set(["failing-over", "switching-over"]);
export const isFencedStatus = (status: string): boolean => FENCED_STATUSES.has(status);

/** Available: the member is expected to keep serving; any other state may restart it. */
export const isStable = (m: Member): boolean => m.state === undefined || m.state === "available";

/**
 * The readers' desired IPs: the non-writer members, or the writer when there are none, so the
 * reader port keeps answering. null when neither is known.
 */
export function readerTargets(writer: Member | null, readers: readonly Member[] | null): Member[] | null {
  if (readers === null) return null;
  if (readers.length > 0) return [...readers];
  return writer ? [writer] : null;
}

/** The members other than the writer, in the order RDS ranks them; null when either is unknown. */
export function readersOf(writer: Member | null, members: readonly Member[] | null): Member[] | null {
  return writer && members ? members.filter((m) => m.instance !== writer.instance) : null;
}

// ---------- the layout as read at the start of a run ----------

/** A target group as read at the start of a run. */
export interface GroupState {
  readonly arn: string;
  readonly current: readonly CurrentTarget[];
}

/** A listener as read: the one group it forwards to; null when it forwards anywhere else. */
export interface ListenerState {
  readonly arn: string;
  readonly forwardsTo: string | null;
}

/** The load balancer's layout with every group's targets and every switched listener's target. */
export type LayoutState = TargetLayout<GroupState, ListenerState>;
/**
 * A cluster's: slot i's member group holds one member, warm behind its own listener; the reader
 * sets form a pool, each behind its own listener. A prepared set holds every member but one, its
 * owner; the reader listener forwards to the writer's set. No reader sets without a reader port.
 */
export type ClusterState = ClusterLayout<GroupState, ListenerState>;
export type InstanceState = InstanceLayout<GroupState>;

/** The IPs a group serves on the database port: registered and not draining. */
export const liveIps = (g: GroupState, port: number) =>
  new Set(g.current.filter((t) => !isDraining(t.state) && t.port === port).map((t) => t.ip));

/** Only a healthy target gets traffic: initial, unhealthy, unused and unavailable ones do not. */
export const healthyIps = (g: GroupState, port: number) =>
  new Set(g.current.filter((t) => t.state === "healthy" && t.port === port).map((t) => t.ip));

/** The group of the layout with this ARN; undefined for null or a group outside the layout. */
export const groupByArn = (state: LayoutState, arn: string | null): GroupState | undefined =>
  arn === null ? undefined : layoutGroups(state).find((g) => g.arn === arn);

/** The group the writer port forwards to now: a cluster's by its listener, an instance's own. */
const writerPortGroup = (state: LayoutState): GroupState | undefined =>
  state.kind === "cluster" ? groupByArn(state, state.writerListener.forwardsTo) : state.writerGroup;

/** IPs the writer port serves now: the fast path waits until the writer is not among them. */
export function servedWriterIps(state: LayoutState, port: number): Set<string> {
  const g = writerPortGroup(state);
  return g ? liveIps(g, port) : new Set<string>();
}
