// What AWS does to a share, as scripts on the simulated world. Each timeline follows AWS's docs
// where they give one (params.ts SOURCES says which); where they do not, the figure is marked.
import { Scenario, MemberSpec } from "./run";
import { SimWorld } from "./world";

const A: MemberSpec = { id: "orders-a", ip: "10.0.1.11", az: "us-east-1a", tier: 1 };
const B: MemberSpec = { id: "orders-b", ip: "10.0.2.22", az: "us-east-1b", tier: 1 };
const C: MemberSpec = { id: "orders-c", ip: "10.0.3.33", az: "us-east-1c", tier: 1 };
const D: MemberSpec = { id: "orders-d", ip: "10.0.1.44", az: "us-east-1a", tier: 2 };
const E: MemberSpec = { id: "orders-e", ip: "10.0.2.55", az: "us-east-1b", tier: 2 };
const F: MemberSpec = { id: "orders-f", ip: "10.0.3.66", az: "us-east-1c", tier: 2 };

const instance = (w: SimWorld, id: string) => w.instances.get(id)!;

export interface FailoverTimeline {
  /** Seconds from the start until the API names the new writer ("Completed failover"). */
  readonly namedS: number;
  /** The promoted instance's restart, [from, to) seconds after the start; null: it does not restart. */
  readonly promotedDown: readonly [number, number] | null;
  /** The old writer's restart as a reader, [from, to) seconds after the start. */
  readonly oldWriterDown: readonly [number, number];
  /** Every other reader restarts with the old writer (older engines). */
  readonly readersRestart?: boolean;
  /** The old writer comes back with this IP (a Multi-AZ DB cluster replaces the instance). */
  readonly oldWriterNewIp?: string;
}

/** Aurora's documented timeline: the docdb describe-events example (params.ts SOURCES.auroraFailover). */
export const AURORA_TIMELINE: FailoverTimeline = { namedS: 23.7, promotedDown: [0, 11.0], oldWriterDown: [14.1, 21.5] };

/** A cluster failover: failing-over, the restarts, the new writer named, the events RDS emits. */
export function clusterFailover(w: SimWorld, db: string, to: string, at: number, timeline: FailoverTimeline = AURORA_TIMELINE): void {
  let old = "";
  const ms = (s: number) => at * 1000 + s * 1000;
  w.at(at, () => {
    const c = w.clusters.get(db)!;
    old = c.writer!;
    c.status = "failing-over";
    w.failovers.push({ start: w.now, from: old, to });
    w.emit("RDS-EVENT-0073", "cluster", db);
    const [from, to2] = timeline.oldWriterDown;
    w.restart(instance(w, old).ip, to2 - from, ms(from));
    if (timeline.readersRestart) for (const m of c.members) if (m !== old && m !== to) w.restart(instance(w, m).ip, to2 - from, ms(from));
    if (timeline.promotedDown) w.restart(instance(w, to).ip, timeline.promotedDown[1] - timeline.promotedDown[0], ms(timeline.promotedDown[0]));
  });
  w.at(at + timeline.oldWriterDown[0], () => {
    instance(w, old).status = "rebooting";
    if (timeline.oldWriterNewIp) {
      // Terminated and replaced: the old IP is gone for good, the replacement starts down.
      w.restart(instance(w, old).ip, 1e6);
      const az = w.hosts.get(instance(w, old).ip)!.az;
      w.addHost(timeline.oldWriterNewIp, az);
      w.restart(timeline.oldWriterNewIp, timeline.oldWriterDown[1] - timeline.oldWriterDown[0]);
      instance(w, old).ip = timeline.oldWriterNewIp;
    }
  });
  w.at(at + timeline.namedS, () => {
    const c = w.clusters.get(db)!;
    c.status = "available";
    w.nameWriter(db, to);
    w.emit("RDS-EVENT-0071", "cluster", db);
  });
  w.at(at + Math.max(timeline.oldWriterDown[1], timeline.namedS), () => {
    instance(w, old).status = "available";
  });
}

