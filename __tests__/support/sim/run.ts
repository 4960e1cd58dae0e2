// Runs the failover function's real handler against the simulated AWS on a virtual clock, with
// the triggers AWS would send (RDS events, late, lost, duplicated or reordered; the schedule;
// Lambda's retries of a failed run), and measures every second what each port serves.
import {
  DEFAULT_WARM_READER_SETS,
  DEFAULT_WATCH_SECONDS,
  defaultMemberSlots,
  readerSetCount,
} from "../../../config/schema";
import { ENV } from "../../../functions/failover-sync/environment";
import { BLUE_GREEN_DETAIL_TYPE } from "../../../functions/failover-sync/events";
import { createHandler } from "../../../functions/failover-sync/index";
import { type Report, SyncError } from "../../../functions/failover-sync/sync";
import { DEFAULT_PARAMS, type EventTiming, LATE_EVENT_S, type SimParams } from "./params";
import { type CallLog, type Faults, simulatedClients } from "./seam";
import { type RdsEvent, seeded, SimWorld, VirtualTimers } from "./world";

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
  /** Multi-AZ DB instance: the function looks for the standby's interface (provider.failover.standbyDiscovery). */
  readonly standbyDiscovery?: boolean;
  /** Other RDS interfaces with the instance's security group: another database that shares it. */
  readonly sharedGroupIps?: readonly string[];
  /** Zones the NLB enables; default: every member's. */
  readonly zones?: readonly string[];
  readonly slots?: number;
  readonly warmReaderSets?: number;
  readonly faults?: Faults;
  readonly eventFaults?: EventFaults;
  /** RDS Proxy mode: the proxy's endpoints, whose addresses the writer and reader groups hold instead of the members'. */
  readonly proxy?: ProxySpec;
  /** What happens, in seconds after the share is warm (t0). */
  readonly script: (w: SimWorld, t0: number, db: string) => void;
  /** How long to watch after t0. */
  readonly watchS: number;
}

/** An RDS Proxy in front of the scenario's database: its interfaces, by endpoint. */
export interface ProxySpec {
  /** The default (read/write) endpoint's interfaces at deploy: in two zones, as AWS provisions it. */
  readonly addresses: ReadonlyArray<{ readonly ip: string; readonly az: string }>;
  /** A read-only endpoint's interfaces (Aurora with readers); absent: the reader port uses the default endpoint. */
  readonly readOnly?: ReadonlyArray<{ readonly ip: string; readonly az: string }>;
}

/** The proxy's name in every scenario of RDS Proxy mode. */
export const SIM_PROXY = "orders-proxy";

/** A consumer pool's connections on the writer port that sit on a node that is not the writer. */
export interface StalePool {
  /** Connection-seconds spent on a live node that is not the writer, while RDS named a writer. */
  readonly connectionSeconds: number;
  /** The most such connections at once. */
  readonly most: number;
  /** The last second (after t0) any connection was stale; null: never. */
  readonly lastS: number | null;
  /** Writes that failed with a read-only error (the pool that discards on them: one per stale connection). */
  readonly readOnlyErrors: number;
}

