// The members a cluster plan works with: the writer and the readers whose IPs are allowed.
import type { Member } from "./observed";

/** The members a cluster plan works with, once the refused ones are out. */
export interface Roster {
  readonly writer: Member;
  /** The writer and every reader whose IP is allowed, best failover candidate first. */
  readonly members: readonly Member[];
  /** The same without the writer: the failover candidates. */
  readonly readers: readonly Member[];
  /** false when RDS's member set is unknown (a reader's DNS failed): then only the writer is in it. */
  readonly known: boolean;
  readonly byIp: ReadonlyMap<string, Member>;
}

/** The writer and the readers whose IPs are allowed; null when the writer's own is refused. */
export function admit(
  writer: Member,
  members: readonly Member[] | null,
  readers: readonly Member[] | null,
  allowed: (m: Member) => boolean,
): Roster | null {
  if (!allowed(writer)) return null;
  const admitted = (readers ?? []).filter(allowed);
  const kept = new Set(admitted);
  const roster = members ? members.filter((m) => m.instance === writer.instance || kept.has(m)) : [writer];
  if (!roster.some((m) => m.instance === writer.instance)) roster.unshift(writer);
  return {
    writer,
    members: roster,
    readers: admitted,
    known: members !== null,
    byIp: new Map(roster.map((m) => [m.ip, m])),
  };
}
