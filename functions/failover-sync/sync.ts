// One run: read the listeners and groups, (on "failover started") wait for the new writer, read
// the topology, plan, and apply in the one safe order. Clients come in from the shell.
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { deregister, readGroups, readListenerTargets, register, switchListener } from "./apply";
import { ClusterTargets, FunctionEnvironment, InstanceTargets } from "./environment";
import { classify, Trigger } from "./events";
import { Log } from "./telemetry";
import { ClusterState, GroupChange, GroupState, liveIps, Member, plan, planCluster, readerTargets, Refusal, Switch } from "./plan";
import { readTopology, Resolve, Topology } from "./topology";

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

/** What a run decided: changes to groups and listener switches, in the shape apply needs. */
interface Decision {
  readonly writerGroups: GroupChange[];
  readonly readerGroups: GroupChange[];
  readonly readerPort: boolean;
  readonly switches: Switch[];
  /** The listeners a cluster's switches move; a Multi-AZ instance has none to move. */
  readonly listenerArns?: { readonly writer: string; readonly reader?: string };
  readonly slots?: Array<string | null>;
  readonly readerSets?: Array<string | null>;
  readonly fallback: string | null;
  /** What only an operator can fix, such as a member in a zone the NLB does not enable. */
  readonly problems: string[];
  readonly notes: string[];
  /** Every IP refused this run. */
  readonly refused: Refusal[];
  /** Refusals the cluster plan made before planning groups (reported with the writer port). */
  readonly clusterRefused: Refusal[];
  /** The group the writer port forwards to after the run, and the IP it must hold. */
  readonly writerGroup: string | null;
}

/** What was read before deciding: one shape for both kinds of database. */
interface Observed {
  readonly groups: Map<string, GroupState>;
  readonly cluster?: ClusterState;
  /** IPs the writer port serves now: the fast path waits until the writer is not among them. */
  readonly servedWriterIps: Set<string>;
}

