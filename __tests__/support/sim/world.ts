// A deterministic model of the AWS that the failover function meets, on a virtual clock: an NLB
// (registration delay, TCP health checks whose verdict reaches the data plane late, fail-open,
// draining, deregistered targets that keep getting connections, listener changes that land late
// and switches back that reset) and RDS (clusters, instances, their states and restarts, the
// cluster endpoint's DNS with its TTL, API answers that may be stale, token-bucket throttling).
// Time only moves when the model is told to advance; every draw comes from one seeded
// generator. Every figure comes from params.ts, which cites its source.
import type { SimParams } from "./params";

export type Rng = () => number;

/** A small, fast, seeded generator (mulberry32): the same seed gives the same timeline. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type TargetState = "initial" | "healthy" | "unhealthy" | "draining" | "unused";

export interface SimTarget {
  readonly ip: string;
  readonly port: number;
  state: TargetState;
  reason?: string;
  ok: number;
  fail: number;
  nextCheckAt: number;
  drainUntil?: number;
  /** Every change of the checks' verdict, [time, healthy]: the data plane follows it late. */
  readonly verdicts: Array<[number, boolean]>;
}

export interface SimGroup {
  readonly arn: string;
  readonly role: "member" | "readerSet" | "fence";
  readonly targets: Map<string, SimTarget>;
  /** Targets deregistered that the data plane still sends new connections to, until `until`. */
  readonly ghosts: Array<{ readonly ip: string; readonly until: number }>;
}

export interface SimListener {
  readonly arn: string;
  readonly port: number;
  /** What DescribeListeners says: the API is consistent at once. */
  configured: string;
  /** What new connections follow: the data plane catches up after listenerDelayS. */
  effective: string;
  pending: Array<{ readonly group: string; readonly at: number }>;
  /** When the data plane last left each group. */
  readonly leftAt: Map<string, number>;
  /** A switch back to a recently left group: new connections fail inside this window (ms). */
  resetWindow?: [number, number];
}

/** A network address that accepts TCP connections, or not. */
export interface Host {
  readonly ip: string;
  readonly az: string;
  /** Accepts connections unless inside one of these [from, to) windows (ms). */
  readonly down: Array<[number, number]>;
  /** A standby that takes no connections until it is promoted (Multi-AZ DB instance). */
  standby?: boolean;
  /** The security group of the RDS network interface at this address; absent: not an RDS interface. */
  rdsGroup?: string;
}

export interface SimInstance {
  id: string;
  ip: string;
  status: string;
  tier: number;
  clusterId?: string;
  /** Multi-AZ DB instance: the standby's zone, as DescribeDBInstances' SecondaryAvailabilityZone. */
  secondaryAz?: string;
  /** DbiResourceId: it stays with the instance through a rename. Default: derived from the identifier. */
  resourceId?: string;
}

/** A Blue/Green deployment as DescribeBlueGreenDeployments shows it. */
export interface SimDeployment {
  readonly id: string;
  status: string;
  /** The source (blue) and target (green) clusters, by identifier; both follow the rename, as moto's do. */
  source: string;
  target: string;
  /** Member pairs [source, target] by identifier, as SwitchoverDetails lists them. */
  pairs: Array<[string, string]>;
}

/**
 * An RDS Proxy in front of the database (params.ts SOURCES.proxy): its endpoints' A records
 * over time (each a set of interface addresses), and the writer it follows, late by
 * params.proxyFollowS.
 */
export interface SimProxy {
  readonly name: string;
  status: string;
  /** The read/write (default) endpoint's records, and the read-only endpoint's when there is one: [from ms, ips]. */
  readonly records: { readonly default: Array<[number, string[]]>; readonly readOnly?: Array<[number, string[]]> };
}

export interface SimCluster {
  readonly id: string;
  /** DbClusterResourceId: a green cluster that takes the name keeps its own. Default: derived from the identifier. */
  resourceId?: string;
  status: string;
  writer: string | null;
  members: string[];
  /** Set when the cluster replicates from elsewhere (a global database's secondary). */
  replicationSource?: string;
  /** The writer before the last change: what a stale DescribeDBClusters answer names. */
  previousWriter?: string | null;
}

