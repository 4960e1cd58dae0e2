// A deterministic model of the AWS that the failover function meets: an NLB (registration
// delay, TCP health checks, draining, listener changes that take effect late, zones it does not
// enable) and RDS (clusters, instances, their states and restarts), on a virtual clock. Time
// only moves when the model is told to advance; every draw comes from one seeded generator.
import { SimParams } from "./params";

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
}

export interface SimGroup {
  readonly arn: string;
  readonly role: "member" | "readerSet";
  readonly targets: Map<string, SimTarget>;
}

export interface SimListener {
  readonly arn: string;
  readonly port: number;
  /** What DescribeListeners says: the API is consistent at once. */
  configured: string;
  /** What new connections follow: the data plane catches up after listenerDelayS. */
  effective: string;
  pending?: { readonly group: string; readonly at: number };
}

/** A network address that accepts TCP connections, or not. */
export interface Host {
  readonly ip: string;
  readonly az: string;
  /** Accepts connections unless inside one of these [from, to) windows (ms). */
  readonly down: Array<[number, number]>;
  /** A standby that takes no connections until it is promoted (Multi-AZ DB instance). */
  standby?: boolean;
}

export interface SimInstance {
  id: string;
  ip: string;
  status: string;
  tier: number;
  clusterId?: string;
}

export interface SimCluster {
  readonly id: string;
  status: string;
  writer: string | null;
  members: string[];
  /** Set when the cluster replicates from elsewhere (a global database's secondary). */
  replicationSource?: string;
}

export interface RdsEvent {
  readonly id: string;
  readonly sourceType: "cluster" | "instance";
  readonly sourceId: string;
  readonly at: number;
}

export class SimWorld {
  now = 0;
  readonly hosts = new Map<string, Host>();
  readonly instances = new Map<string, SimInstance>();
  readonly clusters = new Map<string, SimCluster>();
  readonly groups = new Map<string, SimGroup>();
  readonly listeners = new Map<string, SimListener>();
  /** Zones the NLB enables (by name, as DescribeDBInstances reports AvailabilityZone). */
  readonly zones = new Set<string>();
  readonly events: RdsEvent[] = [];
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
    this.actions.push({ at: seconds * 1000, seq: this.seq++, run });
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
    for (const l of this.listeners.values()) if (l.pending) best = Math.min(best, l.pending.at);
    return best;
  }

  // ---------- the NLB ----------

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
        const passed = this.hostUp(t.ip, at);
        if (passed) {
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
      }
    }
    this.settleListeners();
  }

  private settleListeners(): void {
    for (const l of this.listeners.values()) {
      if (l.pending && l.pending.at <= this.now) {
        l.effective = l.pending.group;
        l.pending = undefined;
      }
    }
  }

  addGroup(arn: string, role: SimGroup["role"]): void {
    this.groups.set(arn, { arn, role, targets: new Map() });
  }

  addListener(arn: string, port: number, group: string): void {
    this.listeners.set(arn, { arn, port, configured: group, effective: group });
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
    });
  }

  deregister(groupArn: string, ip: string, port: number): void {
    const g = this.group(groupArn);
    const key = `${ip}:${port}`;
    const t = g.targets.get(key);
    if (!t) return;
    const delay = (g.role === "member" ? this.params.deregistrationDelayS.member : this.params.deregistrationDelayS.readerSet) * 1000;
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
    if (this.params.listenerDelayS === 0) {
      l.effective = group;
      l.pending = undefined;
    } else l.pending = { group, at: this.now + this.params.listenerDelayS * 1000 };
  }

  group(arn: string): SimGroup {
    const g = this.groups.get(arn);
    if (!g) throw Object.assign(new Error(`One or more target groups not found`), { name: "TargetGroupNotFoundException", $fault: "client", $metadata: { httpStatusCode: 400 } });
    return g;
  }

  healthyIps(groupArn: string): string[] {
    return [...this.group(groupArn).targets.values()].filter((t) => t.state === "healthy").map((t) => t.ip);
  }

  // ---------- RDS ----------

  addHost(ip: string, az: string, standby = false): void {
    this.hosts.set(ip, { ip, az, down: [], standby });
  }

  /** The host at ip takes no connections for `seconds` from now (a restart). */
  restart(ip: string, seconds: number): void {
    this.hosts.get(ip)?.down.push([this.now, this.now + seconds * 1000]);
  }

  /** Called for every event RDS emits, at the moment it emits it. */
  onEvent: (e: RdsEvent) => void = () => undefined;

  emit(id: string, sourceType: RdsEvent["sourceType"], sourceId: string): void {
    const e = { id, sourceType, sourceId, at: this.now };
    this.events.push(e);
    this.onEvent(e);
  }

  /** The instance's own endpoint address, as DescribeDBInstances gives it. */
  static address(instance: string): string {
    return `${instance}.c0sim0example.us-east-1.rds.amazonaws.com`;
  }

  /** DNS for an instance address: its current IP. */
  resolve(address: string): string {
    for (const i of this.instances.values()) if (SimWorld.address(i.id) === address) return i.ip;
    throw Object.assign(new Error(`queryA ENOTFOUND ${address}`), { code: "ENOTFOUND" });
  }

  /** The writer per RDS now: null while a cluster fails over or has none. */
  writer(clusterOrInstance: string): SimInstance | null {
    const c = this.clusters.get(clusterOrInstance);
    if (!c) return this.instances.get(clusterOrInstance) ?? null;
    if (c.status === "failing-over" || !c.writer) return null;
    return this.instances.get(c.writer) ?? null;
  }
}
