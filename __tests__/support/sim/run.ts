// Runs the failover function's real handler against the simulated AWS on a virtual clock, with
// the triggers AWS would send (RDS events, late, lost, duplicated or reordered; the schedule;
// Lambda's retries of a failed run), and measures every second what each port serves.
import { DEFAULT_WARM_READER_SETS } from "../../../config/schema";
import { ENV } from "../../../functions/failover-sync/environment";
import { createHandler } from "../../../functions/failover-sync/index";
import { Report, SyncError } from "../../../functions/failover-sync/sync";
import { DEFAULT_PARAMS, SimParams } from "./params";
import { CallLog, Faults, simulatedClients } from "./seam";
import { RdsEvent, seeded, SimWorld } from "./world";

/** Virtual time 0 is this moment, so the events' ISO times and the function's clock agree. */
export const EPOCH = Date.UTC(2026, 0, 5, 9, 0, 0);
const ACCOUNT = "111111111111";
const PREFIX = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:`;
const PORT = 3306;

export interface MemberSpec {
  readonly id: string;
  readonly ip: string;
  readonly az: string;
  /** Promotion tier (Aurora promotes the lowest first); default 1. */
  readonly tier?: number;
}

export interface EventFaults {
  /** Chance that an event is never delivered. */
  readonly lose?: number;
  /** Chance that an event is delivered twice, the copy up to 30 s later. */
  readonly duplicate?: number;
  /** Extra delay of up to this many seconds, so that events overtake each other. */
  readonly reorderS?: number;
}

export interface Scenario {
  readonly name: string;
  readonly kind: "cluster" | "instance";
  /** Cluster members (the first is the writer), or the Multi-AZ instance (ip) with its standby (standbyIp). */
  readonly members: readonly MemberSpec[];
  readonly standbyIp?: string;
  readonly standbyAz?: string;
  /** Zones the NLB enables; default: every member's. */
  readonly zones?: readonly string[];
  readonly slots?: number;
  readonly warmReaderSets?: number;
  readonly faults?: Faults;
  readonly eventFaults?: EventFaults;
  /** What happens, in seconds after the share is warm (t0). */
  readonly script: (w: SimWorld, t0: number, db: string) => void;
  /** How long to watch after t0. */
  readonly watchS: number;
}

export interface Outcome {
  readonly scenario: string;
  readonly registrationDelayS: number;
  readonly listenerDelayS: number;
  readonly seed: number;
  /** Seconds the writer port served no healthy target (or its change was pending) while RDS named a writer. */
  readonly writerDarkS: number;
  /** Seconds it served a healthy target that is not the writer. */
  readonly wrongWriterS: number;
  /** Of those, the seconds that fall after a run saw a warm path to the writer and L passed since. */
  readonly writerExcessS: number;
  /** Seconds the reader port served no healthy target while some member was healthy (and up) in some group. */
  readonly readerDarkS: number;
  /** Of those, the seconds after a run saw a group that could serve reads and L passed since. */
  readonly readerExcessS: number;
  /** Seconds the reader port included the writer. */
  readonly readerOnWriterS: number;
  /** Targets registered before the writer port moved to the new writer, per failover. */
  readonly registrationsOnFailoverPath: number;
  readonly registrations: number;
  readonly apiCalls: number;
  readonly runs: number;
  readonly failedRuns: number;
  readonly fallbacks: number;
  /** Batches the run queue held back for the visibility timeout because their run failed. */
  readonly heldBatches: number;
  /** Health-check load once warm: registered targets, and probes per second per instance. */
  readonly targets: number;
  /** The dark seconds as [from, to] intervals, in seconds after t0, for reading a timeline. */
  readonly intervals: { readonly writer: Array<[number, number]>; readonly reader: Array<[number, number]> };
  readonly reports: Report[];
}

function addSecond(list: Array<[number, number]>, s: number): void {
  const last = list[list.length - 1];
  if (last && last[1] === s) last[1] = s + 1;
  else list.push([s, s + 1]);
}

/** A message of the FIFO run queue, or the deploy-time run, which invokes the function directly. */
interface Message {
  readonly at: number;
  readonly body: string;
  receives: number;
  readonly direct?: boolean;
}

/** An SQS record as Lambda hands it to the function (Lambda Developer Guide, "Using Lambda with Amazon SQS", example event). */
function sqsRecord(m: Message, i: number, at: number): Record<string, unknown> {
  return {
    messageId: `sim-${m.at}-${i}`,
    receiptHandle: `sim-receipt-${m.at}-${i}`,
    body: m.body,
    attributes: { ApproximateReceiveCount: String(m.receives + 1), SentTimestamp: String(EPOCH + m.at), SequenceNumber: String(m.at), MessageGroupId: "runs", SenderId: "AIDAEVENTS", MessageDeduplicationId: `sim-${m.at}`, ApproximateFirstReceiveTimestamp: String(EPOCH + at) },
    messageAttributes: {},
    md5OfBody: "0",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-failover-sync-runs.fifo`,
    awsRegion: "us-east-1",
  };
}