export interface RdsEvent {
  readonly id: string;
  readonly sourceType: "cluster" | "instance" | "blue-green-deployment";
  readonly sourceId: string;
  readonly at: number;
}

/** A failover as the scenario scripted it: when it started and when RDS named the new writer (ms). */
export interface Failover {
  readonly start: number;
  /** The writer before, and the member RDS promotes. */
  readonly from: string;
  readonly to: string;
  namedAt?: number;
  /** Multi-AZ DB instance: the address the instance moves to. */
  readonly toIp?: string;
}

/**
 * Waits on the model's clock. Every wait of the function (a poll, a retry's backoff, an API
 * call's latency) is a timer here, so calls that run at once in Lambda also wait at once in the
 * model. `drive` runs a promise to its end, moving the clock to each next timer whenever
 * everything else waits.
 */
export class VirtualTimers {
  private readonly timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;

  constructor(private readonly world: SimWorld) {}

  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => this.timers.push({ at: this.world.now + Math.max(0, ms), seq: this.seq++, resolve }));

  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      // Every microtask has run by the next turn of the event loop: what is left waits on a timer,
      // or (the first time a code path runs) on a module being loaded, which takes real time.
      await new Promise((r) => setImmediate(r));
      for (let waited = 0; !settled && this.timers.length === 0 && waited < 5000; waited++)
        await new Promise((r) => setTimeout(r, 1));
      if (settled) return work;
      if (this.timers.length === 0) throw new Error("the simulated run waits on nothing the model knows");
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const at = this.timers[0].at;
      this.world.advanceTo(at);
      while (this.timers.length > 0 && this.timers[0].at === at) this.timers.shift()!.resolve();
    }
  }
}

export class SimWorld {
  now = 0;
  readonly hosts = new Map<string, Host>();
  readonly instances = new Map<string, SimInstance>();
  readonly clusters = new Map<string, SimCluster>();
  readonly deployments = new Map<string, SimDeployment>();
  /** Instance endpoints whose record moved (a Blue/Green rename): [from, ip] in order; DNS may answer one TTL old. */
  readonly instanceRecords = new Map<string, Array<[number, string]>>();
  readonly groups = new Map<string, SimGroup>();
  readonly listeners = new Map<string, SimListener>();
  /** Zones the NLB enables (by name, as DescribeDBInstances reports AvailabilityZone). */
  readonly zones = new Set<string>();
  readonly events: RdsEvent[] = [];
  readonly failovers: Failover[] = [];
  /** The cluster endpoint's A record over time: [from ms, ip]. */
  readonly endpointRecord: Array<[number, string]> = [];
  /** The proxy in front of the database, in a scenario of RDS Proxy mode. */
  proxy?: SimProxy;
  /** The writer the proxy has seen, sampled each second by followWriter: since when, and the one before. */
  private proxyView: { current: string | null; previous: string | null; since: number } = {
    current: null,
    previous: null,
    since: 0,
  };
  /** Times (ms) at or after which the next DescribeDBClusters answer is stale (names the previous writer). */
  readonly staleReads: number[] = [];
  private readonly actions: Array<{ at: number; seq: number; run: () => void }> = [];
  private seq = 0;
  /** Called at every whole second the clock passes, before anything else happens at it. */
  onSecond: (second: number) => void = () => undefined;
  private nextSecond = 0;

  constructor(
    readonly params: SimParams,
    readonly rng: Rng,
  ) {}

  // ---------- time ----------

  /** Runs fn at `seconds` of virtual time. */
  at(seconds: number, run: () => void): void {
    this.actions.push({ at: Math.round(seconds * 1000), seq: this.seq++, run });
  }

