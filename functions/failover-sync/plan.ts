// Pure: desired targets x current targets -> what to register, deregister and refuse.
// No I/O here; every failover decision is made by this file and tested as plain data.
import { Cidr, cidrContains, parseIpv4 } from "./ipv4";

/** A target as DescribeTargetHealth reports it. */
export interface CurrentTarget {
  readonly ip: string;
  readonly port: number;
  /** initial | healthy | unhealthy | unused | draining | unavailable | unhealthy.draining */
  readonly state: string;
  /** ELB's reason code, when it gives one (Target.FailedHealthChecks, Elb.RegistrationInProgress, ...). */
  readonly reason?: string;
}

export interface Target {
  readonly ip: string;
  readonly port: number;
}

export interface Refusal {
  readonly ip: string;
  readonly reason: string;
}

export interface PlanInput {
  /** IPs the group should hold; null when they are unknown, which leaves the group untouched. */
  readonly desired: readonly string[] | null;
  readonly current: readonly CurrentTarget[];
  readonly port: number;
  readonly allowedCidrs: readonly Cidr[];
  /**
   * May the plan leave the group empty? Only for a group no listener needs now (a member slot
   * whose instance is gone). Default: never empty a group.
   */
  readonly mayEmpty?: boolean;
}

export interface Plan {
  readonly register: Target[];
  readonly deregister: Target[];
  readonly refused: Refusal[];
  /** Why the group is left as it is, when it is. */
  readonly heldBecause?: string;
}

export function isDraining(state: string): boolean {
  return state === "draining" || state.endsWith(".draining");
}

const key = (t: Target) => `${t.ip}:${t.port}`;

