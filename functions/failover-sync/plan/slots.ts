// Slots: which member each member group holds. A member stays where it sits live; the writer
// gets a slot if it has none, then the best failover candidates, then a Blue/Green
// deployment's green members take what is left.
import { type ClusterState, liveIps, type Member } from "./observed";
import type { Roster } from "./roster";

export interface Slots {
  readonly slots: Array<Member | null>;
  readonly writerSlot: number;
  /** Live IPs of each member group, as read. */
  readonly live: ReadonlyArray<Set<string>>;
  /** The writer port served someone when the run read it: registering the writer is then a fallback. */
  readonly wasServing: boolean;
  /** Set when the writer held no slot and was registered into one while the port was serving. */
  readonly fallback: string | null;
  /** Green members of a Blue/Green deployment left without a slot. */
  readonly unplacedGreen: readonly Member[];
}

export function placeMembers(state: ClusterState, roster: Roster, port: number, green: readonly Member[] = []): Slots {
  const { writer, members } = roster;
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
  // A green member already in a slot keeps it, unless a member needs it (below).
  live.forEach((ips, i) => {
    const occupant = slots[i] === null ? green.find((m) => ips.has(m.ip) && !placed.has(m.instance)) : undefined;
    if (occupant) {
      slots[i] = occupant;
      placed.add(occupant.instance);
    }
  });
  const isGreen = (m: Member | null) => m !== null && green.some((g) => g.instance === m.instance);

  // A free slot: an empty group first, so that a new member never shares a group with a target
  // that is leaving (a listener on that group would reach both).
  const freeSlot = () => {
    const empty = slots.findIndex((m, i) => m === null && live[i].size === 0);
    return empty >= 0 ? empty : slots.indexOf(null);
  };
  // A member that needs a slot takes a green member's before anything else: green waits for a switchover, a member may be promoted now.
  const slotForMember = () => {
    const free = freeSlot();
    if (free >= 0) return free;
    for (let i = slots.length - 1; i >= 0; i--) if (isGreen(slots[i])) return i;
    return -1;
  };
  let writerSlot = slots.findIndex((m) => m?.instance === writer.instance);
  let fallback: string | null = null;
  // Registering the writer is a fallback only when the writer port was serving someone: on a
  // first run, or when every member had gone, it is plain population.
  // A fenced port served until the failover began: what reaches the writer now is a move, not a first population.
  const fenced = state.fenceGroup !== undefined && state.writerListener.forwardsTo === state.fenceGroup.arn;
  const wasServing =
    fenced || state.memberGroups.some((g, i) => g.arn === state.writerListener.forwardsTo && live[i].size > 0);
  if (writerSlot < 0) {
    // Last resort: a free slot, else the slot of the least likely failover target.
    const free = slotForMember();
    writerSlot = free >= 0 ? free : slots.reduce((worst, m, i) => (rank(m!) > rank(slots[worst]!) ? i : worst), 0);
    const evicted = slots[writerSlot];
    if (wasServing)
      fallback = `writer ${writer.instance} (${writer.ip}) held no member slot; registered into slot ${writerSlot}${evicted ? ` in place of ${evicted.instance}` : ""}. Writes return once the registration completes (minutes); raise provider.failover.memberSlots above the cluster's member count`;
    if (evicted) placed.delete(evicted.instance);
    slots[writerSlot] = writer;
    placed.add(writer.instance);
  }
  if (roster.known) {
    // Free slots go to the best failover candidates, so the next writer is most likely warm.
    for (const m of members) {
      if (placed.has(m.instance)) continue;
      const free = slotForMember();
      if (free < 0) break;
      if (slots[free]) placed.delete(slots[free]!.instance);
      slots[free] = m;
      placed.add(m.instance);
    }
  }
  // Then the green members, into what is left: the blue writer's counterpart first.
  const unplacedGreen: Member[] = [];
  for (const g of green) {
    if (placed.has(g.instance)) continue;
    const free = freeSlot();
    if (free < 0) {
      unplacedGreen.push(g);
      continue;
    }
    slots[free] = g;
    placed.add(g.instance);
  }
  return { slots, writerSlot, live, wasServing, fallback, unplacedGreen };
}