/** Aurora's failover on the documented timeline. */
export function auroraFailover(w: SimWorld, db: string, to: string, at: number, timeline: Partial<FailoverTimeline> = {}): void {
  clusterFailover(w, db, to, at, { ...AURORA_TIMELINE, ...timeline });
}

/** Multi-AZ DB cluster: the writer is terminated, a readable standby is named after 35 s; the old writer returns as a reader with a new IP at 90 s. */
export function multiAzClusterFailover(w: SimWorld, db: string, to: string, at: number, newIp: string): void {
  clusterFailover(w, db, to, at, { namedS: 35, promotedDown: null, oldWriterDown: [0, 90], oldWriterNewIp: newIp });
}

/** An instance that is modified: `modifying` for a while, then an outage at the end (a class change). */
export function modifyInstance(w: SimWorld, id: string, at: number, modifyingS = 300, outageS = 60): void {
  w.at(at, () => {
    instance(w, id).status = "modifying";
    w.emit("RDS-EVENT-0012", "instance", id);
  });
  w.at(at + modifyingS - outageS, () => w.restart(instance(w, id).ip, outageS));
  w.at(at + modifyingS, () => {
    instance(w, id).status = "available";
    w.emit("RDS-EVENT-0014", "instance", id);
  });
}

/** RebootDBInstance: rebooting, down at once, "DB instance restarted" at the end. */
export function rebootInstance(w: SimWorld, id: string, at: number, downS = 30): void {
  w.at(at, () => {
    instance(w, id).status = "rebooting";
    w.restart(instance(w, id).ip, downS);
  });
  w.at(at + downS, () => {
    instance(w, id).status = "available";
    w.emit("RDS-EVENT-0006", "instance", id);
  });
}

function statusFor(w: SimWorld, id: string, status: string, at: number, forS: number): void {
  w.at(at, () => (instance(w, id).status = status));
  w.at(at + forS, () => (instance(w, id).status = "available"));
}

const cluster = (name: string, members: MemberSpec[], script: Scenario["script"], extra: Partial<Scenario> = {}): Scenario => ({ name, kind: "cluster", members, script, watchS: 600, ...extra });

/** Every call throttled from `from` for `forS` seconds after t0 + at: another caller drained the account's buckets. */
const bursts = (...windows: Array<[number, number]>) => windows;