export function plan(input: PlanInput): Plan {
  if (input.desired === null) {
    return { register: [], deregister: [], refused: [], heldBecause: "desired targets unknown" };
  }
  const refused: Refusal[] = [];
  const wanted: Target[] = [];
  for (const ip of new Set(input.desired)) {
    if (parseIpv4(ip) === undefined) {
      refused.push({ ip, reason: "not an IPv4 address" });
    } else if (!input.allowedCidrs.some((c) => cidrContains(c, ip))) {
      refused.push({ ip, reason: `outside the allowed CIDRs ${input.allowedCidrs.map((c) => c.text).join(", ") || "(none)"}` });
    } else {
      wanted.push({ ip, port: input.port });
    }
  }
  // Draining targets are on their way out already: neither counted as present nor touched.
  const live = dedupe(input.current.filter((t) => !isDraining(t.state)).map((t) => ({ ip: t.ip, port: t.port })));
  const liveKeys = new Set(live.map(key));
  const wantedKeys = new Set(wanted.map(key));
  const register = wanted.filter((t) => !liveKeys.has(key(t)));
  if (wanted.length === 0 && !(input.mayEmpty && refused.length === 0)) {
    // Deregistering now would empty the group: keep what is there until a valid target exists.
    return { register: [], deregister: [], refused, heldBecause: "no valid desired target; never empty a group" };
  }
  const deregister = live.filter((t) => !wantedKeys.has(key(t)));
  return { register, deregister, refused };
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

export interface Member {
  readonly instance: string;
  readonly ip: string;
}

/**
 * The readers' desired IPs: the available non-writer members, or the writer when there are
 * none, so the reader port keeps answering. null when neither is known.
 */
export function readerTargets(writer: Member | null, readers: readonly Member[] | null): Member[] | null {
  if (readers === null) return null;
  if (readers.length > 0) return [...readers];
  return writer ? [writer] : null;
}

// ---------- clusters: warm member slots, failover by switching listeners ----------

/** A target group as read at the start of a run. */
export interface GroupState {
  readonly arn: string;
  readonly current: readonly CurrentTarget[];
}

export interface ClusterState {
  /** Slot i: the group that holds one member, warm behind its own listener. */
  readonly memberGroups: readonly GroupState[];
  /** Slot i: every member but slot i's. Empty when the share has no reader port. */
  readonly readerSetGroups: readonly GroupState[];
  /** The group the writer listener forwards to now; null when it forwards elsewhere. */
  readonly writerListenerTarget: string | null;
  /** The same for the reader listener; undefined when the share has no reader port. */
  readonly readerListenerTarget?: string | null;
}

export interface ClusterPlanInput {
  readonly writer: Member | null;
  /** Every serving member, best failover candidate first; null when unknown. */
  readonly members: readonly Member[] | null;
  readonly state: ClusterState;
  readonly port: number;
  readonly allowedCidrs: readonly Cidr[];
}

export interface Switch {
  readonly listener: "writer" | "reader";
  readonly from: string | null;
  readonly to: string;
  /** The group held its targets before this run: the switch needs no registration. */
  readonly warm: boolean;
}

export interface GroupChange {
  /** writer and reader: the two groups of a Multi-AZ instance; member and reader-set: a cluster's slots. */
  readonly role: "writer" | "reader" | "member" | "reader-set";
  readonly slot: number;
  readonly arn: string;
  readonly plan: Plan;
}

export interface ClusterPlan {
  /** The member each slot holds once the plan is applied. */
  readonly slots: ReadonlyArray<Member | null>;
  readonly writerSlot: number | null;
  readonly switches: Switch[];
  /** Only groups with something to do, or held with a reason. */
  readonly groups: GroupChange[];
  /** Set when the writer held no slot and had to be registered: traffic waits for registration. */
  readonly fallback: string | null;
  readonly refused: Refusal[];
  readonly heldBecause?: string;
}

/** The IPs a group serves on the database port: registered and not draining. */
export const liveIps = (g: GroupState, port: number) => new Set(g.current.filter((t) => !isDraining(t.state) && t.port === port).map((t) => t.ip));

/**
 * Pure: which member each slot holds, which listener moves where, and which targets change.
 * A failover between members that already sit in slots is listener switches only; new or
 * replaced members are registered off that path, and a writer with no slot is registered as a
 * last resort, reported as a fallback.
 */
export function planCluster(input: ClusterPlanInput): ClusterPlan {
  const { state, port, allowedCidrs } = input;
  const held = (why: string, refused: Refusal[] = []): ClusterPlan => ({
    slots: state.memberGroups.map(() => null),
    writerSlot: null,
    switches: [],
    groups: [],
    fallback: null,
    refused,
    heldBecause: why,
  });
  if (input.writer === null) return held("writer unknown; nothing is changed");
  const refused: Refusal[] = [];
  const allowed = (m: Member) => {
    const check = plan({ desired: [m.ip], current: [], port, allowedCidrs });
    refused.push(...check.refused.map((r) => ({ ...r, reason: `${m.instance}: ${r.reason}` })));
    return check.refused.length === 0;
  };
  const writer = input.writer;
  if (!allowed(writer)) return held("the writer's IP is refused; nothing is changed", refused);
  const membersKnown = input.members !== null;
  const members = (input.members ?? [writer]).filter((m) => m.instance === writer.instance || allowed(m));
  if (!members.some((m) => m.instance === writer.instance)) members.unshift(writer);
  const rank = (m: Member) => members.findIndex((x) => x.instance === m.instance);

  // Keep every member that already sits live in a slot: moving one would cost a registration.
  const live = state.memberGroups.map((g) => liveIps(g, port));
  const slots: Array<Member | null> = live.map(() => null);
  const placed = new Set<string>();
  live.forEach((ips, i) => {
    const occupant = members.find((m) => ips.has(m.ip) && !placed.has(m.instance));
    if (occupant) {
      slots[i] = occupant;
      placed.add(occupant.instance);
    }
  });

  let writerSlot = slots.findIndex((m) => m?.instance === writer.instance);
  let fallback: string | null = null;
  // Registering the writer is a fallback only when the writer port was serving someone: on a
  // first run, or when every member had gone, it is plain population.
  const wasServing = state.memberGroups.some((g, i) => g.arn === state.writerListenerTarget && live[i].size > 0);
  if (writerSlot < 0) {
    // Last resort: a free slot, else the slot of the least likely failover target.
    const free = slots.findIndex((m) => m === null);
    writerSlot = free >= 0 ? free : slots.reduce((worst, m, i) => (rank(m!) > rank(slots[worst]!) ? i : worst), 0);
    const evicted = slots[writerSlot];
    if (wasServing) fallback = `writer ${writer.instance} (${writer.ip}) held no member slot; registered into slot ${writerSlot}${evicted ? ` in place of ${evicted.instance}` : ""}. Writes return once the registration completes (minutes); raise provider.failover.memberSlots above the cluster's member count`;
    if (evicted) placed.delete(evicted.instance);
    slots[writerSlot] = writer;
    placed.add(writer.instance);
  }
  if (membersKnown) {
    // Free slots go to the best failover candidates, so the next writer is most likely warm.
    for (const m of members) {
      const free = slots.findIndex((s) => s === null);
      if (free < 0) break;
      if (!placed.has(m.instance)) {
        slots[free] = m;
        placed.add(m.instance);
      }
    }
  }

  const groups: GroupChange[] = [];
  const add = (role: "member" | "reader-set", slot: number, g: GroupState, desired: string[] | null, mayEmpty: boolean) => {
    const p = plan({ desired, current: g.current, port, allowedCidrs, mayEmpty });
    if (p.register.length || p.deregister.length || p.heldBecause) groups.push({ role, slot, arn: g.arn, plan: p });
  };
  state.memberGroups.forEach((g, i) => {
    // With the member set unknown only the writer's slot may change (the fallback).
    if (!membersKnown && i !== writerSlot) return;
    add("member", i, g, slots[i] ? [slots[i]!.ip] : [], i !== writerSlot);
  });
  if (membersKnown) {
    state.readerSetGroups.forEach((g, i) => {
      // Slot i's reader set: everyone but slot i's member; the writer itself when no one else is left.
      const others = members.filter((m) => m.instance !== slots[i]?.instance).map((m) => m.ip);
      add("reader-set", i, g, others.length > 0 ? others : slots[i] ? [slots[i]!.ip] : null, false);
    });
  }

  const switches: Switch[] = [];
  const writerGroup = state.memberGroups[writerSlot];
  if (state.writerListenerTarget !== writerGroup.arn) {
    switches.push({ listener: "writer", from: state.writerListenerTarget, to: writerGroup.arn, warm: live[writerSlot].has(writer.ip) });
  }
  const readerSet = state.readerSetGroups[writerSlot];
  if (state.readerListenerTarget !== undefined && readerSet && state.readerListenerTarget !== readerSet.arn) {
    const change = groups.find((c) => c.arn === readerSet.arn)?.plan;
    const leaving = new Set((change?.deregister ?? []).map((t) => t.ip));
    const staying = [...liveIps(readerSet, port)].filter((ip) => !leaving.has(ip));
    // Reads move only to a set that already holds a live target; otherwise they stay put this run.
    if (staying.length > 0) switches.push({ listener: "reader", from: state.readerListenerTarget, to: readerSet.arn, warm: true });
  }
  return { slots, writerSlot, switches, groups, fallback, refused };
}
