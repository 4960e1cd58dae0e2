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
  /**
   * Make before break: a healthy target leaves only once a target that stays is healthy. Set
   * for every group a listener forwards to, so that no run removes the group's last working
   * path while its replacement is still registering. Default: false.
   */
  readonly keepLastHealthy?: boolean;
}

export interface Plan {
  readonly register: Target[];
  readonly deregister: Target[];
  readonly refused: Refusal[];
  /** Why the group is left as it is, when it is. */
  readonly heldBecause?: string;
  /** Deregistrations put off until a target that stays is healthy (make before break). */
  readonly deferred?: Target[];
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
  const leaving = live.filter((t) => !wantedKeys.has(key(t)));
  if (input.keepLastHealthy) {
    const healthy = new Set(input.current.filter((t) => t.state === "healthy").map(key));
    const stayingHealthy = live.some((t) => wantedKeys.has(key(t)) && healthy.has(key(t)));
    if (!stayingHealthy && leaving.some((t) => healthy.has(key(t)))) {
      // Nothing that stays can serve yet: the healthy leavers stay until a replacement is healthy.
      const deferred = leaving.filter((t) => healthy.has(key(t)));
      return { register, deregister: leaving.filter((t) => !healthy.has(key(t))), refused, deferred };
    }
  }
  return { register, deregister: leaving, refused };
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

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

// ---------- clusters: warm member slots, failover by switching listeners ----------

/** A target group as read at the start of a run. */
export interface GroupState {
  readonly arn: string;
  readonly current: readonly CurrentTarget[];
}

export interface ClusterState {
  /** Slot i: the group that holds one member, warm behind its own listener. */
  readonly memberGroups: readonly GroupState[];
  /**
   * A pool of reader sets, each behind its own listener. A prepared set holds every member but
   * one, its owner; the reader listener forwards to the writer's set. Empty when the share has
   * no reader port.
   */
  readonly readerSetGroups: readonly GroupState[];
  /** The group the writer listener forwards to now; null when it forwards elsewhere. */
  readonly writerListenerTarget: string | null;
  /** The same for the reader listener; undefined when the share has no reader port. */
  readonly readerListenerTarget?: string | null;
}

export interface ClusterPlanInput {
  readonly writer: Member | null;
  /** Every member (the writer included, transient states too), best failover candidate first; null when unknown. */
  readonly members: readonly Member[] | null;
  readonly state: ClusterState;
  readonly port: number;
  readonly allowedCidrs: readonly Cidr[];
  /**
   * How many reader sets are kept populated: the writer's, the previous writer's (a failback
   * stays warm) and the best failover candidates'. The rest stay empty, so the targets the NLB
   * health-checks grow with the member count, not its square. Default: every set.
   */
  readonly warmReaderSets?: number;
}

export interface Switch {
  readonly listener: "writer" | "reader";
  readonly from: string | null;
  readonly to: string;
  /** The destination already held a healthy target for this listener: traffic flows at once. */
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
  /** The member each reader set is kept for (it holds every member but that one); null: kept empty. */
  readonly readerSetOwners: ReadonlyArray<Member | null>;
  readonly switches: Switch[];
  /** Only groups with something to do, or held with a reason. */
  readonly groups: GroupChange[];
  /**
   * Set when the writer was not registered where the writer port must go (no slot, or its
   * target gone) and is registered on the failover path: writes wait for the registration.
   * A move to a slot whose writer target is registered but not yet healthy (a restart) is a
   * note, not a fallback.
   */
  readonly fallback: string | null;
  /** Things an operator must fix that no run can: a member in a zone the NLB does not enable. */
  readonly problems: string[];
  /** What the run chose and why, when it is not the plain layout (the reader port on the writer, ...). */
  readonly notes: string[];
  readonly refused: Refusal[];
  readonly heldBecause?: string;
}

/** The IPs a group serves on the database port: registered and not draining. */
export const liveIps = (g: GroupState, port: number) => new Set(g.current.filter((t) => !isDraining(t.state) && t.port === port).map((t) => t.ip));

/** Only a healthy target gets traffic: initial, unhealthy, unused and unavailable ones do not. */
export const healthyIps = (g: GroupState, port: number) => new Set(g.current.filter((t) => t.state === "healthy" && t.port === port).map((t) => t.ip));

/**
 * Pure: which member each slot holds, which reader set is kept for whom, which listener moves
 * where, and which targets change. The rules:
 * - warm means healthy: a listener moves to a group only when it holds a healthy target for
 *   it; the writer port moving anywhere else is a fallback, and reported as one;
 * - make before break: known members keep their targets whatever their state; only members
 *   that left the cluster leave, and never as the last healthy target of a group that a
 *   listener forwards to;
 * - a failover between members that already sit in slots is listener switches only.
 */
export function planCluster(input: ClusterPlanInput): ClusterPlan {
  const { state, port, allowedCidrs } = input;
  const held = (why: string, refused: Refusal[] = []): ClusterPlan => ({
    slots: state.memberGroups.map(() => null),
    writerSlot: null,
    readerSetOwners: state.readerSetGroups.map(() => null),
    switches: [],
    groups: [],
    fallback: null,
    problems: [],
    notes: [],
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
  const byIp = new Map(members.map((m) => [m.ip, m]));

  // Keep every member that already sits live in a slot: moving one would cost a registration.
  const live = state.memberGroups.map((g) => liveIps(g, port));
  const healthy = (g: GroupState) => healthyIps(g, port);
  const slots: Array<Member | null> = live.map(() => null);
  const placed = new Set<string>();
  live.forEach((ips, i) => {
    const occupant = members.find((m) => ips.has(m.ip) && !placed.has(m.instance));
    if (occupant) {
      slots[i] = occupant;
      placed.add(occupant.instance);
    }
  });

  // A free slot: an empty group first, so that a new member never shares a group with a target
  // that is leaving (a listener on that group would reach both).
  const freeSlot = () => {
    const empty = slots.findIndex((m, i) => m === null && live[i].size === 0);
    return empty >= 0 ? empty : slots.findIndex((m) => m === null);
  };
  let writerSlot = slots.findIndex((m) => m?.instance === writer.instance);
  let fallback: string | null = null;
  // Registering the writer is a fallback only when the writer port was serving someone: on a
  // first run, or when every member had gone, it is plain population.
  const wasServing = state.memberGroups.some((g, i) => g.arn === state.writerListenerTarget && live[i].size > 0);
  if (writerSlot < 0) {
    // Last resort: a free slot, else the slot of the least likely failover target.
    const free = freeSlot();
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
      const free = freeSlot();
      if (free < 0) break;
      if (!placed.has(m.instance)) {
        slots[free] = m;
        placed.add(m.instance);
      }
    }
  }

  // ---- reader sets: which set is kept for whom ----
  const sets = state.readerSetGroups;
  const setIps = sets.map((g) => liveIps(g, port));
  const owners: Array<Member | null> = sets.map(() => null);
  const wantedIn = (owner: Member) => {
    const others = members.filter((m) => m.instance !== owner.instance).map((m) => m.ip);
    return others.length > 0 ? others : [owner.ip];
  };
  // The set the reader listener uses belongs to the member it leaves out: the previous writer.
  const readerSetNow = sets.findIndex((g) => g.arn === state.readerListenerTarget);
  const excludedNow = readerSetNow >= 0 ? members.filter((m) => !setIps[readerSetNow].has(m.ip)) : [];
  const previousWriter = excludedNow.length === 1 && excludedNow[0].instance !== writer.instance ? excludedNow[0] : undefined;
  const candidates = members.filter((m) => m.instance !== writer.instance);
  const ordered = [writer, ...(previousWriter ? [previousWriter] : []), ...candidates.filter((m) => m.instance !== previousWriter?.instance)];
  const warmCount = Math.max(1, Math.min(input.warmReaderSets ?? sets.length, sets.length, membersKnown ? members.length : 1));
  const prepared = sets.length > 0 ? ordered.slice(0, warmCount) : [];
  // How close set j is to holding `want`: one up for each IP it should hold, one down for each other.
  const closeness = (j: number, want: ReadonlySet<string>) => [...setIps[j]].reduce((score, ip) => score + (want.has(ip) ? 1 : -1), 0);
  // The unowned set that scores best; ties go to the lowest index.
  const bestSet = (eligible: (j: number) => boolean, score: (j: number) => number) => {
    let best = -1;
    sets.forEach((_, j) => {
      if (!owners[j] && eligible(j) && (best < 0 || score(j) > score(best))) best = j;
    });
    return best;
  };
  // First the sets already kept for an owner (non-empty, without the owner), then repurpose
  // the closest free set: a repurposed set changes by one member in and one out.
  for (const owner of prepared) {
    const want = new Set(wantedIn(owner));
    // The last member's set holds the member itself; with the members unknown, look for the set without it.
    const only = membersKnown && want.size === 1 && want.has(owner.ip);
    const keptFor = (j: number) => setIps[j].size > 0 && (only ? setIps[j].has(owner.ip) : !setIps[j].has(owner.ip));
    // Among equals, the set the reader listener uses.
    const best = bestSet(keptFor, (j) => closeness(j, want) + (j === readerSetNow ? 0.5 : 0));
    if (best >= 0) owners[best] = owner;
  }
  for (const owner of prepared.filter((o) => !owners.includes(o))) {
    const want = new Set(wantedIn(owner));
    // The writer's set is best where the reader listener already forwards (no switch); any
    // other owner's set is best anywhere else, so the set in use changes last.
    const here = owner.instance === writer.instance ? 0.5 : -0.5;
    const best = bestSet(() => true, (j) => closeness(j, want) + (j === readerSetNow ? here : 0));
    if (best >= 0) owners[best] = owner;
  }

  // ---- where the listeners go ----
  const writerGroup = state.memberGroups[writerSlot];
  const registeringWriter = !live[writerSlot].has(writer.ip);
  const switches: Switch[] = [];
  let coldSwitch: string | undefined;
  if (state.writerListenerTarget !== writerGroup.arn) {
    const warm = healthy(writerGroup).has(writer.ip);
    switches.push({ listener: "writer", from: state.writerListenerTarget, to: writerGroup.arn, warm });
    if (!warm && !fallback && wasServing) {
      // Registered but not healthy yet: Aurora restarts the reader it promotes, so this is an
      // ordinary failover, not a fallback. The port goes where the writer will answer first.
      const target = writerGroup.current.find((t) => t.ip === writer.ip && t.port === port);
      coldSwitch = `writer port moved to slot ${writerSlot}, where writer ${writer.instance} (${writer.ip}) reads ${target?.state ?? "absent"}: writes return once its health checks pass`;
    }
  } else if (registeringWriter && wasServing && !fallback) {
    fallback = `writer ${writer.instance} (${writer.ip}) was not registered in its slot ${writerSlot}; registered again. Writes return once the registration completes (minutes)`;
  }

  // ---- target changes ----
  const groups: GroupChange[] = [];
  const notes: string[] = coldSwitch ? [coldSwitch] : [];
  // The groups a listener of ours forwards to, before or after this run, never lose their last
  // healthy target: the listener change may not have reached every NLB node yet.
  const used = new Set<string>([state.writerListenerTarget, state.readerListenerTarget, writerGroup.arn].filter((a): a is string => typeof a === "string"));
  const add = (role: "member" | "reader-set", slot: number, g: GroupState, desired: string[] | null, mayEmpty: boolean) => {
    // Not the writer's own group: anything but the writer there serves writes to a non-writer,
    // which is worse than waiting for the writer's checks.
    const keepLastHealthy = used.has(g.arn) && !(role === "member" && slot === writerSlot);
    const p = plan({ desired, current: g.current, port, allowedCidrs, mayEmpty, keepLastHealthy });
    if (p.register.length || p.deregister.length || p.heldBecause || p.deferred?.length) groups.push({ role, slot, arn: g.arn, plan: p });
  };

  // Who can serve reads in a group: its healthy members (a target that left the cluster is on its
  // way out of every set); with the member set unknown (a reader's DNS failed), every healthy target.
  const serving = (g: GroupState) => [...healthy(g)].filter((ip) => !membersKnown || byIp.has(ip));
  // The reader listener: the writer's set when it can serve, else stay where reads are served,
  // else any group holding a healthy member (the writer's own group last).
  const readerChoice = chooseReaderGroup();
  function chooseReaderGroup(): { index: number; arn: string | null; why?: string } {
    if (state.readerListenerTarget === undefined || sets.length === 0) return { index: -1, arn: null };
    const writerSet = owners.findIndex((o) => o?.instance === writer.instance);
    // Good: an available member serves there; ok: anyone healthy does (a modifying reader, say).
    const good = (g: GroupState) => serving(g).some((ip) => !byIp.has(ip) || isStable(byIp.get(ip)!));
    const ok = (g: GroupState) => serving(g).length > 0;
    const options: Array<{ index: number; arn: string; label: string }> = [];
    if (writerSet >= 0) options.push({ index: writerSet, arn: sets[writerSet].arn, label: "the writer's reader set" });
    // Where reads go now comes next: a move that gains nothing costs a listener change.
    if (readerSetNow >= 0 && readerSetNow !== writerSet) options.push({ index: readerSetNow, arn: sets[readerSetNow].arn, label: "the reader set it uses now" });
    if (state.readerListenerTarget === writerGroup.arn) options.push({ index: -2, arn: writerGroup.arn, label: "the writer's member group, where it is now" });
    owners.forEach((o, j) => {
      if (o && j !== writerSet && j !== readerSetNow) options.push({ index: j, arn: sets[j].arn, label: `the reader set kept for ${o.instance}` });
    });
    if (state.readerListenerTarget !== writerGroup.arn) options.push({ index: -2, arn: writerGroup.arn, label: "the writer's member group" });
    const group = (o: { index: number; arn: string }) => (o.index >= 0 ? sets[o.index] : writerGroup);
    for (const test of [good, ok]) {
      const pick = options.find((o) => test(group(o)));
      if (pick) return { index: pick.index, arn: pick.arn, why: pick.index === writerSet ? undefined : `${pick.label}, because the writer's reader set holds no ${test === good ? "available member that is healthy" : "healthy target"} yet` };
    }
    // Nothing can serve reads: leave the listener where it is, or on the writer's set, and say
    // so, so that a failover run keeps watching until something can.
    const stay = readerSetNow >= 0 ? readerSetNow : writerSet;
    return { index: stay, arn: stay >= 0 ? sets[stay].arn : state.readerListenerTarget ?? null, why: "the reader set it uses now, because no group holds a healthy member yet" };
  }
  if (readerChoice.arn) used.add(readerChoice.arn);

  state.memberGroups.forEach((g, i) => {
    // With the member set unknown only the writer's slot may change (the fallback).
    if (!membersKnown && i !== writerSlot) return;
    add("member", i, g, slots[i] ? [slots[i]!.ip] : [], i !== writerSlot);
  });
  if (membersKnown) {
    sets.forEach((g, j) => {
      const owner = owners[j];
      if (owner) add("reader-set", j, g, wantedIn(owner), false);
      // A set kept for no one empties, unless a listener of ours forwards to it.
      else if (used.has(g.arn)) {
        if (setIps[j].size > 0) groups.push({ role: "reader-set", slot: j, arn: g.arn, plan: { register: [], deregister: [], refused: [], heldBecause: "the reader listener forwards here" } });
      } else add("reader-set", j, g, [], true);
    });
  }

  if (readerChoice.arn && readerChoice.arn !== state.readerListenerTarget) {
    const dest = readerChoice.index >= 0 ? sets[readerChoice.index] : writerGroup;
    const warm = serving(dest).length > 0;
    // Reads move only to a group that already serves; otherwise they stay put this run.
    if (warm || state.readerListenerTarget === null) switches.push({ listener: "reader", from: state.readerListenerTarget ?? null, to: readerChoice.arn, warm });
  }
  if (readerChoice.why && (switches.some((s) => s.listener === "reader") || readerChoice.arn === state.readerListenerTarget)) notes.push(`reader port on ${readerChoice.why}`);

  // A member whose target reads "unused" with a listener in front sits in a zone the NLB does not enable.
  const problems: string[] = [];
  const unusedSeen = new Set<string>();
  for (const g of [...state.memberGroups, ...sets]) {
    for (const t of g.current) {
      const m = byIp.get(t.ip);
      if (t.state === "unused" && m && !unusedSeen.has(m.instance) && (t.reason === undefined || t.reason === "Target.NotInUse")) {
        unusedSeen.add(m.instance);
        problems.push(`${m.instance} (${t.ip}) reads "unused" on the load balancer: its Availability Zone is not enabled on the NLB, so it never gets traffic. Add a provider subnet in that zone (provider.network), or move the instance to a zone the NLB has`);
      }
    }
  }
  return { slots, writerSlot, readerSetOwners: owners, switches, groups, fallback, problems, notes, refused };
}
