// The target layout: which target groups stand behind the writer and reader ports, and which
// listeners the function switches. One shape for everyone who holds it: the load balancer
// construct (groups and listeners as resources), the function's environment (as ARNs) and the
// planner (as read from the ELB API). Each fills in its own idea of a group and a listener.
// This file imports nothing, so both the stacks and the function bundle can use it.

/**
 * Aurora and Multi-AZ DB clusters: slot i has a member group (one instance, behind its own
 * listener, so the NLB health-checks it all the time) and a reader-set group (every member but
 * one, behind its own listener too). The writer listener forwards to the writer's member group
 * and the reader listener to the writer's reader set; the function moves both with
 * ModifyListener, so a failover only switches listeners.
 */
export interface ClusterLayout<Group, Listener> {
  readonly kind: "cluster";
  readonly writerListener: Listener;
  /** Absent when the share has no reader port. */
  readonly readerListener?: Listener;
  readonly memberGroups: readonly Group[];
  /** One per member group, in the same order; empty when there is no reader port. */
  readonly readerSetGroups: readonly Group[];
  /**
   * A group that never holds a target. While the cluster fails over, the writer listener forwards
   * here, so that no new connection reaches the old writer, which Aurora brings back as a
   * read-only reader before its "failover completed" event. Not among layoutGroups: it has no
   * targets to read, alarm on or chart. Absent in layouts deployed before it existed.
   */
  readonly fenceGroup?: Group;
}

/**
 * Multi-AZ DB instance: a writer group and, with a reader port, a reader group. Its listeners
 * stay; the function registers targets: the primary's address, and the standby's beside it when
 * it can be found (standby.ts), else the new address after a failover.
 */
export interface InstanceLayout<Group> {
  readonly kind: "instance";
  readonly writerGroup: Group;
  readonly readerGroup?: Group;
}

export type TargetLayout<Group, Listener> = ClusterLayout<Group, Listener> | InstanceLayout<Group>;

/** Every group of a layout, in a fixed order: member slots, then reader sets; or writer, then reader. */
export function layoutGroups<Group>(layout: TargetLayout<Group, unknown>): Group[] {
  return layout.kind === "cluster"
    ? [...layout.memberGroups, ...layout.readerSetGroups]
    : [layout.writerGroup, ...(layout.readerGroup ? [layout.readerGroup] : [])];
}

/** The listeners the function switches: a cluster's writer and reader; a Multi-AZ instance has none. */
export function switchedListeners<Listener>(layout: TargetLayout<unknown, Listener>): Listener[] {
  return layout.kind === "cluster"
    ? [layout.writerListener, ...(layout.readerListener !== undefined ? [layout.readerListener] : [])]
    : [];
}