export interface Outcome {
  readonly scenario: string;
  readonly registrationDelayS: number;
  readonly listenerDelayS: number;
  readonly events: EventTiming;
  readonly seed: number;
  /** Seconds a new connection to the writer port would reach no node that takes it. */
  readonly writerDarkS: number;
  /** Seconds it could reach a node that is not the writer: fail-open, a read-only reader, a node the NLB still calls healthy though it is down, or any node while RDS names no writer. */
  readonly writerWrongS: number;
  /** The same two for a client of the cluster endpoint itself, whose DNS answer may be one TTL old: the native exposure. */
  readonly nativeDarkS: number;
  readonly nativeWrongS: number;
  /** Seconds the reader port would reach no live member while some member was up. */
  readonly readerDarkS: number;
  /** Seconds a new connection to the reader port could reach a node that is down. */
  readsToDownS: number;
  /** Seconds the reader port included the writer while a reader was up. */
  readonly readerOnWriterS: number;
  /** Per failover: seconds from its start until RDS named the new writer. */
  readonly failoverS: number[];
  /** Failovers back to a member that was the writer less than the NLB's reported switch-back window before. */
  readonly failbacks: number;
  /** Targets registered between each failover's start and the writer port's move to the new writer. */
  readonly registrationsOnFailoverPath: number;
  readonly registrations: number;
  /** Targets registered after t0 (each address in each group counted once per call). */
  readonly registeredAfterT0: number;
  /** ModifyListener calls after t0. */
  readonly listenerChanges: number;
  /** Seconds after t0 in which a writer or reader listener forwarded to a group with no target that is not draining. */
  readonly emptyGroupS: number;
  /** A pool that keeps its connections for maxLifetimeS, and one that also discards a connection on a read-only error. */
  readonly pool: { readonly lifetime: StalePool; readonly discardOnReadOnly: StalePool };
  readonly apiCalls: number;
  readonly throttledCalls: number;
  readonly runs: number;
  readonly failedRuns: number;
  readonly fallbacks: number;
  /** Batches the run queue held back for the visibility timeout because their run failed the batch. */
  readonly heldBatches: number;
  /** Per fault window (a throttling burst): seconds from its end to the start of the next run that reported no problem. */
  readonly recoveryAfterBurstS: number[];
  /** Health-check load once warm: registered targets. */
  readonly targets: number;
  /** The writer's and reader's bad seconds as [from, to) intervals after t0, for reading a timeline. */
  readonly intervals: { readonly writer: Array<[number, number]>; readonly reader: Array<[number, number]> };
  readonly reports: Report[];
}

