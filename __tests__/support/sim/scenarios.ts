// What AWS does to a share, as scripts on the simulated world. Each timeline follows AWS's docs
// where they give one (params.ts SOURCES says which); where they do not, the figure is marked.
import { defaultMemberSlots } from "../../../config/schema";
import type { Scenario, MemberSpec } from "./run";
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
export function clusterFailover(
  w: SimWorld,
  db: string,
  to: string,
  at: number,
  timeline: FailoverTimeline = AURORA_TIMELINE,
): void {
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
    if (timeline.readersRestart)
      for (const m of c.members) if (m !== old && m !== to) w.restart(instance(w, m).ip, to2 - from, ms(from));
    if (timeline.promotedDown)
      w.restart(instance(w, to).ip, timeline.promotedDown[1] - timeline.promotedDown[0], ms(timeline.promotedDown[0]));
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
export function auroraFailover(
  w: SimWorld,
  db: string,
  to: string,
  at: number,
  timeline: Partial<FailoverTimeline> = {},
): void {
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

/** A reader joins the cluster: `creating` (and down) for 240 s, then available, with "DB instance created" (RDS-EVENT-0005). */
function addReader(w: SimWorld, db: string, m: MemberSpec, at: number, creatingS = 240): void {
  w.at(at, () => {
    w.addHost(m.ip, m.az);
    w.instances.set(m.id, { id: m.id, ip: m.ip, status: "creating", tier: m.tier ?? 1, clusterId: db });
    w.clusters.get(db)!.members.push(m.id);
    w.restart(m.ip, creatingS);
  });
  w.at(at + creatingS, () => {
    instance(w, m.id).status = "available";
    w.emit("RDS-EVENT-0005", "instance", m.id);
  });
}

function statusFor(w: SimWorld, id: string, status: string, at: number, forS: number): void {
  w.at(at, () => (instance(w, id).status = status));
  w.at(at + forS, () => (instance(w, id).status = "available"));
}

const cluster = (
  name: string,
  members: MemberSpec[],
  script: Scenario["script"],
  extra: Partial<Scenario> = {},
): Scenario => ({ name, kind: "cluster", members, script, watchS: 600, ...extra });

/** Every call throttled from `from` for `forS` seconds after t0 + at: another caller drained the account's buckets. */
const bursts = (...windows: Array<[number, number]>) => windows;

/** The cluster scenarios: in each of them both targets hold (see __tests__/sim/failover.test.ts). */
export const CLUSTER_SCENARIOS: Scenario[] = [
  cluster("Aurora failover, writer and one reader (the demo)", [A, B], (w, t0, db) =>
    auroraFailover(w, db, B.id, t0 + 30),
  ),
  cluster("Aurora failover, three members", [A, B, C], (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30)),
  cluster("Aurora failover, then a failback inside the registration delay", [A, B], (w, t0, db) => {
    auroraFailover(w, db, B.id, t0 + 30);
    auroraFailover(w, db, A.id, t0 + 150);
  }),
  cluster("Aurora failover, then a failback inside the registration delay, three members", [A, B, C], (w, t0, db) => {
    auroraFailover(w, db, C.id, t0 + 30);
    auroraFailover(w, db, A.id, t0 + 150);
  }),
  cluster("Aurora failover, every reader restarting with the writer (older engines)", [A, B, C], (w, t0, db) =>
    auroraFailover(w, db, B.id, t0 + 30, { readersRestart: true }),
  ),
  cluster(
    "Aurora failover, a stale DescribeDBClusters answer naming the old writer after it, four members",
    [A, B, C, D],
    (w, t0, db) => {
      auroraFailover(w, db, B.id, t0 + 30);
      // Answers given after the failover that name orders-a again: two in a row shortly after (a
      // watching run's poll and the full read it makes on the change), one alone later.
      w.at(t0 + 60, () => w.staleReads.push(w.now, w.now));
      w.at(t0 + 200, () => w.staleReads.push(w.now));
    },
  ),
  cluster(
    "Aurora failovers under throttling bursts of 30 s, 100 s and 30 s",
    [A, B, C],
    (w, t0, db) => {
      auroraFailover(w, db, B.id, t0 + 30);
      auroraFailover(w, db, C.id, t0 + 330);
      auroraFailover(w, db, A.id, t0 + 630);
    },
    { watchS: 1000, faults: { throttleBursts: bursts([30, 60], [330, 430], [630, 660]), serverError: 0.02 } },
  ),
  cluster("a writer class change that fails over", [A, B, C], (w, t0, db) => {
    w.at(t0 + 30, () => {
      instance(w, A.id).status = "modifying";
      w.emit("RDS-EVENT-0012", "instance", A.id);
    });
    auroraFailover(w, db, B.id, t0 + 240);
  }),
  cluster(
    "Multi-AZ DB cluster failover, the old writer returning with a new IP",
    [A, B, C],
    (w, t0, db) => multiAzClusterFailover(w, db, C.id, t0 + 30, "10.0.1.99"),
    { slots: defaultMemberSlots(false) },
  ),
  cluster("a reader in modifying (class change), writer and one reader", [A, B], (w, t0) =>
    modifyInstance(w, B.id, t0 + 30),
  ),
  cluster("a reader in modifying (class change), three members", [A, B, C], (w, t0) =>
    modifyInstance(w, B.id, t0 + 30),
  ),
  cluster("a reader rebooting, three members", [A, B, C], (w, t0) => rebootInstance(w, B.id, t0 + 30)),
  cluster(
    "transient states that keep serving: backing-up, configuring-*, upgrading, maintenance",
    [A, B, C],
    (w, t0) => {
      statusFor(w, A.id, "backing-up", t0 + 30, 300);
      statusFor(w, B.id, "configuring-enhanced-monitoring", t0 + 60, 120);
      statusFor(w, C.id, "upgrading", t0 + 90, 200);
      statusFor(w, B.id, "maintenance", t0 + 400, 100);
    },
  ),
  cluster("a reader added", [A, B], (w, t0, db) => addReader(w, db, C, t0 + 30), {
    slots: 3,
    zones: ["us-east-1a", "us-east-1b", "us-east-1c"],
  }),
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
  cluster(
    "Aurora failover with events duplicated and reordered",
    [A, B, C],
    (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30),
    { eventFaults: { duplicate: 1, reorderS: 40 } },
  ),
  cluster(
    "a reader in a zone the NLB does not enable",
    [A, B, C],
    (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30),
    { zones: ["us-east-1a", "us-east-1b"] },
  ),
  cluster("Aurora failover, six members, to the best candidate (tier 1)", [A, B, C, D, E, F], (w, t0, db) =>
    auroraFailover(w, db, B.id, t0 + 30),
  ),
  cluster(
    "Aurora failover, six members, to a member whose reader set is not kept warm (tier 2)",
    [A, B, C, D, E, F],
    (w, t0, db) => auroraFailover(w, db, E.id, t0 + 30),
  ),
];

const GREEN = "-green-sim0ab";

/**
 * A Blue/Green deployment of a cluster (RDS User Guide, "Using Amazon RDS Blue/Green
 * Deployments"): the green cluster and members exist, with their own names and addresses, long
 * before anyone switches over (by default 400 s before: more than the longest registration delay, 300 s, and its checks; RDS-EVENT-0244 when ready). At the
 * switchover (0247) every member of both environments drops its connections for 20 s (inferred:
 * the guide says writes stop and connections drop, not for how long); 30 s later RDS renames blue
 * "-old1", hands the names to green (whose members keep their own addresses, which AWS's own
 * JDBC wrapper relies on) and reports completion (0248). Each renamed name's DNS record may be
 * one TTL old, as the cluster endpoint's. The old blue primary stays up, read-only.
 * A cancelled switchover (0249) leaves the names with blue after 20 s.
 */
export function blueGreenSwitchover(
  w: SimWorld,
  db: string,
  at: number,
  green: MemberSpec[],
  options: { readonly createdS?: number; readonly cancel?: boolean } = {},
): void {
  const bgd = "bgd-sim0000000000000001";
  const greenCluster = `${db}${GREEN}`;
  w.at(at - (options.createdS ?? 400), () => {
    const blue = w.clusters.get(db)!;
    const pairs = blue.members.map((m) => [m, `${m}${GREEN}`] as [string, string]).slice(0, green.length);
    w.clusters.set(greenCluster, {
      id: greenCluster,
      status: "available",
      writer: null,
      members: pairs.map(([, g]) => g),
    });
    pairs.forEach(([b, g], i) => {
      w.addHost(green[i].ip, green[i].az);
      w.instances.set(g, {
        id: g,
        ip: green[i].ip,
        status: "available",
        tier: w.instances.get(b)?.tier ?? 1,
        clusterId: greenCluster,
      });
    });
    w.clusters.get(greenCluster)!.writer = `${blue.writer}${GREEN}`;
    w.deployments.set(bgd, { id: bgd, status: "AVAILABLE", source: db, target: greenCluster, pairs });
    w.emit("RDS-EVENT-0244", "blue-green-deployment", bgd);
  });
  w.at(at, () => {
    const blue = w.clusters.get(db)!;
    const d = w.deployments.get(bgd)!;
    d.status = "SWITCHOVER_IN_PROGRESS";
    w.failovers.push({ start: w.now, from: blue.writer!, to: blue.writer! });
    w.emit("RDS-EVENT-0247", "blue-green-deployment", bgd);
    for (const id of [...blue.members, ...w.clusters.get(greenCluster)!.members]) w.restart(instance(w, id).ip, 20);
  });
  if (options.cancel) {
    w.at(at + 20, () => {
      w.deployments.get(bgd)!.status = "AVAILABLE";
      w.failovers[w.failovers.length - 1].namedAt = w.now;
      w.emit("RDS-EVENT-0249", "blue-green-deployment", bgd);
    });
    return;
  }
  w.at(at + 30, () => {
    const blue = w.clusters.get(db)!;
    const greenC = w.clusters.get(greenCluster)!;
    const old = `${db}-old1`;
    // Blue takes "-old1": new names, whose records are new; its members keep their addresses and stay up, read-only.
    w.clusters.set(old, {
      id: old,
      resourceId: blue.resourceId ?? `cluster-${db}`,
      status: "available",
      writer: `${blue.writer}-old1`,
      members: blue.members.map((m) => `${m}-old1`),
    });
    for (const id of blue.members) {
      const i = instance(w, id);
      w.instances.delete(id);
      w.instances.set(`${id}-old1`, { ...i, id: `${id}-old1`, resourceId: i.resourceId ?? `db-${id}`, clusterId: old });
      // The name's record: the old address until now, green's from now.
      w.instanceRecords.set(SimWorld.address(id), [[0, i.ip]]);
    }
    // Green takes the names; its members keep their addresses and resource IDs.
    const d = w.deployments.get(bgd)!;
    const renamed: string[] = [];
    for (const [b, g] of d.pairs) {
      const i = instance(w, g);
      w.instances.delete(g);
      w.instances.set(b, { ...i, id: b, resourceId: i.resourceId ?? `db-${g}`, clusterId: db });
      w.instanceRecords.get(SimWorld.address(b))!.push([w.now, i.ip]);
      renamed.push(b);
    }
    w.clusters.delete(greenCluster);
    w.clusters.set(db, {
      id: db,
      resourceId: greenC.resourceId ?? `cluster-${greenCluster}`,
      status: "available",
      writer: null,
      members: renamed,
    });
    w.nameWriter(db, blue.writer!);
    Object.assign(d, { status: "SWITCHOVER_COMPLETED", source: old, target: db });
    w.emit("RDS-EVENT-0248", "blue-green-deployment", bgd);
  });
}

/** The role changes that move the writer out of this share's reach: measured, failed safe, documented. */
export const ROLE_SCENARIOS: Scenario[] = [
  cluster("Blue/Green switchover (green members get new IPs)", [A, B], (w, t0, db) =>
    blueGreenSwitchover(w, db, t0 + 30, [
      { id: "orders-a", ip: "10.0.1.77", az: "us-east-1a" },
      { id: "orders-b", ip: "10.0.2.77", az: "us-east-1b" },
    ]),
  ),
  cluster("Global database switchover: this cluster becomes a secondary", [A, B], (w, t0, db) => {
    w.at(t0 + 30, () => w.emit("RDS-EVENT-0181", "cluster", db));
    w.at(t0 + 60, () => {
      const c = w.clusters.get(db)!;
      c.writer = null;
      c.replicationSource = "arn:aws:rds:eu-west-1:111111111111:cluster:orders-eu";
      w.emit("RDS-EVENT-0185", "cluster", db);
    });
  }),
  cluster(
    "more members than slots: failover to the member without a slot",
    [A, B, C, D],
    (w, t0, db) => auroraFailover(w, db, D.id, t0 + 30),
    { slots: 3 },
  ),
  cluster(
    "Multi-AZ DB cluster failover: the old writer returns with a new IP, then a failback 200 s later",
    [A, B, C],
    (w, t0, db) => {
      multiAzClusterFailover(w, db, C.id, t0 + 30, "10.0.1.99");
      multiAzClusterFailover(w, db, A.id, t0 + 230, "10.0.3.99");
    },
    { slots: defaultMemberSlots(false) },
  ),
];

/** For contrast: designs that register the new writer's IP when the writer moves. */
export const REGISTERING_SCENARIOS: Scenario[] = [
  cluster(
    "Aurora failover, one group that registers the new writer (no warm slots)",
    [A, B],
    (w, t0, db) => auroraFailover(w, db, B.id, t0 + 30),
    { slots: 1 },
  ),
  multiAzInstance("Multi-AZ DB instance failover (the address moves: registration on the path)"),
];

/**
 * A Multi-AZ DB instance's failover: the primary fails, and after 90 s (RDS: failovers "typically
 * complete within 60-120 seconds", RDS User Guide, "Failing over a Multi-AZ DB instance") the
 * instance's DNS record names the standby. The old primary's interface stays, as the new standby.
 */
function multiAzInstance(name: string, extra: Partial<Scenario> = {}): Scenario {
  return {
    name,
    kind: "instance",
    members: [{ id: "orders-db", ip: "10.0.1.11", az: "us-east-1a" }],
    standbyIp: "10.0.2.22",
    standbyAz: "us-east-1b",
    watchS: 900,
    script: (w, t0, db) => {
      w.at(t0 + 30, () => {
        w.failovers.push({ start: w.now, from: db, to: db, toIp: "10.0.2.22" });
        w.emit("RDS-EVENT-0013", "instance", db);
        w.restart("10.0.1.11", 100_000);
      });
      w.at(t0 + 120, () => {
        w.hosts.get("10.0.2.22")!.standby = false;
        w.hosts.get("10.0.1.11")!.standby = true;
        Object.assign(w.instances.get(db)!, { ip: "10.0.2.22", secondaryAz: "us-east-1a" });
        w.failovers[w.failovers.length - 1].namedAt = w.now;
        w.emit("RDS-EVENT-0015", "instance", db);
        w.emit("RDS-EVENT-0049", "instance", db);
      });
    },
    ...extra,
  };
}

/** The paths that used to register on the way and no longer do. */
export const WARM_PATH_SCENARIOS: Scenario[] = [
  cluster("Blue/Green switchover of four members, the green writer's counterpart first", [A, B, C, D], (w, t0, db) =>
    blueGreenSwitchover(w, db, t0 + 30, [
      { id: "g-a", ip: "10.0.1.77", az: "us-east-1a" },
      { id: "g-b", ip: "10.0.2.77", az: "us-east-1b" },
      { id: "g-c", ip: "10.0.3.77", az: "us-east-1c" },
      { id: "g-d", ip: "10.0.1.78", az: "us-east-1a" },
    ]),
  ),
  cluster("Blue/Green switchover cancelled: blue keeps the names", [A, B], (w, t0, db) =>
    blueGreenSwitchover(
      w,
      db,
      t0 + 30,
      [
        { id: "g-a", ip: "10.0.1.77", az: "us-east-1a" },
        { id: "g-b", ip: "10.0.2.77", az: "us-east-1b" },
      ],
      { cancel: true },
    ),
  ),
  cluster(
    "Aurora Auto Scaling adds a reader, then the cluster fails over to it",
    [A, B],
    (w, t0, db) => {
      // Auto Scaling adds an Aurora Replica (Aurora User Guide, "Amazon Aurora Auto Scaling with Aurora Replicas"); it is created
      // for some minutes (240 s here), then promoted by a failover to it 60 s after it is available.
      addReader(w, db, { ...C, tier: 0 }, t0 + 30);
      auroraFailover(w, db, C.id, t0 + 330);
    },
    { zones: ["us-east-1a", "us-east-1b", "us-east-1c"] },
  ),
  multiAzInstance("Multi-AZ DB instance failover, the standby found before it (no registration on the path)", {
    standbyDiscovery: true,
  }),
  multiAzInstance(
    "Multi-AZ DB instance failover, two candidate standbys (another database shares the security group): the function falls back and says why",
    { standbyDiscovery: true, sharedGroupIps: ["10.0.2.99"] },
  ),
];

// ---------- RDS Proxy mode ----------

/** The proxy's default endpoint: interfaces in two zones, as AWS provisions it (params.ts SOURCES.proxy). */
const PROXY_DEFAULT = [
  { ip: "10.0.1.201", az: "us-east-1a" },
  { ip: "10.0.2.202", az: "us-east-1b" },
] as const;
/** Its read-only endpoint (Aurora with readers), across the same zones. */
const PROXY_READ_ONLY = [
  { ip: "10.0.1.211", az: "us-east-1a" },
  { ip: "10.0.2.212", az: "us-east-1b" },
] as const;

/** The same scenario with a proxy in front of the database: the groups hold the proxy's addresses. */
export function behindProxy(s: Scenario): Scenario {
  const { slots: _, warmReaderSets: __, standbyDiscovery: ___, ...rest } = s;
  return {
    ...rest,
    proxy: { addresses: PROXY_DEFAULT, ...(s.kind === "cluster" ? { readOnly: PROXY_READ_ONLY } : {}) },
  };
}

/**
 * Every scenario of the timeline table, for the side-by-side table: the same faults with the
 * warm slots and behind a proxy (the reader-membership rows too: the proxy's read-only endpoint
 * owns the readers then, and the writer port is measured either way).
 */
export const COMPARED_SCENARIOS: Scenario[] = [
  ...CLUSTER_SCENARIOS,
  ...ROLE_SCENARIOS,
  ...WARM_PATH_SCENARIOS,
  ...REGISTERING_SCENARIOS,
];

/**
 * The proxy's own changes: its endpoint answers with new interface addresses (it scales, or is
 * maintained: no AWS page says the addresses are fixed). When the old interface stops taking
 * connections is undocumented: at once (the harshest) or 10 minutes later.
 */
function proxyMoves(name: string, moved: ReadonlyArray<readonly [string, string]>, oldGoneAfterS: number): Scenario {
  return {
    name,
    kind: "cluster",
    members: [A, B],
    proxy: { addresses: PROXY_DEFAULT, readOnly: PROXY_READ_ONLY },
    watchS: 1200,
    script: (w, t0) => {
      w.at(t0 + 30, () => {
        const now = SimWorld.recordsAt(w.proxy!.records.default, w.now);
        for (const [from, to] of moved) w.addHost(to, w.hosts.get(from)!.az);
        w.moveProxyEndpoint(
          "default",
          now.map((ip) => moved.find(([from]) => from === ip)?.[1] ?? ip),
        );
        for (const [from] of moved) w.restart(from, 1e6, w.now + oldGoneAfterS * 1000);
      });
    },
  };
}

/**
 * The proxy scales out: "An RDS Proxy automatically adjusts its capacity as needed based on the
 * size and number of DB instances registered with it" (RDS User Guide, "Planning for IP address
 * capacity"): its endpoint answers with one more address; none goes.
 */
const proxyGrows: Scenario = {
  name: "the proxy's endpoint gains a third address (it scales out)",
  kind: "cluster",
  members: [A, B],
  proxy: { addresses: PROXY_DEFAULT, readOnly: PROXY_READ_ONLY },
  watchS: 1200,
  script: (w, t0) => {
    w.at(t0 + 30, () => {
      w.addHost("10.0.3.203", "us-east-1c");
      w.zones.add("us-east-1c");
      w.moveProxyEndpoint("default", [...SimWorld.recordsAt(w.proxy!.records.default, w.now), "10.0.3.203"]);
    });
  },
};

export const PROXY_ADDRESS_SCENARIOS: Scenario[] = [
  proxyGrows,
  proxyMoves(
    "the proxy's endpoint replaces one of its two addresses, the old one gone at once",
    [["10.0.1.201", "10.0.1.221"]],
    0,
  ),
  proxyMoves(
    "the proxy's endpoint replaces both addresses, the old ones gone at once",
    [
      ["10.0.1.201", "10.0.1.221"],
      ["10.0.2.202", "10.0.2.222"],
    ],
    0,
  ),
  proxyMoves(
    "the proxy's endpoint replaces both addresses, the old ones serving 10 more minutes",
    [
      ["10.0.1.201", "10.0.1.221"],
      ["10.0.2.202", "10.0.2.222"],
    ],
    600,
  ),
];

/** Every scenario of RDS Proxy mode: the compared ones behind a proxy, and the proxy's own address changes. */
export const PROXY_SCENARIOS: Scenario[] = [...COMPARED_SCENARIOS.map(behindProxy), ...PROXY_ADDRESS_SCENARIOS];