export async function sync(event: unknown, settings: SyncSettings, deps: SyncDeps): Promise<Report> {
  const started = deps.now();
  const { trigger, eventId, time } = classify(event);
  let observed = await observe(settings.targets, settings.port, deps.elb);

  let topology = await readTopology(deps.rds, deps.resolve, settings.database);
  let polls = 1;
  if (trigger === "failover-started") {
    const stale = time !== undefined && started - time > settings.staleEventMs;
    let sawFailingOver = topology.status === "failing-over";
    // Fast path: poll the RDS API until it names a writer other than the one served now.
    while (!stale && !writerMoved(topology, observed.servedWriterIps)) {
      if (sawFailingOver && topology.status !== "failing-over") break; // over, same writer
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
  if (polls > 1) observed = await observe(settings.targets, settings.port, deps.elb);
  const decide = () => (settings.targets.kind === "cluster" ? decideCluster(settings.targets, observed, topology, settings) : decideInstance(settings.targets, observed, topology, settings));
  let decision = decide();
  const moved = await apply(deps.elb, decision);
  const rounds = [decision];
  deps.log.info("applied", { switches: moved.length, fallback: decision.fallback !== null });

  // Settle: right after a failover the new writer may still be restarting (Aurora restarts the
  // reader it promotes) and the reader port may be waiting for a set to turn healthy. Watch the
  // health checks and finish the moves in this run, not a schedule later: with a listener change
  // that takes a while to reach every NLB node, each second of waiting here is one of darkness.
  const settles = settings.targets.kind === "cluster" && (trigger === "failover-started" || trigger === "failover-finished" || (trigger !== "deploy" && moved.length > 0));
  while (settles && topology.writer !== null && decision.notes.length > 0 && deps.now() + settings.settleIntervalMs - started <= settings.settleDeadlineMs) {
    deps.log.info("settling", { poll: polls, notes: decision.notes });
    await deps.sleep(settings.settleIntervalMs);
    topology = await readTopology(deps.rds, deps.resolve, settings.database);
    polls++;
    observed = await observe(settings.targets, settings.port, deps.elb);
    decision = decide();
    moved.push(...(await apply(deps.elb, decision)));
    rounds.push(decision);
  }

  const writerGroup = decision.writerGroup ? observed.groups.get(decision.writerGroup) : undefined;
  const fallback = rounds.map((r) => r.fallback).find((f) => f !== null) ?? null;
  const report: Report = {
    trigger,
    eventId,
    writer: topology.writer,
    readers: topology.members && topology.writer ? topology.members.filter((m) => m.instance !== topology.writer!.instance) : null,
    writerTargets: groupReport(rounds.flatMap((r) => r.writerGroups), decision.clusterRefused),
    readerTargets: decision.readerPort ? groupReport(rounds.flatMap((r) => r.readerGroups), []) : null,
    ...(decision.slots ? { slots: decision.slots } : {}),
    ...(decision.readerSets ? { readerSets: decision.readerSets } : {}),
    ...(rounds.some((r) => r.notes.length) ? { notes: [...new Set(rounds.flatMap((r) => r.notes))] } : {}),
    registrations: rounds.reduce((n, r) => n + count(r, (c) => c.plan.register.length), 0),
    deregistrations: rounds.reduce((n, r) => n + count(r, (c) => c.plan.deregister.length), 0),
    switches: moved.map(({ listener, to, warm }) => ({ listener, to, warm })),
    writerChanged: moved.some((s) => s.listener === "writer" && s.from !== null) || rounds.some((r) => writerRegisteredOver(r, observed)),
    fallback,
    writerHealthyTargets: writerGroup?.current.filter((t) => t.state === "healthy" && t.ip === topology.writer?.ip).length ?? 0,
    polls,
    problems: [...topology.problems, ...(fallback ? [fallback] : []), ...decision.problems, ...decision.refused.map((r) => `refused ${r.ip}: ${r.reason}`)],
    durationMs: deps.now() - started,
  };
  if (report.problems.length > 0) {
    throw new SyncError(`sync incomplete: ${report.problems.join("; ")}`, report);
  }
  return report;
}

async function observe(targets: ClusterTargets | InstanceTargets, port: number, elb: ElasticLoadBalancingV2Client): Promise<Observed> {
  const live = (g: GroupState | undefined) => (g ? liveIps(g, port) : new Set<string>());
  if (targets.kind === "instance") {
    const arns = [targets.writerTargetGroupArn, ...(targets.readerTargetGroupArn ? [targets.readerTargetGroupArn] : [])];
    const groups = new Map((await readGroups(elb, arns)).map((g) => [g.arn, g]));
    return { groups, servedWriterIps: live(groups.get(targets.writerTargetGroupArn)) };
  }
  const listenerArns = [targets.writerListenerArn, ...(targets.readerListenerArn ? [targets.readerListenerArn] : [])];
  const [listeners, memberGroups, readerSetGroups] = await Promise.all([
    readListenerTargets(elb, listenerArns),
    readGroups(elb, targets.memberGroups),
    readGroups(elb, targets.readerSetGroups),
  ]);
  const cluster: ClusterState = {
    memberGroups,
    readerSetGroups,
    writerListenerTarget: listeners.get(targets.writerListenerArn) ?? null,
    ...(targets.readerListenerArn ? { readerListenerTarget: listeners.get(targets.readerListenerArn) ?? null } : {}),
  };
  const groups = new Map([...memberGroups, ...readerSetGroups].map((g) => [g.arn, g]));
  const writerTarget = cluster.writerListenerTarget;
  return { groups, cluster, servedWriterIps: live(writerTarget ? groups.get(writerTarget) : undefined) };
}

function decideCluster(targets: ClusterTargets, observed: Observed, topology: Topology, settings: SyncSettings): Decision {
  const p = planCluster({
    writer: topology.writer,
    members: topology.members,
    state: observed.cluster!,
    port: settings.port,
    allowedCidrs: settings.allowedCidrs,
    warmReaderSets: targets.warmReaderSets,
  });
  return {
    writerGroups: p.groups.filter((g) => g.role === "member"),
    readerGroups: p.groups.filter((g) => g.role === "reader-set"),
    readerPort: targets.readerListenerArn !== undefined,
    switches: p.switches,
    listenerArns: { writer: targets.writerListenerArn, reader: targets.readerListenerArn },
    slots: p.slots.map((m) => m?.instance ?? null),
    readerSets: p.readerSetOwners.map((m) => m?.instance ?? null),
    fallback: p.fallback,
    problems: p.problems,
    notes: p.notes,
    refused: p.refused,
    clusterRefused: p.refused,
    writerGroup: p.writerSlot === null ? observed.cluster!.writerListenerTarget : targets.memberGroups[p.writerSlot],
  };
}

function decideInstance(targets: InstanceTargets, observed: Observed, topology: Topology, settings: SyncSettings): Decision {
  const change = (arn: string, desired: Member[] | null, role: "writer" | "reader"): GroupChange => ({
    role,
    slot: 0,
    arn,
    // Make before break: the old address leaves once the new one is healthy, over as many runs as it takes.
    plan: plan({ desired: desired ? desired.map((m) => m.ip) : null, current: observed.groups.get(arn)!.current, port: settings.port, allowedCidrs: settings.allowedCidrs, keepLastHealthy: true }),
  });
  const writer = change(targets.writerTargetGroupArn, topology.writer ? [topology.writer] : null, "writer");
  const readers = topology.writer ? topology.members?.filter((m) => m.instance !== topology.writer!.instance) ?? null : null;
  const reader = targets.readerTargetGroupArn ? [change(targets.readerTargetGroupArn, readerTargets(topology.writer, readers), "reader")] : [];
  return {
    writerGroups: [writer],
    readerGroups: reader,
    readerPort: targets.readerTargetGroupArn !== undefined,
    switches: [],
    fallback: null,
    problems: [],
    notes: [],
    refused: [...writer.plan.refused, ...reader.flatMap((r) => r.plan.refused)],
    clusterRefused: [],
    writerGroup: targets.writerTargetGroupArn,
  };
}

/**
 * The one safe order for every kind of database: switches to groups that are already warm
 * first (the failover path), then every registration, then switches that needed one, and only
 * then deregistrations, so no listener ever forwards to a group without a live target.
 */
async function apply(elb: ElasticLoadBalancingV2Client, d: Decision): Promise<Switch[]> {
  const changes = [...d.writerGroups, ...d.readerGroups];
  const moved: Switch[] = [];
  const move = async (s: Switch) => {
    const listenerArn = s.listener === "writer" ? d.listenerArns?.writer : d.listenerArns?.reader;
    if (!listenerArn) throw new Error(`no ${s.listener} listener to switch`);
    await switchListener(elb, listenerArn, s.to);
    moved.push(s);
  };
  for (const s of d.switches.filter((x) => x.warm)) await move(s);
  for (const c of changes) await register(elb, c.arn, c.plan.register);
  for (const s of d.switches.filter((x) => !x.warm)) await move(s);
  for (const c of changes) await deregister(elb, c.arn, c.plan.deregister);
  return moved;
}

function count(d: Decision, f: (c: GroupChange) => number): number {
  return [...d.writerGroups, ...d.readerGroups].reduce((n, c) => n + f(c), 0);
}

function writerMoved(topology: Topology, served: Set<string>): boolean {
  return topology.writer !== null && topology.status !== "failing-over" && !served.has(topology.writer.ip);
}

/** A Multi-AZ instance's writer moves by registration: the new IP replaced a served one. */
function writerRegisteredOver(d: Decision, observed: Observed): boolean {
  const writerGroup = d.writerGroup ? d.writerGroups.find((g) => g.arn === d.writerGroup) : undefined;
  return d.switches.length === 0 && (writerGroup?.plan.register.length ?? 0) > 0 && observed.servedWriterIps.size > 0;
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
