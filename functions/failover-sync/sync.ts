// One run, the imperative shell around plan/: read the listeners and groups, (on "failover
// started") wait for the new writer, read the topology, ask the planner, apply its steps in
// order, and report. Every decision is the planner's; clients come in from the shell.
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { RDSClient } from "@aws-sdk/client-rds";
import { deregister, readGroups, readListenerTargets, register, switchListener } from "./apply";
import type { FunctionEnvironment, TargetArns } from "./environment";
import { classify, type Trigger } from "./events";
import type { Log } from "./telemetry";
import { layoutGroups, switchedListeners } from "./layout";
import {
  type GroupChange,
  isFencedStatus,
  keepsWaiting,
  type LayoutState,
  type Member,
  planProxy,
  planRun,
  type Refusal,
  type RunPlan,
  servedWriterIps,
  settles,
  steps,
  type Switch,
  writerChanged,
} from "./plan";
import { type BlueGreen, findDeployment } from "./blue-green";
import { standbyMember } from "./standby";
import {
  readClusterHead,
  readTopology,
  type RecordedAddresses,
  type Resolve,
  type ResolveAll,
  type Topology,
} from "./topology";
import { type ProxyTopology, readProxy } from "./proxy";

/** Before a Blue/Green switchover, its green members, the writer's counterpart first: they take spare slots. */
function greenOf(t: Topology): Member[] | undefined {
  const bg = t.blueGreen;
  if (!bg || bg.switched || bg.others.length === 0) return undefined;
  const writer = t.writer?.instance;
  return [...bg.others]
    .sort((a, b) => Number(b.pairedWith === writer) - Number(a.pairedWith === writer))
    .map((o) => ({ instance: o.instance, ip: o.ip }));
}

export interface SyncSettings extends FunctionEnvironment {
  /** How often the fast path polls the topology. */
  readonly pollIntervalMs: number;
  /** How long the fast path may poll, from the start of the run. */
  readonly pollDeadlineMs: number;
  /** A "failover started" event older than this is stale: reconcile without waiting. */
  readonly staleEventMs: number;
  /** After a failover, how often the run re-reads the health checks to finish its moves. */
  readonly settleIntervalMs: number;
  /** How long, from the start of the run, it may do so. */
  readonly settleDeadlineMs: number;
  /** How often a watching run asks RDS whether the cluster changed (one DescribeDBClusters). */
  readonly watchIntervalMs: number;
  /** The latest moment (epoch ms) this run may start an API call; the handler sets it from Lambda's remaining time. */
  readonly deadline?: number;
}