/** The cluster scenarios: in each of them both targets hold (see __tests__/sim/failover.test.ts). */
export const CLUSTER_SCENARIOS: Scenario[] = [
  cluster("Aurora failover, writer and one reader (the demo)", [A, B], (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30)),
  cluster("Aurora failover, three members", [A, B, C], (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30)),
  cluster("Aurora failover, then a failback inside the registration delay", [A, B], (w, t0, db) => {
    auroraFailover(w, db, B.id, t0 + 30);
    auroraFailover(w, db, A.id, t0 + 150);
  }),
  cluster("Aurora failover, then a failback inside the registration delay, three members", [A, B, C], (w, t0, db) => {
    auroraFailover(w, db, C.id, t0 + 30);
    auroraFailover(w, db, A.id, t0 + 150);
  }),
  cluster("Aurora failover, every reader restarting with the writer (older engines)", [A, B, C], (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30, { readersRestart: true })),
  cluster("Aurora failover, a stale DescribeDBClusters answer naming the old writer after it, four members", [A, B, C, D], (w, t0, db) => {
    auroraFailover(w, db, B.id, t0 + 30);
    // Answers given after the failover that name orders-a again: two in a row shortly after (a
    // watching run's poll and the full read it makes on the change), one alone later.
    w.at(t0 + 60, () => w.staleReads.push(w.now, w.now));
    w.at(t0 + 200, () => w.staleReads.push(w.now));
  }),
  cluster("Aurora failovers under throttling bursts of 30 s, 100 s and 30 s", [A, B, C], (w, t0, db) => {
    auroraFailover(w, db, B.id, t0 + 30);
    auroraFailover(w, db, C.id, t0 + 330);
    auroraFailover(w, db, A.id, t0 + 630);
  }, { watchS: 1000, faults: { throttleBursts: bursts([30, 60], [330, 430], [630, 660]), serverError: 0.02 } }),
  cluster("a writer class change that fails over", [A, B, C], (w, t0, db) => {
    w.at(t0 + 30, () => {
      instance(w, A.id).status = "modifying";
      w.emit("RDS-EVENT-0012", "instance", A.id);
    });
    auroraFailover(w, db, B.id, t0 + 240);
  }),
  cluster("Multi-AZ DB cluster failover, the old writer returning with a new IP", [A, B, C], (w, t0, db) => multiAzClusterFailover(w, db, C.id, t0 + 30, "10.0.1.99")),
  cluster("a reader in modifying (class change), writer and one reader", [A, B], (w, t0) => modifyInstance(w, B.id, t0 + 30)),
  cluster("a reader in modifying (class change), three members", [A, B, C], (w, t0) => modifyInstance(w, B.id, t0 + 30)),
  cluster("a reader rebooting, three members", [A, B, C], (w, t0) => rebootInstance(w, B.id, t0 + 30)),
  cluster("transient states that keep serving: backing-up, configuring-*, upgrading, maintenance", [A, B, C], (w, t0) => {
    statusFor(w, A.id, "backing-up", t0 + 30, 300);
    statusFor(w, B.id, "configuring-enhanced-monitoring", t0 + 60, 120);
    statusFor(w, C.id, "upgrading", t0 + 90, 200);
    statusFor(w, B.id, "maintenance", t0 + 400, 100);
  }),
  cluster("a reader added", [A, B], (w, t0, db) => {
    w.at(t0 + 30, () => {
      w.addHost(C.ip, C.az);
      w.instances.set(C.id, { id: C.id, ip: C.ip, status: "creating", tier: 1, clusterId: db });
      w.clusters.get(db)!.members.push(C.id);
      w.restart(C.ip, 240);
    });
    w.at(t0 + 270, () => {
      instance(w, C.id).status = "available";
      w.emit("RDS-EVENT-0005", "instance", C.id);
    });
  }, { slots: 3, zones: ["us-east-1a", "us-east-1b", "us-east-1c"] }),
  cluster("a reader removed", [A, B, C], (w, t0, db) => {
    w.at(t0 + 30, () => (instance(w, C.id).status = "deleting"));
    w.at(t0 + 90, () => {
      w.restart(C.ip, 100_000);
      const c = w.clusters.get(db)!;
      c.members = c.members.filter((m) => m !== C.id);
      w.instances.delete(C.id);
      w.emit("RDS-EVENT-0003", "instance", C.id);
    });
  }),
  cluster("a reader replaced with a new IP", [A, B, C], (w, t0) => {
    w.at(t0 + 30, () => {
      w.addHost("10.0.2.99", B.az);
      w.restart("10.0.2.99", 60);
      w.restart(B.ip, 100_000);
      instance(w, B.id).ip = "10.0.2.99";
      instance(w, B.id).status = "modifying";
    });
    w.at(t0 + 90, () => {
      instance(w, B.id).status = "available";
      w.emit("RDS-EVENT-0006", "instance", B.id);
    });
  }),
  cluster("Aurora failover with events duplicated and reordered", [A, B, C], (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30), { eventFaults: { duplicate: 1, reorderS: 40 } }),
  cluster("a reader in a zone the NLB does not enable", [A, B, C], (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30), { zones: ["us-east-1a", "us-east-1b"] }),
  cluster("Aurora failover, six members, to the best candidate (tier 1)", [A, B, C, D, E, F], (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30)),
  cluster("Aurora failover, six members, to a member whose reader set is not kept warm (tier 2)", [A, B, C, D, E, F], (w, t0, db) => auroraFailover(w, db, E.id, t0 + 30)),
];

