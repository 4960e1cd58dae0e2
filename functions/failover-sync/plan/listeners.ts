// Listeners: where the writer and reader ports go, and which moves are warm.
import { type ClusterState, type GroupState, healthyIps, isStable } from "./observed";
import type { ReaderSets } from "./reader-sets";
import type { Roster } from "./roster";
import type { Slots } from "./slots";

export interface Switch {
  readonly listener: "writer" | "reader";
  readonly from: string | null;
  readonly to: string;
  /** The destination already held a healthy target for this listener: traffic flows at once. */
  readonly warm: boolean;
  /**
   * Writer only: the destination holds the writer registered, not healthy yet (a restart): the
   * switch needs no registration, so it goes before any, as a warm one does.
   */
  readonly registered?: boolean;
}

interface Listeners {
  readonly switches: Switch[];
  readonly notes: string[];
  /** The slots' fallback, or the writer registered again in its own slot. */
  readonly fallback: string | null;
  /** The groups a listener of ours forwards to, before or after this run. */
  readonly used: ReadonlySet<string>;
}

/** Who can serve reads in a group: its healthy members; with the member set unknown, every healthy target. */
function servingIps(g: GroupState, roster: Roster, port: number): string[] {
  // A target that left the cluster is on its way out of every set.
  return [...healthyIps(g, port)].filter((ip) => !roster.known || roster.byIp.has(ip));
}

export function routeListeners(
  state: ClusterState,
  roster: Roster,
  placement: Slots,
  readerSets: ReaderSets,
  port: number,
): Listeners {
  const { writer } = roster;
  const { writerSlot, wasServing } = placement;
  const writerTarget = state.writerListener.forwardsTo;
  const readerTarget = state.readerListener?.forwardsTo;
  const writerGroup = state.memberGroups[writerSlot];
  const registeringWriter = !placement.live[writerSlot].has(writer.ip);
  let fallback = placement.fallback;
  const switches: Switch[] = [];
  const notes: string[] = [];
  if (writerTarget !== writerGroup.arn) {
    const warm = healthyIps(writerGroup, port).has(writer.ip);
    switches.push({
      listener: "writer",
      from: writerTarget,
      to: writerGroup.arn,
      warm,
      ...(!warm && !registeringWriter ? { registered: true } : {}),
    });
    if (!warm && !fallback && wasServing) {
      // Registered but not healthy yet: Aurora restarts the reader it promotes, so this is an
      // ordinary failover, not a fallback. The port goes where the writer will answer first.
      const target = writerGroup.current.find((t) => t.ip === writer.ip && t.port === port);
      notes.push(
        `writer port moved to slot ${writerSlot}, where writer ${writer.instance} (${writer.ip}) reads ${target?.state ?? "absent"}: writes return once its health checks pass`,
      );
    }
  } else if (registeringWriter && wasServing && !fallback) {
    fallback = `writer ${writer.instance} (${writer.ip}) was not registered in its slot ${writerSlot}; registered again. Writes return once the registration completes (minutes)`;
  }

  // The groups a listener of ours forwards to, before or after this run, never lose their last
  // healthy target: the listener change may not have reached every NLB node yet.
  const used = new Set<string>(
    [writerTarget, readerTarget, writerGroup.arn].filter((a): a is string => typeof a === "string"),
  );
  const choice = chooseReaderGroup(state, roster, readerSets, writerGroup, port);
  if (choice.arn) used.add(choice.arn);
  if (choice.arn && choice.arn !== readerTarget) {
    const dest = choice.index >= 0 ? state.readerSetGroups[choice.index] : writerGroup;
    const warm = servingIps(dest, roster, port).length > 0;
    // Reads move only to a group that already serves; otherwise they stay put this run.
    if (warm || readerTarget === null)
      switches.push({ listener: "reader", from: readerTarget ?? null, to: choice.arn, warm });
  }
  if (choice.why && (switches.some((s) => s.listener === "reader") || choice.arn === readerTarget))
    notes.push(`reader port on ${choice.why}`);
  return { switches, notes, fallback, used };
}

/**
 * The reader listener: the writer's set when it can serve, else stay where reads are served,
 * else any group holding a healthy member (the writer's own group last).
 */
function chooseReaderGroup(
  state: ClusterState,
  roster: Roster,
  readerSets: ReaderSets,
  writerGroup: GroupState,
  port: number,
): { index: number; arn: string | null; why?: string } {
  const { writer, byIp } = roster;
  const { owners, readerSetNow } = readerSets;
  const sets = state.readerSetGroups;
  const readerTarget = state.readerListener?.forwardsTo;
  if (readerTarget === undefined || sets.length === 0) return { index: -1, arn: null };
  const serving = (g: GroupState) => servingIps(g, roster, port);
  const writerSet = owners.findIndex((o) => o?.instance === writer.instance);
  // Good: an available member serves there; ok: anyone healthy does (a modifying reader, say).
  const good = (g: GroupState) => serving(g).some((ip) => !byIp.has(ip) || isStable(byIp.get(ip)!));
  const ok = (g: GroupState) => serving(g).length > 0;
  const options: Array<{ index: number; arn: string; label: string }> = [];
  if (writerSet >= 0) options.push({ index: writerSet, arn: sets[writerSet].arn, label: "the writer's reader set" });
  // Where reads go now comes next: a move that gains nothing costs a listener change.
  if (readerSetNow >= 0 && readerSetNow !== writerSet)
    options.push({ index: readerSetNow, arn: sets[readerSetNow].arn, label: "the reader set it uses now" });
  if (readerTarget === writerGroup.arn)
    options.push({ index: -2, arn: writerGroup.arn, label: "the writer's member group, where it is now" });
  owners.forEach((o, j) => {
    if (o && j !== writerSet && j !== readerSetNow)
      options.push({ index: j, arn: sets[j].arn, label: `the reader set kept for ${o.instance}` });
  });
  if (readerTarget !== writerGroup.arn)
    options.push({ index: -2, arn: writerGroup.arn, label: "the writer's member group" });
  const group = (o: { index: number; arn: string }) => (o.index >= 0 ? sets[o.index] : writerGroup);
  for (const test of [good, ok]) {
    const pick = options.find((o) => test(group(o)));
    if (pick)
      return {
        index: pick.index,
        arn: pick.arn,
        why:
          pick.index === writerSet
            ? undefined
            : `${pick.label}, because the writer's reader set holds no ${test === good ? "available member that is healthy" : "healthy target"} yet`,
      };
  }
  // Nothing can serve reads: leave the listener where it is, or on the writer's set, and say
  // so, so that a failover run keeps watching until something can.
  const stay = readerSetNow >= 0 ? readerSetNow : writerSet;
  return {
    index: stay,
    arn: stay >= 0 ? sets[stay].arn : (readerTarget ?? null),
    why: "the reader set it uses now, because no group holds a healthy member yet",
  };
}