export interface SyncDeps {
  readonly rds: RDSClient;
  readonly elb: ElasticLoadBalancingV2Client;
  /** Needed only to find a Multi-AZ DB instance's standby (settings.standbyDiscovery); called then only. */
  readonly ec2?: () => EC2Client;
  readonly resolve: Resolve;
  /** Every address of a name: RDS Proxy mode only. */
  readonly resolveAll?: ResolveAll;
  readonly log: Log;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** How many calls the clients have retried so far (their retry strategy's count); the report takes this run's share. */
  readonly retries?: () => number;
}

export interface GroupReport {
  readonly registered: string[];
  readonly deregistered: string[];
  readonly refused: Refusal[];
  readonly heldBecause?: string;
}

export interface Report {
  readonly trigger: Trigger;
  readonly eventId?: string;
  readonly writer: Member | null;
  /** The serving members other than the writer. */
  readonly readers: Member[] | null;
  /** Changes to the groups behind the writer port (cluster: the member slots). */
  readonly writerTargets: GroupReport;
  /** Changes to the groups behind the reader port (cluster: the reader sets); null without one. */
  readonly readerTargets: GroupReport | null;
  /** Cluster only: the instance each member slot holds after the run. */
  readonly slots?: Array<string | null>;
  /** Cluster only: the member each reader set is kept for (it holds everyone else); null: kept empty. */
  readonly readerSets?: Array<string | null>;
  /** Multi-AZ DB instance with standby discovery: the standby's address kept registered, or why none was. */
  readonly standby?: { readonly ip: string | null; readonly how: string };
  /** Cluster with a Blue/Green deployment: its status, the other environment's members, and green members left without a slot (and why). */
  readonly blueGreen?: {
    readonly id: string;
    readonly status: string;
    readonly others: string[];
    readonly unplaced: string[];
    readonly notes: string[];
  };
  /** RDS Proxy mode: the proxy's endpoints and the addresses the groups follow. */
  readonly proxy?: ProxyTopology;
  /** Choices that are not the plain layout, such as the reader port served by the writer for a while. */
  readonly notes?: string[];
  /** Targets registered and deregistered this run, counted per group. */
  readonly registrations: number;
  readonly deregistrations: number;
  /** Listeners moved this run, in the order they moved. */
  readonly switches: Array<Pick<Switch, "listener" | "to" | "warm">>;
  /** The writer moved to another target (a switch or a registration). */
  readonly writerChanged: boolean;
  /** Set when the writer had to be registered on the failover path (cluster with no free slot). */
  readonly fallback: string | null;
  /** Healthy targets behind the writer port as last read (the alarm's metric). */
  readonly writerHealthyTargets: number;
  readonly polls: number;
  /** Calls this run retried: throttling, 5xx and timeouts it absorbed. */
  readonly retries: number;
  readonly problems: string[];
  readonly durationMs: number;
}

export class SyncError extends Error {
  constructor(
    message: string,
    readonly report: Report,
  ) {
    super(message);
    this.name = "SyncError";
  }
}

export const DEFAULT_TIMING = {
  pollIntervalMs: 2000,
  pollDeadlineMs: 60_000,
  staleEventMs: 120_000,
  settleIntervalMs: 5000,
  settleDeadlineMs: 240_000,
  watchIntervalMs: 2000,
} as const;

/** Triggers after which a run keeps watching the cluster: not a deploy's or an operator's, who wait for it. */
const WATCHING: ReadonlySet<Trigger> = new Set(["failover-started", "failover-finished", "membership", "schedule"]);

export async function sync(event: unknown, settings: SyncSettings, deps: SyncDeps): Promise<Report> {
  if (settings.proxy) return syncProxy(event, settings, deps);
  const started = deps.now();
  const { trigger, eventId, time } = classify(event);
  const deadline = settings.deadline ?? Infinity;
  /** May the run wait `ms` more and still be inside both `until` and its deadline? */
  const canWait = (ms: number, until: number) => deps.now() + ms <= Math.min(until, deadline);
  const cluster = settings.database.kind === "cluster";
  const rounds: RunPlan[] = [];
  const moved: Switch[] = [];
  let topology: Topology | undefined;
  let state: LayoutState | undefined;
  let polls = 0;
  // Since when the reads of this run have named the same writer: a second witness (plan/writer-evidence.ts).
  let named: { instance: string; since: number } | undefined;
  // Since when the reads of this run have seen the cluster failing over: the run waits for the writer from then.
  let failingOverSince: number | undefined;
  let observedFor: string | undefined;
  const retriesBefore = deps.retries?.() ?? 0;
  const recorded: RecordedAddresses = new Map();
  // What the run did so far, for its report: the same whether it ended or stopped.
  const runFacts = (): RunRecord => ({
    trigger,
    eventId,
    topology,
    rounds,
    moved,
    polls,
    retries: (deps.retries?.() ?? 0) - retriesBefore,
    started,
    now: deps.now(),
  });

  const read = async () => {
    topology = await readTopology(
      deps.rds,
      deps.resolve,
      settings.database,
      settings.standbyDiscovery ? deps.ec2?.() : undefined,
      recorded,
    );
    polls++;
    // Keyed by name and address: after a Blue/Green switchover the same name is a new node.
    const writerKey = topology.writer ? `${topology.writer.instance}@${topology.writer.ip}` : undefined;
    if (named?.instance !== writerKey) named = writerKey ? { instance: writerKey, since: deps.now() } : undefined;
    failingOverSince = isFencedStatus(topology.status) ? (failingOverSince ?? deps.now()) : undefined;
    // Green members' addresses, kept for when their names move: DNS lags the rename.
    // A resource ID that two green members report (an emulator's, never AWS's) identifies neither: it is not kept.
    if (topology.blueGreen && !topology.blueGreen.switched) {
      const ids = topology.blueGreen.others.map((o) => o.resourceId);
      for (const o of topology.blueGreen.others)
        if (o.resourceId && ids.indexOf(o.resourceId) === ids.lastIndexOf(o.resourceId))
          recorded.set(o.resourceId, o.ip);
    }
  };
  const view = (t: Topology) => `${t.status}|${t.writer?.instance ?? ""}|${t.writer?.ip ?? ""}|${t.signature ?? ""}`;
  /** Observe the ELB when anything may have changed there for the plan, then plan and apply. */
  const round = async (freshHealth: boolean): Promise<RunPlan> => {
    const t = topology!;
    const last = rounds[rounds.length - 1];
    const appliedLast = last !== undefined && steps(last).some((s) => s.kind === "switch" || s.targets.length > 0);
    if (!state || freshHealth || appliedLast || observedFor !== view(t)) {
      state = await observe(settings.targets, deps.elb);
      observedFor = view(t);
    }
    const recordedGreen =
      t.blueGreen?.switched === true && t.writer !== null && [...recorded.values()].includes(t.writer.ip);
    const evidence = cluster
      ? { endpointIp: t.endpointIp ?? null, namedForMs: named ? deps.now() - named.since : 0, recordedGreen }
      : undefined;
    const decision = planRun({
      writer: t.writer,
      members: t.members,
      state,
      port: settings.port,
      allowedCidrs: settings.allowedCidrs,
      warmReaderSets: settings.warmReaderSets,
      failingOver: isFencedStatus(t.status),
      evidence,
      // A Multi-AZ DB instance's standby; a Blue/Green deployment's green members before its switchover, and the old environment's addresses after it.
      standby: standbyMember(settings.database.identifier, t.standby) ?? null,
      green: greenOf(t),
      ...(t.blueGreen?.switched ? { retiredIps: new Set(t.blueGreen.others.map((o) => o.ip)) } : {}),
    });
    moved.push(...(await apply(deps.elb, decision)));
    rounds.push(decision);
    return decision;
  };

  try {
    state = await observe(settings.targets, deps.elb);
    await read();
    observedFor = view(topology!);
    // Fast path: after "failover started", poll the RDS API until it names a writer other than
    // the one served now, fencing the writer port as soon as RDS says the cluster fails over.
    if (trigger === "failover-started") {
      let sawFailingOver = isFencedStatus(topology!.status);
      const served = servedWriterIps(state, settings.port);
      while (
        keepsWaiting({
          eventTime: time,
          now: started,
          staleEventMs: settings.staleEventMs,
          topology: topology!,
          sawFailingOver,
          served,
        })
      ) {
        if (isFencedStatus(topology!.status) && cluster) await round(false);
        if (!canWait(settings.pollIntervalMs, started + settings.pollDeadlineMs)) break;
        deps.log.info("waiting for the new writer", {
          poll: polls,
          status: topology!.status,
          writer: topology!.writer,
        });
        await deps.sleep(settings.pollIntervalMs);
        await read();
        sawFailingOver ||= isFencedStatus(topology!.status);
      }
    }
    // Polling took seconds, in which health checks went on: decide on what the NLB says now.
    let decision = await round(polls > 1);
    deps.log.info("applied", { switches: moved.length, fallback: decision.fallback !== null });

    // Then stay while something is unfinished, and (a run of the run queue) watch the cluster
    // for watchSeconds: a failover whose events are lost or late costs a watch interval, not a
    // schedule interval. Waiting on the writer (failing over, a change not yet corroborated)
    // polls RDS every pollIntervalMs; waiting on health checks re-reads the NLB every
    // settleIntervalMs; watching asks RDS alone every watchIntervalMs, and plans only on a change.
    const watchUntil = WATCHING.has(trigger) ? started + (settings.watchSeconds ?? 0) * 1000 : started;
    // A failover seen late in a watch is waited for in full: the fence holds until RDS names the writer.
    const writerUntil = () =>
      Math.max(
        started + settings.pollDeadlineMs,
        watchUntil,
        failingOverSince === undefined ? 0 : failingOverSince + settings.pollDeadlineMs,
      );
    // Read at each wait: a watching run that moves a listener settles as a failover run does.
    const healthUntil = () =>
      Math.max(
        settles(trigger, settings.targets.kind, moved.length) ? started + settings.settleDeadlineMs : started,
        watchUntil,
      );
    for (;;) {
      const [interval, until, full] =
        decision.waiting === "writer"
          ? [settings.pollIntervalMs, writerUntil(), true]
          : decision.waiting === "health"
            ? [settings.settleIntervalMs, healthUntil(), true]
            : [settings.watchIntervalMs, watchUntil, false];
      if (!canWait(interval, until)) break;
      deps.log.info(full ? "settling" : "watching", { poll: polls, waiting: decision.waiting, notes: decision.notes });
      await deps.sleep(interval);
      if (!full && cluster) {
        const head = await readClusterHead(deps.rds, settings.database.identifier);
        polls++;
        // While a Blue/Green deployment waits for its switchover, its status too: the cluster's own does not change when it starts.
        const bg = topology!.blueGreen;
        const bgMoved =
          bg !== undefined &&
          !bg.switched &&
          topology!.arn !== undefined &&
          (await findDeployment(deps.rds, topology!.arn))?.Status !== bg.status;
        if (head !== null && head.signature === topology!.signature && !bgMoved) continue;
      }
      const before = view(topology!);
      await read();
      if (!full && view(topology!) === before) continue;
      decision = await round(decision.waiting === "health");
    }
  } catch (e) {
    if (e instanceof SyncError) throw e;
    // A call that kept failing until the run's deadline (a long throttling burst, an outage):
    // report what this run did and could not do; the next trigger starts over.
    const report = buildReport(runFacts(), [`run stopped: ${(e as Error).name}: ${(e as Error).message}`]);
    throw new SyncError(`sync incomplete: ${report.problems.join("; ")}`, report);
  }
  const report = buildReport(runFacts(), []);
  if (report.problems.length > 0) {
    throw new SyncError(`sync incomplete: ${report.problems.join("; ")}`, report);
  }
  return report;
}

/**
 * RDS Proxy mode: one read of the proxy's endpoints, one plan, the changes in the safe order.
 * Every trigger does the same: a failover of the database changes none of the proxy's addresses,
 * so no run waits on one, and a scaling proxy's new address is registered by the next run.
 */
async function syncProxy(event: unknown, settings: SyncSettings, deps: SyncDeps): Promise<Report> {
  const started = deps.now();
  const { trigger, eventId } = classify(event);
  const retriesBefore = deps.retries?.() ?? 0;
  const rounds: RunPlan[] = [];
  let proxy: ProxyTopology | undefined;
  const extra: string[] = [];
  try {
    if (!deps.resolveAll) throw new Error("RDS Proxy mode needs a resolver of every address");
    if (settings.targets.kind !== "instance") throw new Error("RDS Proxy mode needs the writer and reader groups");
    const [state, read] = await Promise.all([
      observe(settings.targets, deps.elb),
      readProxy(deps.rds, deps.resolveAll, settings.proxy!),
    ]);
    proxy = read;
    if (state.kind !== "instance") throw new Error("RDS Proxy mode needs the writer and reader groups");
    const decision = planProxy({
      writerAddresses: read.proxy.addresses,
      readerAddresses: read.reader ? read.reader.addresses : read.proxy.addresses,
      state,
      port: settings.port,
      allowedCidrs: settings.allowedCidrs,
    });
    await apply(deps.elb, decision);
    rounds.push(decision);
  } catch (e) {
    extra.push(`run stopped: ${(e as Error).name}: ${(e as Error).message}`);
  }
  const facts: RunRecord = {
    trigger,
    eventId,
    rounds,
    moved: [],
    polls: proxy ? 1 : 0,
    retries: (deps.retries?.() ?? 0) - retriesBefore,
    started,
    now: deps.now(),
  };
  const report: Report = { ...buildReport(facts, [...(proxy?.problems ?? []), ...extra]), ...(proxy ? { proxy } : {}) };
  if (report.problems.length > 0) throw new SyncError(`sync incomplete: ${report.problems.join("; ")}`, report);
  return report;
}

interface RunRecord {
  readonly trigger: Trigger;
  readonly eventId?: string;
  readonly topology?: Topology;
  readonly rounds: readonly RunPlan[];
  readonly moved: readonly Switch[];
  readonly polls: number;
  readonly retries: number;
  readonly started: number;
  readonly now: number;
}

function buildReport(r: RunRecord, extraProblems: string[]): Report {
  const { rounds, moved, topology } = r;
  const decision = rounds[rounds.length - 1];
  const fallback = rounds.map((d) => d.fallback).find((f) => f !== null) ?? null;
  const empty: GroupReport = { registered: [], deregistered: [], refused: [] };
  return {
    trigger: r.trigger,
    eventId: r.eventId,
    writer: topology?.writer ?? null,
    readers: decision?.readers ?? null,
    writerTargets: decision
      ? groupReport(
          rounds.flatMap((d) => d.writerGroups),
          decision.clusterRefused,
        )
      : empty,
    readerTargets: decision?.readerPort
      ? groupReport(
          rounds.flatMap((d) => d.readerGroups),
          [],
        )
      : null,
    ...(decision?.slots ? { slots: decision.slots } : {}),
    ...(decision?.readerSets ? { readerSets: decision.readerSets } : {}),
    ...(topology?.standby ? { standby: topology.standby } : {}),
    ...(topology?.blueGreen ? { blueGreen: blueGreenReport(topology.blueGreen, decision?.greenUnplaced ?? []) } : {}),
    ...(rounds.some((d) => d.notes.length) ? { notes: [...new Set(rounds.flatMap((d) => d.notes))] } : {}),
    registrations: rounds.reduce((n, d) => n + count(d, (c) => c.plan.register.length), 0),
    deregistrations: rounds.reduce((n, d) => n + count(d, (c) => c.plan.deregister.length), 0),
    switches: moved.map(({ listener, to, warm }) => ({ listener, to, warm })),
    writerChanged: decision ? writerChanged(rounds, moved) : false,
    fallback,
    writerHealthyTargets: decision?.writerHealthyTargets ?? 0,
    polls: r.polls,
    retries: r.retries,
    problems: [
      ...(topology?.problems ?? []),
      ...(fallback ? [fallback] : []),
      ...(decision?.problems ?? []),
      ...(decision?.refused.map((x) => `refused ${x.ip}: ${x.reason}`) ?? []),
      ...extraProblems,
    ],
    durationMs: r.now - r.started,
  };
}

function blueGreenReport(bg: BlueGreen, unplaced: string[]): NonNullable<Report["blueGreen"]> {
  const notes = [...bg.problems];
  if (unplaced.length > 0) {
    notes.push(
      `${unplaced.length} green member(s) (${unplaced.join(", ")}) have no free member slot: a switchover to them registers them on the way (minutes). Raise provider.failover.memberSlots to at least the members of both environments`,
    );
  }
  return { id: bg.id, status: bg.status, others: bg.others.map((o) => `${o.instance} (${o.ip})`), unplaced, notes };
}

/** The layout as the ELB reports it now: every group's targets, and where each switched listener forwards. */
async function observe(targets: TargetArns, elb: ElasticLoadBalancingV2Client): Promise<LayoutState> {
  if (targets.kind === "instance") {
    const [writerGroup, readerGroup] = await readGroups(elb, layoutGroups(targets));
    return { kind: "instance", writerGroup, ...(readerGroup ? { readerGroup } : {}) };
  }
  const [listeners, memberGroups, readerSetGroups] = await Promise.all([
    readListenerTargets(elb, switchedListeners(targets)),
    readGroups(elb, targets.memberGroups),
    readGroups(elb, targets.readerSetGroups),
  ]);
  const listener = (arn: string) => ({ arn, forwardsTo: listeners.get(arn) ?? null });
  return {
    kind: "cluster",
    writerListener: listener(targets.writerListener),
    ...(targets.readerListener ? { readerListener: listener(targets.readerListener) } : {}),
    memberGroups,
    readerSetGroups,
    // Never read: no run registers a target there.
    ...(targets.fenceGroup ? { fenceGroup: { arn: targets.fenceGroup, current: [] } } : {}),
  };
}

/** Carries out the planner's steps in the order it gives; returns the switches made. */
async function apply(elb: ElasticLoadBalancingV2Client, p: RunPlan): Promise<Switch[]> {
  const moved: Switch[] = [];
  for (const step of steps(p)) {
    if (step.kind === "switch") {
      if (!step.listenerArn) throw new Error(`no ${step.switch.listener} listener to switch`);
      await switchListener(elb, step.listenerArn, step.switch.to);
      moved.push(step.switch);
    } else if (step.kind === "register") await register(elb, step.arn, step.targets);
    else await deregister(elb, step.arn, step.targets);
  }
  return moved;
}

function count(p: RunPlan, f: (c: GroupChange) => number): number {
  return [...p.writerGroups, ...p.readerGroups].reduce((n, c) => n + f(c), 0);
}

function groupReport(changes: GroupChange[], extraRefused: Refusal[]): GroupReport {
  const refused = [...extraRefused, ...changes.flatMap((c) => c.plan.refused)];
  const ips = (f: (c: GroupChange) => { ip: string }[]) => [...new Set(changes.flatMap((c) => f(c).map((t) => t.ip)))];
  const held = changes.map((c) => c.plan.heldBecause).find((h) => h !== undefined);
  return {
    registered: ips((c) => c.plan.register),
    deregistered: ips((c) => c.plan.deregister),
    refused,
    ...(held ? { heldBecause: held } : {}),
  };
}
