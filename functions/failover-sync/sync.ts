// One run, the imperative shell around plan.ts: read the listeners and groups, (on "failover
// started") wait for the new writer, read the topology, ask the planner, apply its steps in
// order, and report. Every decision is the planner's; clients come in from the shell.
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { deregister, readGroups, readListenerTargets, register, switchListener } from "./apply";
import { FunctionEnvironment, TargetArns } from "./environment";
import { classify, Trigger } from "./events";
import { Log } from "./telemetry";
import { layoutGroups, switchedListeners } from "./layout";
import { GroupChange, keepsWaiting, LayoutState, Member, planRun, Refusal, RunPlan, servedWriterIps, settles, steps, Switch, writerChanged } from "./plan";
import { readTopology, Resolve } from "./topology";

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
}

export interface SyncDeps {
  readonly rds: RDSClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly resolve: Resolve;
  readonly log: Log;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
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

export const DEFAULT_TIMING = { pollIntervalMs: 2000, pollDeadlineMs: 60_000, staleEventMs: 120_000, settleIntervalMs: 5000, settleDeadlineMs: 240_000 } as const;

export async function sync(event: unknown, settings: SyncSettings, deps: SyncDeps): Promise<Report> {
  const started = deps.now();
  const { trigger, eventId, time } = classify(event);
  let state = await observe(settings.targets, deps.elb);

  let topology = await readTopology(deps.rds, deps.resolve, settings.database);
  let polls = 1;
  if (trigger === "failover-started") {
    let sawFailingOver = topology.status === "failing-over";
    const served = servedWriterIps(state, settings.port);
    // Fast path: poll the RDS API until it names a writer other than the one served now.
    while (keepsWaiting({ eventTime: time, now: started, staleEventMs: settings.staleEventMs, topology, sawFailingOver, served })) {
      if (deps.now() + settings.pollIntervalMs - started > settings.pollDeadlineMs) break;
      deps.log.info("waiting for the new writer", { poll: polls, status: topology.status, writer: topology.writer });
      await deps.sleep(settings.pollIntervalMs);
      topology = await readTopology(deps.rds, deps.resolve, settings.database);
      polls++;
      sawFailingOver ||= topology.status === "failing-over";
    }
  }

  // Polling took seconds, in which health checks went on: decide on what the NLB says now, not
  // on what it said before the wait (the new writer may have restarted meanwhile).
  if (polls > 1) state = await observe(settings.targets, deps.elb);
  const decide = () =>
    planRun({ writer: topology.writer, members: topology.members, state, port: settings.port, allowedCidrs: settings.allowedCidrs, warmReaderSets: settings.warmReaderSets });
  let decision = decide();
  const moved = await apply(deps.elb, decision);
  const rounds = [decision];
  deps.log.info("applied", { switches: moved.length, fallback: decision.fallback !== null });

  // Settle: watch the health checks and finish the moves in this run, not a schedule later:
  // with a listener change that takes a while to reach every NLB node, each second of waiting
  // here is one of darkness.
  const settling = settles(trigger, settings.targets.kind, moved.length);
  while (settling && !decision.settled && deps.now() + settings.settleIntervalMs - started <= settings.settleDeadlineMs) {
    deps.log.info("settling", { poll: polls, notes: decision.notes });
    await deps.sleep(settings.settleIntervalMs);
    topology = await readTopology(deps.rds, deps.resolve, settings.database);
    polls++;
    state = await observe(settings.targets, deps.elb);
    decision = decide();
    moved.push(...(await apply(deps.elb, decision)));
    rounds.push(decision);
  }

  const fallback = rounds.map((r) => r.fallback).find((f) => f !== null) ?? null;
  const report: Report = {
    trigger,
    eventId,
    writer: topology.writer,
    readers: decision.readers,
    writerTargets: groupReport(rounds.flatMap((r) => r.writerGroups), decision.clusterRefused),
    readerTargets: decision.readerPort ? groupReport(rounds.flatMap((r) => r.readerGroups), []) : null,
    ...(decision.slots ? { slots: decision.slots } : {}),
    ...(decision.readerSets ? { readerSets: decision.readerSets } : {}),
    ...(rounds.some((r) => r.notes.length) ? { notes: [...new Set(rounds.flatMap((r) => r.notes))] } : {}),
    registrations: rounds.reduce((n, r) => n + count(r, (c) => c.plan.register.length), 0),
    deregistrations: rounds.reduce((n, r) => n + count(r, (c) => c.plan.deregister.length), 0),
    switches: moved.map(({ listener, to, warm }) => ({ listener, to, warm })),
    writerChanged: writerChanged(rounds, moved),
    fallback,
    writerHealthyTargets: decision.writerHealthyTargets,
    polls,
    problems: [...topology.problems, ...(fallback ? [fallback] : []), ...decision.problems, ...decision.refused.map((r) => `refused ${r.ip}: ${r.reason}`)],
    durationMs: deps.now() - started,
  };
  if (report.problems.length > 0) {
    throw new SyncError(`sync incomplete: ${report.problems.join("; ")}`, report);
  }
  return report;
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