/** Blue/Green switchover: blue renamed -old1 (read-only, still up), green takes the names. */
export function blueGreenSwitchover(w: SimWorld, db: string, at: number, green: MemberSpec[]): void {
  w.at(at - 600, () => {
    // The green environment exists long before the switchover.
    for (const g of green) w.addHost(g.ip, g.az);
  });
  w.at(at, () => {
    const blue = w.clusters.get(db)!;
    w.failovers.push({ start: w.now, from: blue.writer!, to: green[0].id });
    w.emit("RDS-EVENT-0259", "cluster", db);
    for (const id of w.clusters.get(db)!.members) w.restart(instance(w, id).ip, 20);
    for (const g of green) w.restart(g.ip, 20);
  });
  w.at(at + 30, () => {
    const blue = w.clusters.get(db)!;
    const old = `${db}-old1`;
    w.clusters.set(old, { id: old, status: "available", writer: `${blue.writer}-old1`, members: blue.members.map((m) => `${m}-old1`) });
    for (const id of blue.members) {
      const i = instance(w, id);
      w.instances.delete(id);
      w.instances.set(`${id}-old1`, { ...i, id: `${id}-old1`, clusterId: old });
    }
    w.clusters.set(db, { id: db, status: "available", writer: null, members: green.map((g) => g.id) });
    for (const g of green) w.instances.set(g.id, { id: g.id, ip: g.ip, status: "available", tier: g.tier ?? 1, clusterId: db });
    w.nameWriter(db, green[0].id);
    w.emit("RDS-EVENT-0260", "cluster", db);
  });
}

/** The role changes that move the writer out of this share's reach: measured, failed safe, documented. */
export const ROLE_SCENARIOS: Scenario[] = [
  cluster("Blue/Green switchover (green members get new IPs)", [A, B], (w, t0, db) =>
    blueGreenSwitchover(w, db, t0 + 30, [
      { id: "orders-a", ip: "10.0.1.77", az: "us-east-1a" },
      { id: "orders-b", ip: "10.0.2.77", az: "us-east-1b" },
    ]), { slots: 4 }),
  cluster("Global database switchover: this cluster becomes a secondary", [A, B], (w, t0, db) => {
    w.at(t0 + 30, () => w.emit("RDS-EVENT-0181", "cluster", db));
    w.at(t0 + 60, () => {
      const c = w.clusters.get(db)!;
      c.writer = null;
      c.replicationSource = "arn:aws:rds:eu-west-1:111111111111:cluster:orders-eu";
      w.emit("RDS-EVENT-0185", "cluster", db);
    });
  }),
  cluster("more members than slots: failover to the member without a slot", [A, B, C, D], (w, t0, db) => auroraFailover(w, db, D.id, t0 + 30), { slots: 3 }),
  cluster("Multi-AZ DB cluster failover: the old writer returns with a new IP, then a failback 200 s later", [A, B, C], (w, t0, db) => {
    multiAzClusterFailover(w, db, C.id, t0 + 30, "10.0.1.99");
    multiAzClusterFailover(w, db, A.id, t0 + 230, "10.0.3.99");
  }),
];

/** For contrast: designs that register the new writer's IP when the writer moves. */
export const REGISTERING_SCENARIOS: Scenario[] = [
  cluster("Aurora failover, one group that registers the new writer (no warm slots)", [A, B], (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30), { slots: 1 }),
  {
    name: "Multi-AZ DB instance failover (the address moves: registration on the path)",
    kind: "instance",
    members: [{ id: "orders-db", ip: "10.0.1.11", az: "us-east-1a" }],
    standbyIp: "10.0.2.22",
    standbyAz: "us-east-1b",
    watchS: 900,
    script: (w, t0, db) => {
      w.at(t0 + 30, () => {
        w.failovers.push({ start: w.now, from: db, to: db });
        w.emit("RDS-EVENT-0013", "instance", db);
        w.restart("10.0.1.11", 100_000);
      });
      w.at(t0 + 120, () => {
        w.hosts.get("10.0.2.22")!.standby = false;
        w.instances.get(db)!.ip = "10.0.2.22";
        w.failovers[w.failovers.length - 1].namedAt = w.now;
        w.emit("RDS-EVENT-0015", "instance", db);
        w.emit("RDS-EVENT-0049", "instance", db);
      });
    },
  },
];
