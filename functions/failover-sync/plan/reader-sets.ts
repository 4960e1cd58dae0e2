// Reader sets: which set is kept for whom. A set kept for a member holds every other member, so
// the reader port can follow any writer without a registration.
import { type ClusterState, liveIps, type Member } from "./observed";
import type { Roster } from "./roster";

export interface ReaderSets {
  readonly owners: Array<Member | null>;
  /** Live IPs of each reader set, as read. */
  readonly setIps: ReadonlyArray<Set<string>>;
  /** The set the reader listener forwards to now; -1 when none. */
  readonly readerSetNow: number;
}

/** What the set kept for owner holds: every other member, or the owner itself when it is the last. */
export function readerSetFor(owner: Member, members: readonly Member[]): string[] {
  const others = members.filter((m) => m.instance !== owner.instance).map((m) => m.ip);
  return others.length > 0 ? others : [owner.ip];
}

export function chooseReaderSets(
  state: ClusterState,
  roster: Roster,
  port: number,
  warmReaderSets: number | undefined,
): ReaderSets {
  const { writer, members } = roster;
  const sets = state.readerSetGroups;
  const setIps = sets.map((g) => liveIps(g, port));
  const owners: Array<Member | null> = sets.map(() => null);
  // The set the reader listener uses belongs to the member it leaves out: the previous writer.
  const readerSetNow = sets.findIndex((g) => g.arn === state.readerListener?.forwardsTo);
  const excludedNow = readerSetNow >= 0 ? members.filter((m) => !setIps[readerSetNow].has(m.ip)) : [];
  const previousWriter =
    excludedNow.length === 1 && excludedNow[0].instance !== writer.instance ? excludedNow[0] : undefined;
  const ordered = [
    writer,
    ...(previousWriter ? [previousWriter] : []),
    ...roster.readers.filter((m) => m.instance !== previousWriter?.instance),
  ];
  const warmCount = Math.max(
    1,
    Math.min(warmReaderSets ?? sets.length, sets.length, roster.known ? members.length : 1),
  );
  const prepared = sets.length > 0 ? ordered.slice(0, warmCount) : [];
  // How close set j is to holding `want`: one up for each IP it should hold, one down for each other.
  const closeness = (j: number, want: ReadonlySet<string>) =>
    [...setIps[j]].reduce((score, ip) => score + (want.has(ip) ? 1 : -1), 0);
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
    const want = new Set(readerSetFor(owner, members));
    // The last member's set holds the member itself; with the members unknown, look for the set without it.
    const only = roster.known && want.size === 1 && want.has(owner.ip);
    // A set that holds no member any more (a Blue/Green switchover replaced them all) is kept for no one.
    const holdsMembers = (j: number) => !roster.known || [...setIps[j]].some((ip) => roster.byIp.has(ip));
    const keptFor = (j: number) =>
      setIps[j].size > 0 && holdsMembers(j) && (only ? setIps[j].has(owner.ip) : !setIps[j].has(owner.ip));
    // Among equals, the set the reader listener uses.
    const best = bestSet(keptFor, (j) => closeness(j, want) + (j === readerSetNow ? 0.5 : 0));
    if (best >= 0) owners[best] = owner;
  }
  for (const owner of prepared.filter((o) => !owners.includes(o))) {
    const want = new Set(readerSetFor(owner, members));
    // The writer's set is best where the reader listener already forwards (no switch); any
    // other owner's set is best anywhere else, so the set in use changes last.
    const here = owner.instance === writer.instance ? 0.5 : -0.5;
    const best = bestSet(
      () => true,
      (j) => closeness(j, want) + (j === readerSetNow ? here : 0),
    );
    if (best >= 0) owners[best] = owner;
  }
  return { owners, setIps, readerSetNow };
}