  advance(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  advanceTo(target: number): void {
    for (;;) {
      const action = this.nextAction();
      const check = this.nextCheck();
      const next = Math.min(action?.at ?? Infinity, check, this.nextSecond);
      if (next > target) break;
      this.now = Math.max(this.now, next);
      this.settleListeners();
      if (next === this.nextSecond) {
        this.onSecond(this.nextSecond / 1000);
        this.nextSecond += 1000;
      } else if (action && action.at === next) {
        this.actions.splice(this.actions.indexOf(action), 1);
        action.run();
      } else {
        this.runChecks(next);
      }
    }
    this.now = Math.max(this.now, target);
    this.settleListeners();
  }

  private nextAction() {
    let best: { at: number; seq: number; run: () => void } | undefined;
    for (const a of this.actions) if (!best || a.at < best.at || (a.at === best.at && a.seq < best.seq)) best = a;
    return best;
  }

  private nextCheck(): number {
    let best = Infinity;
    for (const g of this.groups.values()) {
      for (const t of g.targets.values()) {
        if (t.state === "draining") best = Math.min(best, t.drainUntil ?? Infinity);
        else if (t.state !== "unused") best = Math.min(best, t.nextCheckAt);
      }
    }
    for (const l of this.listeners.values()) for (const p of l.pending) best = Math.min(best, p.at);
    return best;
  }

  // ---------- the NLB: control plane ----------

  hostUp(ip: string, at = this.now): boolean {
    const h = this.hosts.get(ip);
    return !!h && !h.standby && !h.down.some(([from, to]) => at >= from && at < to);
  }

  private zoneOf(ip: string): string | undefined {
    return this.hosts.get(ip)?.az;
  }

  private runChecks(at: number): void {
    const p = this.params;
    for (const g of this.groups.values()) {
      for (const [key, t] of [...g.targets]) {
        if (t.state === "draining") {
          if ((t.drainUntil ?? Infinity) <= at) g.targets.delete(key);
          continue;
        }
        if (t.state === "unused" || t.nextCheckAt > at) continue;
        t.nextCheckAt = at + p.healthCheckIntervalS * 1000;
        const wasHealthy = t.state === "healthy";
        if (this.hostUp(t.ip, at)) {
          t.ok++;
          t.fail = 0;
          if (t.ok >= p.healthyThreshold && t.state !== "healthy") {
            t.state = "healthy";
            t.reason = undefined;
          } else if (t.state === "initial") t.reason = "Elb.InitialHealthChecking";
        } else {
          t.fail++;
          t.ok = 0;
          if (t.fail >= p.unhealthyThreshold && t.state !== "unhealthy") {
            t.state = "unhealthy";
            t.reason = "Target.FailedHealthChecks";
          } else if (t.state === "initial") t.reason = "Elb.InitialHealthChecking";
        }
        if ((t.state === "healthy") !== wasHealthy || t.verdicts.length === 0)
          t.verdicts.push([at, t.state === "healthy"]);
      }
    }
  }

  private settleListeners(): void {
    for (const l of this.listeners.values()) {
      while (l.pending.length > 0 && l.pending[0].at <= this.now) {
        const { group, at } = l.pending.shift()!;
        if (group === l.effective) continue;
        l.leftAt.set(l.effective, at);
        const left = l.leftAt.get(group);
        // A switch back to a group this listener left a short while ago: reported to work for
        // 10-20 s, then reset and time out for 30 s or more (params.ts: rollback).
        const r = this.params.rollback;
        l.resetWindow =
          left !== undefined && at - left < r.windowS * 1000
            ? [at + r.okS * 1000, at + (r.okS + r.failS) * 1000]
            : undefined;
        l.effective = group;
      }
    }
  }

  addGroup(arn: string, role: SimGroup["role"]): void {
    this.groups.set(arn, { arn, role, targets: new Map(), ghosts: [] });
  }

  addListener(arn: string, port: number, group: string): void {
    this.listeners.set(arn, { arn, port, configured: group, effective: group, pending: [], leftAt: new Map() });
  }

  register(groupArn: string, ip: string, port: number): void {
    const g = this.group(groupArn);
    const key = `${ip}:${port}`;
    const existing = g.targets.get(key);
    if (existing && existing.state !== "draining") return; // RegisterTargets is idempotent
    const zone = this.zoneOf(ip);
    const unused = zone !== undefined && !this.zones.has(zone);
    const phase = Math.floor(this.rng() * this.params.healthCheckIntervalS * 1000);
    g.targets.set(key, {
      ip,
      port,
      state: unused ? "unused" : "initial",
      reason: unused ? "Target.NotInUse" : "Elb.RegistrationInProgress",
      ok: 0,
      fail: 0,
      nextCheckAt: this.now + this.params.registrationDelayS * 1000 + phase,
      verdicts: [],
    });
  }

  deregister(groupArn: string, ip: string, port: number): void {
    const g = this.group(groupArn);
    const key = `${ip}:${port}`;
    const t = g.targets.get(key);
    if (!t) return;
    // New connections keep reaching a deregistered target for about two minutes, whatever the
    // deregistration delay (params.ts: deregisteredTrafficS).
    if (this.routable(t, this.now)) g.ghosts.push({ ip, until: this.now + this.params.deregisteredTrafficS * 1000 });
    const delay =
      (g.role === "member" ? this.params.deregistrationDelayS.member : this.params.deregistrationDelayS.readerSet) *
      1000;
    if (delay === 0) g.targets.delete(key);
    else {
      t.state = "draining";
      t.reason = "Target.DeregistrationInProgress";
      t.drainUntil = this.now + delay;
    }
  }

  modifyListener(arn: string, group: string): void {
    const l = this.listeners.get(arn);
    if (!l) throw new Error(`listener ${arn} not found`);
    this.group(group);
    l.configured = group;
    l.pending.push({ group, at: this.now + this.params.listenerDelayS * 1000 });
    this.settleListeners();
  }

  group(arn: string): SimGroup {
    const g = this.groups.get(arn);
    if (!g)
      throw Object.assign(new Error(`One or more target groups not found`), {
        name: "TargetGroupNotFoundException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      });
    return g;
  }

  /** Targets the API calls healthy now. */
  healthyIps(groupArn: string): string[] {
    return [...this.group(groupArn).targets.values()].filter((t) => t.state === "healthy").map((t) => t.ip);
  }

  // ---------- the NLB: data plane ----------

  /** Registration completed, in an enabled zone, not drained away: the data plane knows the target. */
  private routable(t: SimTarget, at: number): boolean {
    return t.verdicts.length > 0 && t.state !== "unused" && !(t.state === "draining" && (t.drainUntil ?? 0) <= at);
  }

  /** The verdict the data plane acts on at `at`: the checks' verdict of healthLagS ago. */
  private dataPlaneHealthy(t: SimTarget, at: number): boolean {
    if (t.state === "draining") return false;
    const seen = at - this.params.healthLagS * 1000;
    let healthy = false;
    for (const [when, verdict] of t.verdicts) if (when <= seen) healthy = verdict;
    return healthy;
  }

  /**
   * Where a new connection to this listener may go at `at`: the group the data plane follows,
   * its targets that the data plane deems healthy, or every known target when none is (fail
   * open); nothing at all for an empty group or inside a switch-back's reset window.
   */
  route(listenerArn: string, at = this.now): string[] {
    const l = this.listeners.get(listenerArn)!;
    if (l.resetWindow && at >= l.resetWindow[0] && at < l.resetWindow[1]) return [];
    const g = this.group(l.effective);
    const known = [...g.targets.values()].filter((t) => this.routable(t, at));
    const ghosts = g.ghosts.filter((x) => x.until > at).map((x) => x.ip);
    const healthy = [...known.filter((t) => this.dataPlaneHealthy(t, at)).map((t) => t.ip), ...ghosts];
    if (healthy.length > 0) return [...new Set(healthy)];
    return [...new Set(known.map((t) => t.ip))];
  }

  // ---------- RDS ----------

  addHost(ip: string, az: string, standby = false): void {
    this.hosts.set(ip, { ip, az, down: [], standby });
  }

  /** The host at ip takes no connections for `seconds` from `from` (default: now). */
  restart(ip: string, seconds: number, from = this.now): void {
    this.hosts.get(ip)?.down.push([from, from + seconds * 1000]);
  }

  /** Called for every event RDS emits, at the moment it emits it. */
  onEvent: (e: RdsEvent) => void = () => undefined;

  emit(id: string, sourceType: RdsEvent["sourceType"], sourceId: string): void {
    const e = { id, sourceType, sourceId, at: this.now };
    this.events.push(e);
    this.onEvent(e);
  }

  /** The database's VPC and security group, and a subnet per zone: what a Multi-AZ instance's standby is found by. */
  static readonly VPC = "vpc-0sim0database";
  static readonly DATABASE_GROUP = "sg-0sim0database";
  static subnet(az: string): string {
    return `subnet-0sim0${az.slice(-2)}`;
  }

  /** The instance's own endpoint address, as DescribeDBInstances gives it. */
  static address(instance: string): string {
    return `${instance}.c0sim0example.us-east-1.rds.amazonaws.com`;
  }

  /** The cluster (writer) endpoint's address, as DescribeDBClusters gives it. */
  static clusterAddress(cluster: string): string {
    return `${cluster}.cluster-c0sim0example.us-east-1.rds.amazonaws.com`;
  }

  /** Names a new writer: the API says so at once, and the cluster endpoint's record moves with it. */
  nameWriter(clusterId: string, writer: string | null): void {
    const c = this.clusters.get(clusterId)!;
    if (c.writer !== writer) c.previousWriter = c.writer;
    c.writer = writer;
    const ip = writer ? this.instances.get(writer)?.ip : undefined;
    if (ip) this.endpointRecord.push([this.now, ip]);
    const open = this.failovers.find((f) => f.namedAt === undefined);
    if (open && writer) open.namedAt = this.now;
  }

  /** The cluster endpoint's record at `at`. */
  endpointIp(at: number): string | undefined {
    let ip: string | undefined;
    for (const [from, value] of this.endpointRecord) if (from <= at) ip = value;
    return ip;
  }

  /** Every IP a client that caches the record for its TTL may use at `at`. */
  endpointIpsCached(at: number): string[] {
    const ttl = this.params.dnsTtlS * 1000;
    const ips = new Set<string>();
    const now = this.endpointIp(at);
    if (now) ips.add(now);
    for (const [from, value] of this.endpointRecord) if (from > at - ttl && from <= at) ips.add(value);
    const before = this.endpointIp(at - ttl);
    if (before) ips.add(before);
    return [...ips];
  }

  /**
   * DNS as the function's resolver answers: an instance's current IP, or the cluster
   * endpoint's record as some cache of up to one TTL holds it.
   */
  resolve(address: string): string {
    const history = this.instanceRecords.get(address);
    if (history) {
      // A renamed endpoint: as some cache of up to one TTL holds its record (the same rule as the cluster endpoint's).
      const at = this.now - Math.floor(this.rng() * this.params.dnsTtlS * 1000);
      let ip: string | undefined;
      for (const [from, value] of history) if (from <= at) ip = value;
      if (ip && [...this.instances.values()].some((i) => SimWorld.address(i.id) === address)) return ip;
    }
    for (const i of this.instances.values()) if (SimWorld.address(i.id) === address) return i.ip;
    for (const c of this.clusters.values()) {
      if (SimWorld.clusterAddress(c.id) !== address) continue;
      const ip = this.endpointIp(this.now - Math.floor(this.rng() * this.params.dnsTtlS * 1000));
      if (ip) return ip;
    }
    throw Object.assign(new Error(`queryA ENOTFOUND ${address}`), { code: "ENOTFOUND" });
  }

  // ---------- RDS Proxy ----------

  /** Where the proxy sends a connection during a Blue/Green switchover: blue, which takes no write (never the writer). */
  static readonly BLUE_READ_ONLY = "blue, switching over (read-only)";

  static proxyAddress(name: string): string {
    return `${name}.proxy-c0sim0example.us-east-1.rds.amazonaws.com`;
  }

  static proxyReadOnlyAddress(name: string): string {
    return `${name}-ro.endpoint.proxy-c0sim0example.us-east-1.rds.amazonaws.com`;
  }

  /** An endpoint's A records at `at`. */
  static recordsAt(records: ReadonlyArray<[number, string[]]>, at: number): string[] {
    let ips: string[] = [];
    for (const [from, value] of records) if (from <= at) ips = value;
    return ips;
  }

  /** The proxy's endpoint answers with these addresses from now on (a scaling or maintenance event). */
  moveProxyEndpoint(endpoint: "default" | "readOnly", ips: string[]): void {
    this.proxy?.records[endpoint]?.push([this.now, ips]);
  }

  /** What the proxy knows of the writer: called once a second, before anything is measured. */
  followWriter(db: string, at: number): void {
    const w = this.writer(db);
    const ip = w && w.status !== "deleting" ? w.ip : null;
    if (ip !== null && ip !== this.proxyView.current)
      this.proxyView = { current: ip, previous: this.proxyView.current, since: at };
  }

  /**
   * Where the proxy sends a new connection at `at`, or null when it holds it: while RDS names no
   * writer, or the one it sends to is down, it queues the request; for proxyFollowS after a new writer is named (how long it takes
   * to notice is unknown) it still sends to the writer it knew, while that node is up, as the
   * Blue/Green page documents for switchovers (harsher than the failover pages); then the new writer.
   */
  proxyWriter(db: string, at: number): string | null {
    if (this.writer(db) === null || this.proxyView.current === null) return null;
    // "RDS Proxy continues routing connections to the blue database during this transitional
    // period": writes fail there (read-only errors, or PostgreSQL's AdminShutdown).
    const switching = [...this.deployments.values()].some((d) => d.status === "SWITCHOVER_IN_PROGRESS");
    if (switching && this.proxyView.current !== null && this.hostUp(this.proxyView.current, at))
      return SimWorld.BLUE_READ_ONLY;
    const v = this.proxyView;
    const node = at - v.since < this.params.proxyFollowS * 1000 ? v.previous : v.current;
    // A writer that is down (restarting, failing over) takes nothing: the proxy queues the request.
    return node !== null && this.hostUp(node, at) ? node : null;
  }

  /** The proxy's read-only endpoint passes connections to the cluster's readers that are up; with none, to the writer. */
  proxyReaders(db: string, at: number): string[] {
    const writer = this.proxyWriter(db, at);
    const c = this.clusters.get(db);
    const readers = (c?.members ?? [])
      .map((m) => this.instances.get(m)?.ip)
      .filter((ip): ip is string => ip !== undefined && ip !== this.proxyView.current && this.hostUp(ip, at));
    return readers.length > 0 ? readers : writer === null ? [] : [writer];
  }

  /** Every address a name resolves to, as some cache of up to one TTL holds it: a proxy endpoint's set, else resolve's one. */
  resolveAll(address: string): string[] {
    const p = this.proxy;
    const records =
      p === undefined
        ? undefined
        : address === SimWorld.proxyAddress(p.name)
          ? p.records.default
          : address === SimWorld.proxyReadOnlyAddress(p.name)
            ? p.records.readOnly
            : undefined;
    if (!records) return [this.resolve(address)];
    const ips = SimWorld.recordsAt(records, this.now - Math.floor(this.rng() * this.params.dnsTtlS * 1000));
    if (ips.length === 0) throw Object.assign(new Error(`queryA ENOTFOUND ${address}`), { code: "ENOTFOUND" });
    return ips;
  }

  /** The writer per RDS now: null while a cluster fails over or has none. */
  writer(clusterOrInstance: string): SimInstance | null {
    const c = this.clusters.get(clusterOrInstance);
    if (!c) return this.instances.get(clusterOrInstance) ?? null;
    if (c.status === "failing-over" || !c.writer) return null;
    return this.instances.get(c.writer) ?? null;
  }
}
