// Target changes: what each member group and reader set registers and deregisters, with make
// before break for every group a listener of ours forwards to.
import type { Cidr } from "../ipv4";
import { type GroupChange, plan } from "./group";
import type { ClusterState, GroupState } from "./observed";
import { type ReaderSets, readerSetFor } from "./reader-sets";
import type { Roster } from "./roster";
import type { Slots } from "./slots";

export function targetChanges(
  state: ClusterState,
  roster: Roster,
  placement: Slots,
  readerSets: ReaderSets,
  used: ReadonlySet<string>,
  port: number,
  allowedCidrs: readonly Cidr[],
): GroupChange[] {
  const { slots, writerSlot } = placement;
  const groups: GroupChange[] = [];
  const add = (
    role: "member" | "reader-set",
    slot: number,
    g: GroupState,
    desired: string[] | null,
    mayEmpty: boolean,
  ) => {
    // Not the writer's own group: anything but the writer there serves writes to a non-writer,
    // which is worse than waiting for the writer's checks.
    const keepLastHealthy = used.has(g.arn) && !(role === "member" && slot === writerSlot);
    const p = plan({ desired, current: g.current, port, allowedCidrs, mayEmpty, keepLastHealthy });
    if (p.register.length || p.deregister.length || p.heldBecause || p.deferred?.length)
      groups.push({ role, slot, arn: g.arn, plan: p });
  };
  state.memberGroups.forEach((g, i) => {
    // With the member set unknown only the writer's slot may change (the fallback).
    if (!roster.known && i !== writerSlot) return;
    add("member", i, g, slots[i] ? [slots[i]!.ip] : [], i !== writerSlot);
  });
  if (roster.known) {
    state.readerSetGroups.forEach((g, j) => {
      const owner = readerSets.owners[j];
      if (owner) add("reader-set", j, g, readerSetFor(owner, roster.members), false);
      // A set kept for no one empties, unless a listener of ours forwards to it.
      else if (used.has(g.arn)) {
        if (readerSets.setIps[j].size > 0)
          groups.push({
            role: "reader-set",
            slot: j,
            arn: g.arn,
            plan: { register: [], deregister: [], refused: [], heldBecause: "the reader listener forwards here" },
          });
      } else add("reader-set", j, g, [], true);
    });
  }
  return groups;
}
