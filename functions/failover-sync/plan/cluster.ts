// Clusters: warm member slots, failover by switching listeners. The plan is made in parts, each
// in its own file and in this order: the roster (who may be registered), the slots (which
// member each member group holds), the reader sets (which set is kept for whom), the listeners
// (where the writer and reader ports go) and the target changes (what each group registers
// and deregisters).
import { type GroupChange, plan, type Refusal } from "./group";
import { routeListeners, type Switch } from "./listeners";
import { type ClusterState, type Member, readersOf, servedWriterIps } from "./observed";
import { chooseReaderSets } from "./reader-sets";
import { admit, type Roster } from "./roster";
import type { RunInput } from "./run-input";
import { placeMembers } from "./slots";
import { targetChanges } from "./target-changes";
import { corroborates, CORROBORATE_MS } from "./writer-evidence";

export interface ClusterPlanInput extends Omit<RunInput, "state"> {
  readonly state: ClusterState;
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
  /** Green members of a Blue/Green deployment that found no free slot. */
  readonly greenUnplaced?: string[];
}

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
  return clusterPlan(input, readersOf(input.writer, input.members));
}

/** Why a run holds the writer port where it is and polls RDS again: the run plan waits on these. */
export const UNCORROBORATED = "writer change not corroborated";
export const RETIRED = "the writer port served the old environment of a Blue/Green switchover";

/** planCluster, with the readers the run computed once. */
export function clusterPlan(
  input: ClusterPlanInput & { readonly state: ClusterState },
  readers: Member[] | null,
): ClusterPlan {
  const { state, port } = input;
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
  if (input.writer === null) {
    // Fail closed, not open: the old writer comes back as a read-only reader before RDS names
    // the new one, and a TCP health check cannot tell a reader from a writer.
    const fence = state.fenceGroup?.arn;
    const servesRetired =
      input.retiredIps !== undefined && [...servedWriterIps(state, input.port)].some((ip) => input.retiredIps!.has(ip));
    if (input.failingOver && fence && state.writerListener.forwardsTo !== fence) {
      return {
        ...held("the cluster is failing over"),
        switches: [{ listener: "writer", from: state.writerListener.forwardsTo, to: fence, warm: true }],
        notes: [
          "writer port fenced while the cluster fails over: new connections reach no node until RDS names the new writer",
        ],
      };
    }
    if (servesRetired && fence && state.writerListener.forwardsTo !== fence) {
      return {
        ...held(RETIRED),
        switches: [{ listener: "writer", from: state.writerListener.forwardsTo, to: fence, warm: true }],
        notes: [
          "writer port fenced: it served the old environment of a Blue/Green switchover, which is read-only now, and the new writer's address is not known yet",
        ],
      };
    }
    return held("writer unknown; nothing is changed");
  }
  const served = servedWriterIps(state, port);
  const fenced = state.fenceGroup !== undefined && state.writerListener.forwardsTo === state.fenceGroup.arn;
  if (!served.has(input.writer.ip) && (served.size > 0 || fenced) && !corroborates(input.writer, input.evidence)) {
    const { writer, evidence } = input;
    const dns = evidence?.endpointIp
      ? `the cluster endpoint still resolves to ${evidence.endpointIp}`
      : "the cluster endpoint did not resolve";
    return {
      ...held(UNCORROBORATED),
      notes: [
        `writer change to ${writer.instance} (${writer.ip}) not yet corroborated: ${dns}; the writer port stays until the cluster endpoint agrees, or reads have named the new writer for ${CORROBORATE_MS / 1000} s`,
      ],
    };
  }
  const refused: Refusal[] = [];
  // The one check of an address against the allowed CIDRs, for members and green members alike.
  const refusalsOf = (m: Member) =>
    plan({ desired: [m.ip], current: [], port, allowedCidrs: input.allowedCidrs }).refused;
  const roster = admit(input.writer, input.members, readers, (m) => {
    const own = refusalsOf(m);
    refused.push(...own.map((r) => ({ ...r, reason: `${m.instance}: ${r.reason}` })));
    return own.length === 0;
  });
  if (roster === null) return held("the writer's IP is refused; nothing is changed", refused);

  // Green addresses pass the same allowed-CIDR check as members.
  const green = (input.green ?? []).filter((g) => refusalsOf(g).length === 0 && !roster.byIp.has(g.ip));
  const slots = placeMembers(state, roster, port, green);
  const sets = chooseReaderSets(state, roster, port, input.warmReaderSets);
  const listeners = routeListeners(state, roster, slots, sets, port);
  const groups = targetChanges(state, roster, slots, sets, listeners.used, port, input.allowedCidrs);
  return {
    slots: slots.slots,
    writerSlot: slots.writerSlot,
    readerSetOwners: sets.owners,
    switches: listeners.switches,
    groups,
    fallback: listeners.fallback,
    problems: unusedZoneProblems(state, roster),
    notes: listeners.notes,
    refused,
    ...(slots.unplacedGreen.length > 0 ? { greenUnplaced: slots.unplacedGreen.map((m) => m.instance) } : {}),
  };
}

// ---- problems no run can fix ----

/** A member whose target reads "unused" with a listener in front sits in a zone the NLB does not enable. */
function unusedZoneProblems(state: ClusterState, roster: Roster): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const g of [...state.memberGroups, ...state.readerSetGroups]) {
    for (const t of g.current) {
      const m = roster.byIp.get(t.ip);
      if (
        t.state === "unused" &&
        m &&
        !seen.has(m.instance) &&
        (t.reason === undefined || t.reason === "Target.NotInUse")
      ) {
        seen.add(m.instance);
        problems.push(
          `${m.instance} (${t.ip}) reads "unused" on the load balancer: its Availability Zone is not enabled on the NLB, so it never gets traffic. Add a provider subnet in that zone (provider.network), or move the instance to a zone the NLB has`,
        );
      }
    }
  }
  return problems;
}
