// One run's decision, in one shape for both kinds of database: a cluster's from the cluster
// plan, a Multi-AZ instance's from its two groups, with the standby beside the primary.
import { clusterPlan, RETIRED, UNCORROBORATED } from "./cluster";
import { type GroupChange, plan, type Refusal } from "./group";
import type { Switch } from "./listeners";
import {
  type ClusterState,
  type GroupState,
  groupByArn,
  type InstanceState,
  type Member,
  readersOf,
  readerTargets,
  servedWriterIps,
} from "./observed";
import type { RunInput } from "./run-input";

/** What a run decided, in one shape for both kinds of database. */
export interface RunPlan {
  /** Changes to the groups behind the writer port (cluster: the member slots). */
  readonly writerGroups: GroupChange[];
  /** Changes to the groups behind the reader port (cluster: the reader sets). */
  readonly readerGroups: GroupChange[];
  readonly readerPort: boolean;
  readonly switches: Switch[];
  /** The listeners a cluster's switches move; a Multi-AZ instance has none to move. */
  readonly listenerArns?: { readonly writer: string; readonly reader?: string };
  /** Cluster only: the instance each member slot holds after the run. */
  readonly slots?: Array<string | null>;
  /** Cluster only: the member each reader set is kept for; null: kept empty. */
  readonly readerSets?: Array<string | null>;
  /** Cluster only: green members of a Blue/Green deployment that found no free slot. */
  readonly greenUnplaced?: string[];
  readonly fallback: string | null;
  /** What only an operator can fix, such as a member in a zone the NLB does not enable. */
  readonly problems: string[];
  readonly notes: string[];
  /** Every IP refused this run. */
  readonly refused: Refusal[];
  /** Refusals the cluster plan made before planning groups (reported with the writer port). */
  readonly clusterRefused: Refusal[];
  /** The group the writer port forwards to after the run. */
  readonly writerGroup: string | null;
  /** The members other than the writer, as read; null when either is unknown. */
  readonly readers: Member[] | null;
  /** IPs the writer port served when the run read the layout. */
  readonly servedWriterIps: Set<string>;
  /** The writer is registered where the writer port already forwards, with no listener moving. */
  readonly writerRegistered: boolean;
  /** Healthy targets of the writer in the writer port's group, as read (the alarm's metric). */
  readonly writerHealthyTargets: number;
  /** Nothing waits on a health check: the writer is unknown, or the plan has no note. */
  readonly settled: boolean;
  /**
   * What the run should wait for before planning again: "writer" (the cluster is failing over,
   * or a writer change awaits its second witness: poll RDS again in seconds), "health" (a move
   * waits on health checks), or null (nothing).
   */
  readonly waiting: "writer" | "health" | null;
}

/** Pure: the whole decision of one run, from the topology and the layout as read. */
export function planRun(input: RunInput): RunPlan {
  const { state, port, writer } = input;
  // Computed once: the instance's reader group, the cluster's failover candidates and the report all use it.
  const readers = readersOf(writer, input.members);
  const decided = state.kind === "cluster" ? clusterRun(input, state, readers) : instanceRun(input, state, readers);
  const writerChange = decided.writerGroup
    ? decided.writerGroups.find((g) => g.arn === decided.writerGroup)
    : undefined;
  const writerGroup = groupByArn(state, decided.writerGroup);
  return {
    ...decided,
    readers,
    servedWriterIps: servedWriterIps(state, port),
    writerRegistered: decided.switches.length === 0 && (writerChange?.plan.register.length ?? 0) > 0,
    writerHealthyTargets: writerGroup?.current.filter((t) => t.state === "healthy" && t.ip === writer?.ip).length ?? 0,
    settled: writer === null || decided.notes.length === 0,
    waiting:
      input.failingOver || decided.heldBecause === UNCORROBORATED || decided.heldBecause === RETIRED
        ? "writer"
        : writer !== null && decided.notes.length > 0
          ? "health"
          : null,
  };
}

type Decided = Omit<
  RunPlan,
  "readers" | "servedWriterIps" | "writerRegistered" | "writerHealthyTargets" | "settled" | "waiting"
> & { readonly heldBecause?: string };

function clusterRun(input: RunInput, state: ClusterState, readers: Member[] | null): Decided {
  const p = clusterPlan({ ...input, state }, readers);
  return {
    writerGroups: p.groups.filter((g) => g.role === "member"),
    readerGroups: p.groups.filter((g) => g.role === "reader-set"),
    readerPort: state.readerListener !== undefined,
    switches: p.switches,
    listenerArns: { writer: state.writerListener.arn, reader: state.readerListener?.arn },
    slots: p.slots.map((m) => m?.instance ?? null),
    readerSets: p.readerSetOwners.map((m) => m?.instance ?? null),
    fallback: p.fallback,
    problems: p.problems,
    notes: p.notes,
    refused: p.refused,
    clusterRefused: p.refused,
    writerGroup: p.writerSlot === null ? state.writerListener.forwardsTo : state.memberGroups[p.writerSlot].arn,
    ...(p.heldBecause ? { heldBecause: p.heldBecause } : {}),
    ...(p.greenUnplaced ? { greenUnplaced: p.greenUnplaced } : {}),
  };
}

function instanceRun(input: RunInput, state: InstanceState, readers: Member[] | null): Decided {
  const { writer, port, allowedCidrs } = input;
  const change = (g: GroupState, desired: Member[] | null, role: "writer" | "reader"): GroupChange => ({
    role,
    slot: 0,
    arn: g.arn,
    // Make before break: the old address leaves once the new one is healthy, over as many runs as it takes.
    plan: plan({
      desired: desired ? desired.map((m) => m.ip) : null,
      current: g.current,
      port,
      allowedCidrs,
      keepLastHealthy: true,
    }),
  });
  const withStandby = (ms: Member[] | null) =>
    ms && input.standby && !ms.some((m) => m.ip === input.standby!.ip) ? [...ms, input.standby] : ms;
  const writerChange = change(state.writerGroup, withStandby(writer ? [writer] : null), "writer");
  const reader = state.readerGroup
    ? [change(state.readerGroup, withStandby(readerTargets(writer, readers)), "reader")]
    : [];
  return {
    writerGroups: [writerChange],
    readerGroups: reader,
    readerPort: state.readerGroup !== undefined,
    switches: [],
    fallback: null,
    problems: [],
    notes: [],
    refused: [...writerChange.plan.refused, ...reader.flatMap((r) => r.plan.refused)],
    clusterRefused: [],
    writerGroup: state.writerGroup.arn,
  };
}

/**
 * Did the writer move over a run's rounds: a writer listener switched away from a group, or (a
 * Multi-AZ instance) the writer's IP registered where the writer port, as last read, serves.
 */
export function writerChanged(rounds: readonly RunPlan[], moved: readonly Switch[]): boolean {
  const served = rounds[rounds.length - 1].servedWriterIps;
  return (
    moved.some((s) => s.listener === "writer" && s.from !== null) ||
    rounds.some((r) => r.writerRegistered && served.size > 0)
  );
}