/** EventBridge's scheduled event (EventBridge User Guide, example of a scheduled event). */
function scheduledEvent(at: number): unknown {
  return { version: "0", id: `sim-schedule-${at}`, "detail-type": "Scheduled Event", source: "aws.events", account: ACCOUNT, time: new Date(EPOCH + at).toISOString(), region: "us-east-1", resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/orders-failover-sync-reconcile`], detail: {} };
}

function rdsEvent(e: RdsEvent): unknown {
  const type = e.sourceType === "cluster" ? "cluster" : "db";
  const arn = `arn:aws:rds:us-east-1:${ACCOUNT}:${type}:${e.sourceId}`;
  // The shape of AWS's documented samples (__tests__/fixtures/rds-events.ts).
  return {
    version: "0",
    id: `sim-${e.id}-${e.at}`,
    "detail-type": e.sourceType === "cluster" ? "RDS DB Cluster Event" : "RDS DB Instance Event",
    source: "aws.rds",
    account: ACCOUNT,
    time: new Date(EPOCH + e.at).toISOString(),
    region: "us-east-1",
    resources: [arn],
    detail: { EventCategories: ["failover"], SourceType: e.sourceType === "cluster" ? "CLUSTER" : "DB_INSTANCE", SourceArn: arn, Date: new Date(EPOCH + e.at).toISOString(), Message: e.id, SourceIdentifier: `rds:${e.sourceId}`, EventID: e.id },
  };
}

const groupArn = (name: string, i: number) => `${PREFIX}targetgroup/${name}/${(1000 + i).toString(16).padStart(16, "0")}`;
const listenerArn = (i: number) => `${PREFIX}listener/net/sim-nlb/0123456789abcdef/${(5000 + i).toString(16)}`;

/** Builds the share as the provider stack does: the NLB, its groups and listeners, the database. */
function build(s: Scenario, world: SimWorld): { env: Record<string, string>; writerListener: string; readerListener: string; db: string; memberGroups: string[] } {
  const db = s.kind === "cluster" ? "orders" : s.members[0].id;
  for (const m of s.members) world.addHost(m.ip, m.az);
  for (const z of s.zones ?? [...s.members.map((m) => m.az), ...(s.standbyAz ? [s.standbyAz] : [])]) world.zones.add(z);
  const env: Record<string, string> = { [ENV.targetPort]: String(PORT), [ENV.allowedCidrs]: "10.0.0.0/16" };
  const writerListener = listenerArn(0);
  const readerListener = listenerArn(1);
  if (s.kind === "cluster") {
    const slots = s.slots ?? s.members.length;
    const members = Array.from({ length: slots }, (_, i) => groupArn(`orders-m${i}`, i));
    const sets = Array.from({ length: slots }, (_, i) => groupArn(`orders-r${i}`, 100 + i));
    members.forEach((g, i) => {
      world.addGroup(g, "member");
      world.addListener(listenerArn(10 + i), PORT + 10 + i, g);
    });
    sets.forEach((g, i) => {
      world.addGroup(g, "readerSet");
      world.addListener(listenerArn(40 + i), PORT + 10 + slots + i, g);
    });
    world.addListener(writerListener, PORT, members[0]);
    world.addListener(readerListener, PORT + 1, sets[0]);
    world.clusters.set(db, { id: db, status: "available", writer: s.members[0].id, members: s.members.map((m) => m.id) });
    for (const m of s.members) world.instances.set(m.id, { id: m.id, ip: m.ip, status: "available", tier: m.tier ?? 1, clusterId: db });
    Object.assign(env, {
      [ENV.clusterIdentifier]: db,
      [ENV.writerListenerArn]: writerListener,
      [ENV.readerListenerArn]: readerListener,
      [ENV.memberTargetGroups]: members.map((a) => a.slice(PREFIX.length)).join(","),
      [ENV.readerSetTargetGroups]: sets.map((a) => a.slice(PREFIX.length)).join(","),
      // What the provider stack writes: provider.failover.warmReaderSets, by default the schema's.
      [ENV.warmReaderSets]: String(s.warmReaderSets ?? DEFAULT_WARM_READER_SETS),
    });
    return { env, writerListener, readerListener, db, memberGroups: members };
  }
  const writerGroup = groupArn(`${db}-writer`, 0);
  const readerGroup = groupArn(`${db}-reader`, 1);
  world.addGroup(writerGroup, "member");
  world.addGroup(readerGroup, "readerSet");
  world.addListener(writerListener, PORT, writerGroup);
  world.addListener(readerListener, PORT + 1, readerGroup);
  world.addHost(s.standbyIp!, s.standbyAz ?? s.members[0].az, true);
  world.instances.set(db, { id: db, ip: s.members[0].ip, status: "available", tier: 1 });
  Object.assign(env, { [ENV.instanceIdentifier]: db, [ENV.writerTargetGroupArn]: writerGroup, [ENV.readerTargetGroupArn]: readerGroup });
  return { env, writerListener, readerListener, db, memberGroups: [writerGroup] };
}

/** Seconds after deploy by which every share here is warm: the longest registration, and its checks. */
export const WARM_UP_S = 600;

export async function simulate(s: Scenario, overrides: Partial<SimParams> = {}, seed = 1): Promise<Outcome> {
  const params = { ...DEFAULT_PARAMS, ...overrides };
  // Powertools reads these from the process: a simulated run logs and publishes nothing.
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  const world = new SimWorld(params, seeded(seed));
  const { env, writerListener, readerListener, db, memberGroups } = build(s, world);
  const log: CallLog = { calls: [], lastTopologyReadAt: -1 };
  const faults: { -readonly [K in keyof Faults]: Faults[K] } = {};
  const clients = simulatedClients(world, faults, log);
  const handler = createHandler({
    env: { ...env, POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true" },
    clients: () => clients,
    resolve: async (host) => world.resolve(host),
    now: () => EPOCH + world.now,
    sleep: async (ms) => world.advance(ms),
  });

  // The run queue: FIFO, one message group, content-based deduplication over five minutes.
  const queue: Message[] = [];
  const sentAt = new Map<string, number>();
  const send = (at: number, event: unknown) => {
    const body = JSON.stringify(event);
    const first = sentAt.get(body);
    if (first !== undefined && at - first < params.runQueue.deduplicationS * 1000) return;
    sentAt.set(body, at);
    queue.push({ at, body, receives: 0 });
  };
  const t0 = WARM_UP_S;
  const end = (t0 + s.watchS) * 1000;
  queue.push({ at: 0, body: JSON.stringify({ trigger: "deploy" }), receives: 0, direct: true });
  const phase = Math.floor(world.rng() * params.scheduleEveryS * 1000);
  for (let at = phase; at < end; at += params.scheduleEveryS * 1000) send(at, scheduledEvent(at));
  world.onEvent = (e) => {
    const f = world.now >= t0 * 1000 ? (s.eventFaults ?? {}) : {};
    if (f.lose && world.rng() < f.lose) return;
    const [lo, hi] = params.eventDelayS;
    const delay = (lo + world.rng() * (hi - lo) + (f.reorderS ? world.rng() * f.reorderS : 0)) * 1000;
    send(world.now + delay, rdsEvent(e));
    // A duplicate carries the same event: the queue's deduplication drops it within five minutes.
    if (f.duplicate && world.rng() < f.duplicate) send(world.now + delay + world.rng() * 30_000, rdsEvent(e));
  };
  world.at(t0, () => Object.assign(faults, s.faults ?? {}));
  s.script(world, t0, db);

  // ---- what each port serves, every second from t0 ----
  const runs: Array<{ readAt: number; end: number; applied: boolean }> = [];
  const counts = { writerDark: 0, wrongWriter: 0, writerExcess: 0, readerDark: 0, readerExcess: 0, readerOnWriter: 0 };
  // Per group that could serve reads: since when it has held a healthy member without a break.
  const groupWarmSince = new Map<string, number>();
  const intervals = { writer: [] as Array<[number, number]>, reader: [] as Array<[number, number]> };
  let warmSince: number | null = null;
  let warmWriter: string | null = null;
  const served = (readAfter: number, t: number) => runs.some((r) => r.applied && r.readAt >= readAfter && r.end + params.listenerDelayS * 1000 + 1000 <= t);
  world.onSecond = (second) => {
    if (second < t0) return;
    const t = second * 1000;
    const writer = world.writer(db);
    const writerIps = world.healthyIps(world.listeners.get(writerListener)!.effective);
    const pending = world.listeners.get(writerListener)!.pending !== undefined;
    const memberIps = new Set(memberGroups.flatMap((g) => world.healthyIps(g)));
    // A Multi-AZ instance's own address is the writer; its standby is not a member.
    const isMember = (ip: string) => [...world.instances.values()].some((i) => i.ip === ip && (s.kind === "instance" || world.clusters.get(db)?.members.includes(i.id)));
    if (writer && writer.status !== "deleting") {
      const dark = pending || writerIps.length === 0;
      const wrong = !dark && writerIps.some((ip) => ip !== writer.ip);
      const warm = memberIps.has(writer.ip);
      // The warm path to this writer: since when has its target been healthy in a member group?
      if (warmWriter !== writer.id || !warm) warmSince = warm ? t : null;
      else if (warmSince === null) warmSince = t;
      warmWriter = writer.id;
      if (dark) counts.writerDark++;
      if (wrong) counts.wrongWriter++;
      if (dark || wrong) addSecond(intervals.writer, second - t0);
      if ((dark || wrong) && warmSince !== null && served(warmSince, t)) counts.writerExcess++;
    }
    const reader = world.listeners.get(readerListener)!;
    const readerIps = world.healthyIps(reader.effective).filter(isMember);
    // "Some member is healthy": passes its checks and is up. A target the NLB still calls healthy
    // after its instance went down serves no one, on this port or any other.
    const someoneHealthy = [...world.groups.keys()].some((g) => world.healthyIps(g).some((ip) => isMember(ip) && world.hostUp(ip, t)));
    for (const g of world.groups.keys()) {
      // Healthy per the NLB and up in fact: a target the NLB has not yet found down serves no one.
      if (!world.healthyIps(g).some((ip) => isMember(ip) && world.hostUp(ip, t))) groupWarmSince.delete(g);
      else if (!groupWarmSince.has(g)) groupWarmSince.set(g, t);
    }
    if (someoneHealthy && readerIps.length === 0) {
      counts.readerDark++;
      addSecond(intervals.reader, second - t0);
      if ([...groupWarmSince.values()].some((since) => served(since, t))) counts.readerExcess++;
    }
    if (writer && readerIps.includes(writer.ip)) counts.readerOnWriter++;
  };

  // ---- the function: one batch of the run queue at a time, as Lambda's event source mapping runs a FIFO group ----
  const reports: Report[] = [];
  let failedRuns = 0;
  let blockedUntil = 0;
  let heldBatches = 0;
  for (;;) {
    queue.sort((a, b) => a.at - b.at);
    const head = queue[0];
    if (!head) break;
    const at = Math.max(world.now, head.at, head.direct ? 0 : blockedUntil);
    if (at >= end) break;
    world.advanceTo(at);
    world.advance(params.runQueue.pollerLatencyS * 1000);
    const batch = head.direct ? [head] : queue.filter((m) => !m.direct && m.at <= world.now).slice(0, params.runQueue.batchSize);
    const event = head.direct ? JSON.parse(head.body) : { Records: batch.map((m, i) => sqsRecord(m, i, world.now)) };
    const started = world.now;
    log.lastTopologyReadAt = -1;
    let applied = false;
    let done = true;
    try {
      const report = await handler(event, { awsRequestId: `run-${runs.length}`, getRemainingTimeInMillis: () => params.functionTimeoutS * 1000 - (world.now - started) });
      reports.push(report);
      applied = true;
      if (report.problems.length > 0) failedRuns++;
    } catch (e) {
      failedRuns++;
      if (e instanceof SyncError) {
        reports.push(e.report);
        applied = true;
      }
      // A failed batch comes back after the visibility timeout, and holds the group until then.
      if (!head.direct) {
        done = false;
        heldBatches++;
        blockedUntil = world.now + params.runQueue.visibilityTimeoutS * 1000;
        for (const m of batch) m.receives++;
      }
    }
    for (const m of batch) if (done || m.receives >= params.runQueue.maxReceives) queue.splice(queue.indexOf(m), 1);
    runs.push({ readAt: log.lastTopologyReadAt, end: world.now, applied });
  }
  world.advanceTo(end);

  // Registrations before the writer port moved, per failover: from each failover start to the
  // first ModifyListener of the writer listener (or, for an instance, the writer's registration).
  const starts = world.events.filter((e) => ["RDS-EVENT-0072", "RDS-EVENT-0073", "RDS-EVENT-0013", "RDS-EVENT-0259"].includes(e.id) && e.at >= t0 * 1000).map((e) => e.at);
  let onPath = 0;
  for (const start of starts) {
    const calls = log.calls.filter((c) => c.at >= start && !c.failed);
    const moved = calls.findIndex((c) => c.command === "ModifyListenerCommand");
    const upTo = moved >= 0 ? calls.slice(0, moved) : [];
    onPath += upTo.filter((c) => c.command === "RegisterTargetsCommand").length;
  }
  const registered = reports.reduce((n, r) => n + (r.registrations ?? 0), 0);
  const targets = [...world.groups.values()].reduce((n, g) => n + [...g.targets.values()].filter((t) => t.state !== "draining").length, 0);
  return {
    scenario: s.name,
    registrationDelayS: params.registrationDelayS,
    listenerDelayS: params.listenerDelayS,
    seed,
    writerDarkS: counts.writerDark,
    wrongWriterS: counts.wrongWriter,
    writerExcessS: counts.writerExcess,
    readerDarkS: counts.readerDark,
    readerExcessS: counts.readerExcess,
    readerOnWriterS: counts.readerOnWriter,
    registrationsOnFailoverPath: onPath,
    registrations: registered,
    apiCalls: log.calls.filter((c) => c.at >= t0 * 1000).length,
    runs: runs.length,
    failedRuns,
    fallbacks: reports.filter((r) => r.fallback).length,
    heldBatches,
    targets,
    intervals,
    reports,
  };
}