export interface SimOptions extends Partial<SimParams> {
  /** How RDS events reach the run queue; default on time. */
  readonly events?: EventTiming;
  /** provider.failover.watchSeconds; default the schema's. */
  readonly watchSeconds?: number;
  /** Deploy the fence group (a layout from before it existed: false); default true. */
  readonly fence?: boolean;
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
    attributes: {
      ApproximateReceiveCount: String(m.receives + 1),
      SentTimestamp: String(EPOCH + m.at),
      SequenceNumber: String(m.at),
      MessageGroupId: "runs",
      SenderId: "AIDAEVENTS",
      MessageDeduplicationId: `sim-${m.at}`,
      ApproximateFirstReceiveTimestamp: String(EPOCH + at),
    },
    messageAttributes: {},
    md5OfBody: "0",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-failover-sync-runs.fifo`,
    awsRegion: "us-east-1",
  };
}

/** EventBridge's scheduled event (EventBridge User Guide, example of a scheduled event). */
function scheduledEvent(at: number): unknown {
  return {
    version: "0",
    id: `sim-schedule-${at}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ACCOUNT,
    time: new Date(EPOCH + at).toISOString(),
    region: "us-east-1",
    resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/orders-failover-sync-reconcile`],
    detail: {},
  };
}

function rdsEvent(e: RdsEvent): unknown {
  const type = e.sourceType === "cluster" ? "cluster" : e.sourceType === "instance" ? "db" : "deployment";
  const arn = `arn:aws:rds:us-east-1:${ACCOUNT}:${type}:${e.sourceId}`;
  // The shape of AWS's documented samples (__tests__/fixtures/rds-events.ts); a Blue/Green event
  // the same, with the deployment as its source (its detail type is the rule's, events.ts).
  const [detailType, sourceType] =
    e.sourceType === "cluster"
      ? ["RDS DB Cluster Event", "CLUSTER"]
      : e.sourceType === "instance"
        ? ["RDS DB Instance Event", "DB_INSTANCE"]
        : [BLUE_GREEN_DETAIL_TYPE, "BLUE_GREEN_DEPLOYMENT"];
  return {
    version: "0",
    id: `sim-${e.id}-${e.at}`,
    "detail-type": detailType,
    source: "aws.rds",
    account: ACCOUNT,
    time: new Date(EPOCH + e.at).toISOString(),
    region: "us-east-1",
    resources: [arn],
    detail: {
      EventCategories: [e.sourceType === "blue-green-deployment" ? "notification" : "failover"],
      SourceType: sourceType,
      SourceArn: arn,
      Date: new Date(EPOCH + e.at).toISOString(),
      Message: e.id,
      SourceIdentifier: e.sourceType === "blue-green-deployment" ? e.sourceId : `rds:${e.sourceId}`,
      EventID: e.id,
    },
  };
}

const groupArn = (name: string, i: number) =>
  `${PREFIX}targetgroup/${name}/${(1000 + i).toString(16).padStart(16, "0")}`;
const listenerArn = (i: number) => `${PREFIX}listener/net/sim-nlb/0123456789abcdef/${(5000 + i).toString(16)}`;

/** Builds the share as the provider stack does: the NLB, its groups and listeners, the database. */
function build(
  s: Scenario,
  world: SimWorld,
): { env: Record<string, string>; writerListener: string; readerListener: string; db: string; memberGroups: string[] } {
  const db = s.kind === "cluster" ? "orders" : s.members[0].id;
  for (const m of s.members) world.addHost(m.ip, m.az);
  for (const z of s.zones ?? [...s.members.map((m) => m.az), ...(s.standbyAz ? [s.standbyAz] : [])]) world.zones.add(z);
  const env: Record<string, string> = { [ENV.targetPort]: String(PORT), [ENV.allowedCidrs]: "10.0.0.0/16" };
  if (s.proxy) return { env, db, ...buildProxy(s, world, env, db) };
  const writerListener = listenerArn(0);
  const readerListener = listenerArn(1);
  if (s.kind === "cluster") {
    // The layout the provider stack deploys by default: the slots of Aurora's largest cluster, the reader sets of warmReaderSets.
    const slots = s.slots ?? defaultMemberSlots(true);
    const warm = s.warmReaderSets ?? DEFAULT_WARM_READER_SETS;
    const members = Array.from({ length: slots }, (_, i) => groupArn(`orders-m${i}`, i));
    const sets = Array.from({ length: readerSetCount(slots, warm) }, (_, i) => groupArn(`orders-r${i}`, 100 + i));
    members.forEach((g, i) => {
      world.addGroup(g, "member");
      world.addListener(listenerArn(10 + i), PORT + 10 + i, g);
    });
    sets.forEach((g, i) => {
      world.addGroup(g, "readerSet");
      world.addListener(listenerArn(100 + i), PORT + 10 + slots + i, g);
    });
    const fence = groupArn("orders-fence", 99);
    world.addGroup(fence, "fence");
    world.addListener(writerListener, PORT, members[0]);
    world.addListener(readerListener, PORT + 1, sets[0]);
    addCluster(s, world, db);
    Object.assign(env, {
      [ENV.clusterIdentifier]: db,
      [ENV.writerListenerArn]: writerListener,
      [ENV.readerListenerArn]: readerListener,
      [ENV.memberTargetGroups]: members.map((a) => a.slice(PREFIX.length)).join(","),
      [ENV.readerSetTargetGroups]: sets.map((a) => a.slice(PREFIX.length)).join(","),
      [ENV.fenceTargetGroup]: fence.slice(PREFIX.length),
      // What the provider stack writes: provider.failover.warmReaderSets, by default the schema's.
      [ENV.warmReaderSets]: String(warm),
    });
    return { env, writerListener, readerListener, db, memberGroups: members };
  }
  const { writerGroup, readerGroup } = addInstanceGroups(world, db, writerListener, readerListener);
  const standbyAz = s.standbyAz ?? s.members[0].az;
  world.addHost(s.standbyIp!, standbyAz, true);
  // Both interfaces are RDS's, with the instance's security group; so are those of a database that shares it.
  for (const ip of [s.members[0].ip, s.standbyIp!]) world.hosts.get(ip)!.rdsGroup = SimWorld.DATABASE_GROUP;
  for (const ip of s.sharedGroupIps ?? []) {
    world.addHost(ip, standbyAz);
    world.hosts.get(ip)!.rdsGroup = SimWorld.DATABASE_GROUP;
  }
  world.instances.set(db, { id: db, ip: s.members[0].ip, status: "available", tier: 1, secondaryAz: standbyAz });
  Object.assign(env, {
    [ENV.instanceIdentifier]: db,
    [ENV.writerTargetGroupArn]: writerGroup,
    [ENV.readerTargetGroupArn]: readerGroup,
    ...(s.standbyDiscovery ? { [ENV.standbyDiscovery]: "1" } : {}),
  });
  return { env, writerListener, readerListener, db, memberGroups: [writerGroup] };
}

/** RDS Proxy mode: the database, the proxy's endpoints, and the two groups that hold its addresses. */
function buildProxy(
  s: Scenario,
  world: SimWorld,
  env: Record<string, string>,
  db: string,
): { writerListener: string; readerListener: string; memberGroups: string[] } {
  const proxy = s.proxy!;
  const writerListener = listenerArn(0);
  const readerListener = listenerArn(1);
  const { writerGroup, readerGroup } = addInstanceGroups(world, db, writerListener, readerListener);
  // The proxy's interfaces, in its subnets' zones, which the NLB enables too.
  for (const { ip, az } of [...proxy.addresses, ...(proxy.readOnly ?? [])]) {
    world.addHost(ip, az);
    world.zones.add(az);
  }
  world.proxy = {
    name: SIM_PROXY,
    status: "available",
    records: {
      // From before the deploy: a resolver's cache at the first run holds them already.
      default: [[-WARM_UP_S * 1000, proxy.addresses.map((a) => a.ip)]],
      ...(proxy.readOnly
        ? { readOnly: [[-WARM_UP_S * 1000, proxy.readOnly.map((a) => a.ip)]] as Array<[number, string[]]> }
        : {}),
    },
  };
  Object.assign(env, {
    [s.kind === "cluster" ? ENV.clusterIdentifier : ENV.instanceIdentifier]: db,
    [ENV.writerTargetGroupArn]: writerGroup,
    [ENV.readerTargetGroupArn]: readerGroup,
    [ENV.proxyName]: SIM_PROXY,
    ...(proxy.readOnly ? { [ENV.proxyReaderEndpoint]: `${SIM_PROXY}-ro` } : {}),
  });
  if (s.kind === "cluster") addCluster(s, world, db);
  else {
    const standbyAz = s.standbyAz ?? s.members[0].az;
    world.addHost(s.standbyIp!, standbyAz, true);
    world.instances.set(db, { id: db, ip: s.members[0].ip, status: "available", tier: 1, secondaryAz: standbyAz });
  }
  return { writerListener, readerListener, memberGroups: [writerGroup] };
}

/** A Multi-AZ instance's layout, which RDS Proxy mode has too: a writer and a reader group, each behind its port's listener. */
function addInstanceGroups(
  world: SimWorld,
  db: string,
  writerListener: string,
  readerListener: string,
): { writerGroup: string; readerGroup: string } {
  const writerGroup = groupArn(`${db}-writer`, 0);
  const readerGroup = groupArn(`${db}-reader`, 1);
  world.addGroup(writerGroup, "member");
  world.addGroup(readerGroup, "readerSet");
  world.addListener(writerListener, PORT, writerGroup);
  world.addListener(readerListener, PORT + 1, readerGroup);
  return { writerGroup, readerGroup };
}

/** The cluster and its members, the first one the writer. */
function addCluster(s: Scenario, world: SimWorld, db: string): void {
  world.clusters.set(db, { id: db, status: "available", writer: null, members: s.members.map((m) => m.id) });
  for (const m of s.members)
    world.instances.set(m.id, { id: m.id, ip: m.ip, status: "available", tier: m.tier ?? 1, clusterId: db });
  world.nameWriter(db, s.members[0].id);
}

/** Seconds after deploy by which every share here is warm: the longest registration, and its checks. */
export const WARM_UP_S = 600;

/** One of the consumer's pooled connections on the writer port. */
interface Connection {
  ip: string | null;
  expiresAt: number;
}

/** A pool of connections to the writer port, each kept for its lifetime or until its node drops it. */
class Pool {
  private readonly connections: Connection[];
  private stale = { connectionSeconds: 0, most: 0, lastS: null as number | null, readOnlyErrors: 0 };

  constructor(
    private readonly world: SimWorld,
    private readonly maxLifetimeMs: number,
    private readonly discardOnReadOnly: boolean,
    /** RDS Proxy mode: the node a connection to the proxy's address reaches at t (null: held); the proxy keeps client connections across the database's restarts. */
    private readonly backend?: (ip: string, t: number) => string | null,
  ) {
    // Opened at random moments before t0: their lifetimes end spread out.
    this.connections = Array.from({ length: world.params.pool.size }, () => ({ ip: null, expiresAt: 0 }));
  }

  /** One second of the pool's life; `second` counts from t0 for the report. */
  tick(t: number, second: number, route: string[], writerIp: string | null): void {
    let stale = 0;
    const reaches = (ip: string | null) =>
      ip === null || !this.backend || !this.world.hostUp(ip, t) ? ip : this.backend(ip, t);
    for (const c of this.connections) {
      // A restart drops every connection; an expired one is replaced; so is a stale one, by a
      // pool that discards a connection on its first read-only error (the app writes every second).
      const down = c.ip !== null && !this.world.hostUp(c.ip, t);
      const node = reaches(c.ip);
      const onReader = node !== null && !down && writerIp !== null && node !== writerIp && this.world.hostUp(node, t);
      if (onReader && this.discardOnReadOnly) this.stale.readOnlyErrors++;
      if (c.ip === null || down || t >= c.expiresAt || (onReader && this.discardOnReadOnly)) {
        const pick = route.length > 0 ? route[Math.floor(this.world.rng() * route.length)] : null;
        c.ip = pick !== null && this.world.hostUp(pick, t) ? pick : null;
        // HikariCP takes up to 2.5 % off each lifetime, so that connections do not all expire at once.
        c.expiresAt =
          t +
          this.maxLifetimeMs * (1 - 0.025 * this.world.rng()) -
          (c.expiresAt === 0 ? this.world.rng() * this.maxLifetimeMs : 0);
      }
      const now = reaches(c.ip);
      if (now !== null && writerIp !== null && now !== writerIp && this.world.hostUp(now, t)) stale++;
    }
    this.stale.connectionSeconds += stale;
    this.stale.most = Math.max(this.stale.most, stale);
    if (stale > 0) this.stale.lastS = second;
  }

  report(): StalePool {
    return { ...this.stale };
  }
}

/** How a set of IPs a new connection may reach fares: ok (only the live writer), dark (no live node) or wrong. */
function classify(
  world: SimWorld,
  ips: readonly string[],
  writerIp: string | null,
  t: number,
): "ok" | "dark" | "wrong" {
  if (ips.some((ip) => ip !== writerIp)) return "wrong";
  return ips.length > 0 && world.hostUp(ips[0], t) ? "ok" : "dark";
}

/**
 * The first run of a process loads the SDK's lazy modules, in real time, while other calls of
 * the run wait on the model's clock: its timeline would differ from every later one. So each
 * process runs one short simulation first and throws it away.
 */
let warmedUp: Promise<unknown> | undefined;

export async function simulate(s: Scenario, options: SimOptions = {}, seed = 1): Promise<Outcome> {
  warmedUp ??= simulateOnce(s, { ...options, events: "on time" }, seed, 60);
  await warmedUp;
  return simulateOnce(s, options, seed);
}

async function simulateOnce(s: Scenario, options: SimOptions, seed: number, watchS = s.watchS): Promise<Outcome> {
  const { events: eventTiming = "on time", watchSeconds = DEFAULT_WATCH_SECONDS, fence = true, ...overrides } = options;
  const params: SimParams = { ...DEFAULT_PARAMS, ...overrides };
  // Powertools reads these from the process: a simulated run logs and publishes nothing.
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  const world = new SimWorld(params, seeded(seed));
  const { env, writerListener, readerListener, db, memberGroups } = build(s, world);
  if (!fence) delete env[ENV.fenceTargetGroup];
  const log: CallLog = { calls: [], lastTopologyReadAt: -1 };
  const faults: { -readonly [K in keyof Faults]: Faults[K] } = {};
  // The clients live across runs, as in a warm Lambda container; each run sets its deadline.
  let runDeadline = Infinity;
  const timers = new VirtualTimers(world);
  const clients = simulatedClients(world, timers.sleep, faults, log, () => runDeadline, EPOCH);
  const t0 = WARM_UP_S;
  const handler = createHandler({
    // Watching starts a minute before t0: during the warm-up it would only poll a steady cluster.
    get env() {
      return {
        ...env,
        [ENV.watchSeconds]: String(world.now >= (t0 - 60) * 1000 ? watchSeconds : 0),
        POWERTOOLS_LOG_LEVEL: "SILENT",
        POWERTOOLS_METRICS_DISABLED: "true",
      };
    },
    clients: (deadline) => {
      runDeadline = deadline;
      return clients;
    },
    resolve: async (host) => world.resolve(host),
    resolveAll: async (host) => world.resolveAll(host),
    now: () => EPOCH + world.now,
    sleep: timers.sleep,
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
  const end = (t0 + watchS) * 1000;
  queue.push({ at: 0, body: JSON.stringify({ trigger: "deploy" }), receives: 0, direct: true });
  const phase = Math.floor(world.rng() * params.scheduleEveryS * 1000);
  for (let at = phase; at < end; at += params.scheduleEveryS * 1000) send(at, scheduledEvent(at));
  world.onEvent = (e) => {
    const afterT0 = world.now >= t0 * 1000;
    const f = afterT0 ? (s.eventFaults ?? {}) : {};
    if (afterT0 && eventTiming === "lost") return;
    if (f.lose && world.rng() < f.lose) return;
    const [lo, hi] = params.eventDelayS;
    const late = afterT0 && eventTiming === "late" ? LATE_EVENT_S : 0;
    const delay = (lo + world.rng() * (hi - lo) + late + (f.reorderS ? world.rng() * f.reorderS : 0)) * 1000;
    send(world.now + delay, rdsEvent(e));
    // A duplicate carries the same event: the queue's deduplication drops it within five minutes.
    if (f.duplicate && world.rng() < f.duplicate) send(world.now + delay + world.rng() * 30_000, rdsEvent(e));
  };
  const bursts = (s.faults?.throttleBursts ?? []).map(([from, to]) => [t0 + from, t0 + to] as [number, number]);
  world.at(t0, () => Object.assign(faults, { ...s.faults, throttleBursts: bursts }));
  s.script(world, t0, db);

  // ---- what each port serves, every second from t0: before the first fault everything is ok ----
  const counts = {
    writerDark: 0,
    writerWrong: 0,
    nativeDark: 0,
    nativeWrong: 0,
    readerDark: 0,
    readsToDown: 0,
    readerOnWriter: 0,
  };
  const intervals = { writer: [] as Array<[number, number]>, reader: [] as Array<[number, number]> };
  // RDS Proxy mode: a new connection to one of the proxy's addresses reaches the node the proxy sends it to.
  const viaProxy = s.proxy ? (_ip: string, t: number) => world.proxyWriter(db, t) : undefined;
  const pools = {
    lifetime: new Pool(world, params.pool.maxLifetimeS * 1000, false, viaProxy),
    discardOnReadOnly: new Pool(world, params.pool.maxLifetimeS * 1000, true, viaProxy),
  };
  /** Where a new connection to these addresses may end up: through the proxy when it is up, else the address itself. */
  const through = (ips: string[], t: number, reader: boolean): string[] =>
    s.proxy
      ? ips.flatMap((ip) => {
          if (!world.hostUp(ip, t)) return [ip];
          if (reader && s.proxy?.readOnly) return world.proxyReaders(db, t);
          const node = world.proxyWriter(db, t);
          return node === null ? [] : [node];
        })
      : ips;
  let emptyGroupS = 0;
  const isMember = (ip: string) =>
    [...world.instances.values()].some(
      (i) => i.ip === ip && (s.kind === "instance" || world.clusters.get(db)?.members.includes(i.id)),
    );
  world.onSecond = (second) => {
    if (second < t0 - params.pool.maxLifetimeS) return;
    const t = second * 1000;
    if (s.proxy) world.followWriter(db, t);
    const writer = world.writer(db);
    const writerIp = writer && writer.status !== "deleting" ? writer.ip : null;
    const route = world.route(writerListener, t);
    for (const pool of Object.values(pools)) pool.tick(t, second - t0, route, writerIp);
    if (second < t0) return;
    const served = [writerListener, readerListener].map((l) => world.groups.get(world.listeners.get(l)!.configured)!);
    if (served.some((g) => ![...g.targets.values()].some((x) => x.state !== "draining"))) emptyGroupS++;
    const port = classify(world, [...new Set(through(route, t, false))], writerIp, t);
    if (port === "dark") counts.writerDark++;
    if (port === "wrong") counts.writerWrong++;
    if (port !== "ok") addSecond(intervals.writer, second - t0);
    if (s.kind === "cluster") {
      const native = classify(world, world.endpointIpsCached(t), writerIp, t);
      if (native === "dark") counts.nativeDark++;
      if (native === "wrong") counts.nativeWrong++;
    }
    const readRoute = world.route(readerListener, t);
    const reads = s.proxy ? [...new Set(through(readRoute, t, true))] : readRoute.filter(isMember);
    const someoneUp = [...world.instances.values()].some((i) => isMember(i.ip) && world.hostUp(i.ip, t));
    if (someoneUp && !reads.some((ip) => world.hostUp(ip, t))) {
      counts.readerDark++;
      addSecond(intervals.reader, second - t0);
    }
    if (reads.some((ip) => !world.hostUp(ip, t))) counts.readsToDown++;
    const readerUp = [...world.instances.values()].some(
      (i) => isMember(i.ip) && i.ip !== writerIp && world.hostUp(i.ip, t),
    );
    if (writerIp && readerUp && reads.includes(writerIp)) counts.readerOnWriter++;
  };

  // ---- the function: one batch of the run queue at a time, as Lambda's event source mapping runs a FIFO group ----
  const reports: Report[] = [];
  const runs: Array<{ start: number; clean: boolean }> = [];
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
    const batch = head.direct
      ? [head]
      : queue.filter((m) => !m.direct && m.at <= world.now).slice(0, params.runQueue.batchSize);
    const event = head.direct ? JSON.parse(head.body) : { Records: batch.map((m, i) => sqsRecord(m, i, world.now)) };
    const started = world.now;
    log.lastTopologyReadAt = -1;
    let done = true;
    let clean = false;
    try {
      const report = await timers.drive(
        handler(event, {
          awsRequestId: `run-${runs.length}`,
          getRemainingTimeInMillis: () => params.functionTimeoutS * 1000 - (world.now - started),
        }),
      );
      if (report) reports.push(report);
      clean = report !== undefined && report.problems.length === 0;
      if (!clean) failedRuns++;
    } catch (e) {
      failedRuns++;
      if (e instanceof SyncError) reports.push(e.report);
      // A failed batch comes back after the visibility timeout, and holds the group until then.
      if (!head.direct) {
        done = false;
        heldBatches++;
        blockedUntil = world.now + params.runQueue.visibilityTimeoutS * 1000;
        for (const m of batch) m.receives++;
      }
    }
    // A run that outlives the function's timeout is killed by Lambda: its batch comes back too.
    if (world.now - started > params.functionTimeoutS * 1000)
      throw new Error(
        `a run took ${(world.now - started) / 1000} s, past the function's ${params.functionTimeoutS} s timeout`,
      );
    for (const m of batch) if (done || m.receives >= params.runQueue.maxReceives) queue.splice(queue.indexOf(m), 1);
    runs.push({ start: started, clean });
  }
  world.advanceTo(end);

  // Registrations before the writer port moved, per failover: from each failover start to the
  // first ModifyListener of the writer listener to a member group (or, for an instance, the writer's registration).
  let onPath = 0;
  for (const f of world.failovers.filter((x) => x.start >= t0 * 1000)) {
    const calls = log.calls.filter((c) => c.at >= f.start && !c.failed);
    if (s.proxy) {
      // No listener moves and no address changes with the database: every registration after the fault is on the path.
      onPath += calls.filter((c) => c.command === "RegisterTargetsCommand").length;
      continue;
    }
    if (s.kind === "instance") {
      // An instance has no listener to move: the new writer's address registered after the fault is the registration on the path.
      const newIp = f.toIp ?? world.instances.get(db)?.ip;
      onPath += calls.filter(
        (c) => c.command === "RegisterTargetsCommand" && (c.targets ?? []).includes(newIp ?? ""),
      ).length;
      continue;
    }
    // The fence is not a move to the writer: registrations while fenced are still on the path.
    const moved = calls.findIndex(
      (c) =>
        c.command === "ModifyListenerCommand" && c.listener === writerListener && memberGroups.includes(c.to ?? ""),
    );
    const upTo = moved >= 0 ? calls.slice(0, moved) : calls;
    onPath += upTo.filter((c) => c.command === "RegisterTargetsCommand").length;
  }
  const registered = reports.reduce((n, r) => n + (r.registrations ?? 0), 0);
  const targets = [...world.groups.values()].reduce(
    (n, g) => n + [...g.targets.values()].filter((t) => t.state !== "draining").length,
    0,
  );
  const recoveryAfterBurstS = bursts.map(([, to]) => {
    const next = runs.find((r) => r.start >= to * 1000 && r.clean);
    return next ? (next.start - to * 1000) / 1000 : Infinity;
  });
  return {
    scenario: s.name,
    registrationDelayS: params.registrationDelayS,
    listenerDelayS: params.listenerDelayS,
    events: eventTiming,
    seed,
    writerDarkS: counts.writerDark,
    writerWrongS: counts.writerWrong,
    nativeDarkS: counts.nativeDark,
    nativeWrongS: counts.nativeWrong,
    readerDarkS: counts.readerDark,
    readsToDownS: counts.readsToDown,
    readerOnWriterS: counts.readerOnWriter,
    failoverS: world.failovers.filter((f) => f.start >= t0 * 1000).map((f) => ((f.namedAt ?? end) - f.start) / 1000),
    failbacks: world.failovers.filter((f, i) =>
      world.failovers.slice(0, i).some((e) => e.from === f.to && f.start - e.start < params.rollback.windowS * 1000),
    ).length,
    registrationsOnFailoverPath: onPath,
    registrations: registered,
    listenerChanges: log.calls.filter((c) => c.at >= t0 * 1000 && c.command === "ModifyListenerCommand" && !c.failed)
      .length,
    emptyGroupS,
    registeredAfterT0: log.calls
      .filter((c) => c.at >= t0 * 1000 && c.command === "RegisterTargetsCommand" && !c.failed)
      .reduce((n, c) => n + (c.targets ?? []).length, 0),
    pool: { lifetime: pools.lifetime.report(), discardOnReadOnly: pools.discardOnReadOnly.report() },
    apiCalls: log.calls.filter((c) => c.at >= t0 * 1000).length,
    throttledCalls: log.calls.filter((c) => c.at >= t0 * 1000 && c.failed === "Throttling").length,
    runs: runs.length,
    failedRuns,
    fallbacks: reports.filter((r) => r.fallback).length,
    heldBatches,
    recoveryAfterBurstS,
    targets,
    intervals,
    reports,
  };
}
