// The failover function against a real AWS emulator (moto server) and a real DNS server.
// Faults that neither can produce (throttling, 5xx, a crash between two calls) are injected
// into the SDK clients in-process, and those tests say so in their names.
import { ElasticLoadBalancingV2Client, RegisterTargetsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { handler } from "../../functions/failover-sync/index";
import { sync, type SyncDeps, SyncError, type SyncSettings } from "../../functions/failover-sync/sync";
import { SILENT } from "../../functions/failover-sync/telemetry";
import { type DnsServer, startDns } from "../support/dns";
import { intercept } from "../support/intercept";
import { type Moto, startMoto } from "../support/moto";
import {
  clientConfig,
  type ClusterWorld,
  createClusterWorld,
  createInstanceWorld,
  failoverTo,
  forwardsTo,
  instanceAddress,
  loopbackResolver,
  portReaches,
  targetIps,
  testEnvironment,
  testSettings,
} from "../support/world";

jest.setTimeout(60_000);

const CLUSTER = "orders";
const IPS: Record<string, string> = { "orders-1": "10.0.1.11", "orders-2": "10.0.2.22", "orders-3": "10.0.3.33" };

let moto: Moto;
let dns: DnsServer;
let world: ClusterWorld;

/** Every command a client sends (with its input), in order. */
interface Recorder {
  calls: Array<{ command: string; input: Record<string, unknown> }>;
  names(): string[];
  /** Makes the next `times` attempts of `command` fail with `error` before they reach moto. */
  fail(command: string, times: number, error: () => Error): void;
}

function recorded<T extends RDSClient | ElasticLoadBalancingV2Client>(client: T): T & { recorder: Recorder } {
  const faults: Array<{ command: string; left: number; error: () => Error }> = [];
  const recorder: Recorder = {
    calls: [],
    names: () => recorder.calls.map((c) => c.command),
    fail: (command, times, error) => faults.push({ command, left: times, error }),
  };
  intercept(client, async (command, send, input) => {
    recorder.calls.push({ command, input });
    const fault = faults.find((f) => f.command === command && f.left > 0);
    if (fault) {
      fault.left--;
      throw fault.error();
    }
    return send();
  });
  return Object.assign(client, { recorder });
}

const throttling = () =>
  Object.assign(new Error("Rate exceeded"), {
    name: "ThrottlingException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });
const serverError = () =>
  Object.assign(new Error("Internal failure"), {
    name: "InternalFailure",
    $fault: "server",
    $metadata: { httpStatusCode: 503 },
  });
const crash = () =>
  Object.assign(new Error("Task timed out after 90.00 seconds"), { name: "Crash", $fault: "client", $metadata: {} });

function clients() {
  const config = { ...clientConfig(moto.url), maxAttempts: 5 };
  return { rds: recorded(new RDSClient(config)), elb: recorded(new ElasticLoadBalancingV2Client(config)) };
}

const settings = (overrides: Partial<SyncSettings> = {}): SyncSettings => testSettings(world, overrides);

function deps(c = clients(), overrides: Partial<SyncDeps> = {}): SyncDeps {
  return {
    ...c,
    resolve: loopbackResolver(dns),
    log: SILENT,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...overrides,
  };
}

// RDS moves the cluster endpoint's record with the writer: the function's second witness.
const failover = async (to: string) => {
  await failoverTo(moto.url, CLUSTER, to);
  dns.records.set(world.endpoint, IPS[to]);
};
const writerPort = () => portReaches(moto.url, world.writerListenerArn);
const readerPort = () => portReaches(moto.url, world.readerListenerArn);
const ips = (...ids: string[]) => ids.map((id) => IPS[id]).sort();

const rdsEvent = (id: string, ageMs = 0) => ({
  version: "0",
  source: "aws.rds",
  "detail-type": "RDS DB Cluster Event",
  time: new Date(Date.now() - ageMs).toISOString(),
  resources: [`arn:aws:rds:us-east-1:123456789012:cluster:${CLUSTER}`],
  detail: {
    EventID: id,
    SourceIdentifier: `rds:${CLUSTER}`,
    SourceArn: `arn:aws:rds:us-east-1:123456789012:cluster:${CLUSTER}`,
  },
});

beforeAll(async () => {
  [moto, dns] = await Promise.all([startMoto(), startDns()]);
});

afterAll(async () => {
  await Promise.all([moto?.stop(), dns?.close()]);
});

beforeEach(async () => {
  await moto.reset();
  dns.records.clear();
  dns.mode = "answer";
  world = await createClusterWorld(moto.url, dns, { cluster: CLUSTER, engine: "aurora-mysql", members: IPS });
});

describe("the handler against moto and a DNS server", () => {
  beforeEach(() => Object.assign(process.env, testEnvironment(world, dns)));

  it("puts every member warm in its slot on the first run, then follows a failover by switching listeners", async () => {
    const first = (await handler({ trigger: "deploy" }))!;
    expect(first.writer).toEqual({ instance: "orders-1", ip: IPS["orders-1"], state: "available" });
    expect(first.slots).toEqual(["orders-1", "orders-2", "orders-3"]);
    expect(await writerPort()).toEqual(ips("orders-1"));
    expect(await readerPort()).toEqual(ips("orders-2", "orders-3"));

    await failover("orders-2");
    const report = (await handler(rdsEvent("RDS-EVENT-0071")))!;
    expect(report.trigger).toBe("failover-finished");
    expect(report.switches).toEqual([
      { listener: "writer", to: world.memberGroups[1], warm: true },
      { listener: "reader", to: world.readerSetGroups[1], warm: true },
    ]);
    expect(report.writerTargets).toEqual({ registered: [], deregistered: [], refused: [] });
    expect(report.writerChanged).toBe(true);
    expect(await writerPort()).toEqual(ips("orders-2"));
    expect(await readerPort()).toEqual(ips("orders-1", "orders-3"));
  });

  it("throws and changes nothing when DNS is down", async () => {
    await handler({ trigger: "deploy" });
    await failover("orders-3");
    dns.mode = "servfail";
    await expect(handler(rdsEvent("RDS-EVENT-0071"))).rejects.toThrow(/DNS lookup of orders-\d\..* failed/);
    expect(await forwardsTo(moto.url, world.writerListenerArn)).toBe(world.memberGroups[0]);
    expect(await writerPort()).toEqual(ips("orders-1"));
    expect(await readerPort()).toEqual(ips("orders-2", "orders-3"));
  });

  it("refuses a member outside the allowed CIDRs, reports it and keeps the rest warm", async () => {
    dns.records.set(instanceAddress("orders-3"), "192.168.7.7");
    const error = (await handler({ trigger: "schedule" }).catch((e) => e)) as SyncError;
    expect(error).toBeInstanceOf(SyncError);
    expect(error.report.writerTargets.refused).toEqual([
      { ip: "192.168.7.7", reason: "orders-3: outside the allowed CIDRs 10.0.0.0/16" },
    ]);
    expect(await readerPort()).toEqual(ips("orders-2"));
    expect(await writerPort()).toEqual(ips("orders-1"));
    for (const group of [...world.memberGroups, ...world.readerSetGroups])
      expect(await targetIps(moto.url, group)).not.toContain("192.168.7.7");
  });

  it("writes structured JSON logs and one EMF record per run, and never the credentials", async () => {
    process.env.AWS_SECRET_ACCESS_KEY = "sEcReT-must-not-be-logged-4711";
    process.env.AWS_SESSION_TOKEN = "tOkEn-must-not-be-logged-4711";
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const log = jest.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(`${a.join(" ")}\n`));
    const info = jest
      .spyOn(console, "info")
      .mockImplementation((...a: unknown[]) => void lines.push(`${a.join(" ")}\n`));
    const err = jest
      .spyOn(console, "error")
      .mockImplementation((...a: unknown[]) => void lines.push(`${a.join(" ")}\n`));
    try {
      await handler({ trigger: "deploy" }, { awsRequestId: "req-1" });
      dns.mode = "servfail";
      await handler({ trigger: "schedule" }, { awsRequestId: "req-2" }).catch(() => undefined);
    } finally {
      for (const spy of [write, log, info, err]) spy.mockRestore();
      delete process.env.AWS_SESSION_TOKEN;
    }
    const records = lines
      .join("")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const logs = records.filter((r) => !r._aws);
    expect(logs.every((r) => ["req-1", "req-2"].includes(r.correlationId) && r.database === CLUSTER)).toBe(true);
    expect(logs.filter((r) => r.message === "failover sync report").map((r) => r.correlationId)).toEqual([
      "req-1",
      "req-2",
    ]);
    const emf = records.filter((r) => r._aws);
    // Once per run, also for the failed one: the duration is never written twice.
    expect(emf).toHaveLength(2);
    expect(emf.map((r) => r._aws.CloudWatchMetrics[0].Namespace)).toEqual(["RdsPrivateLink", "RdsPrivateLink"]);
    expect(emf[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([["service", "Database"]]);
    expect(emf[0]).toMatchObject({
      service: "failover-sync",
      Database: CLUSTER,
      TargetsRegistered: 9,
      ListenerSwitches: 0,
      WriterChanged: 0,
      SyncErrors: 0,
      WriterHealthyTargets: 0,
    });
    expect(emf[1]).toMatchObject({ SyncErrors: 1 });
    expect(lines.join("")).not.toMatch(/must-not-be-logged/);
  });

  it("names every missing or malformed environment variable", async () => {
    delete process.env.WRITER_LISTENER_ARN;
    process.env.TARGET_PORT = "x";
    await expect(handler({})).rejects.toThrow(
      "failover-sync misconfigured: TARGET_PORT must be a port number; WRITER_LISTENER_ARN must be a listener ARN",
    );
  });
});

describe("an Aurora failover between warm members, observed call by call", () => {
  beforeEach(async () => {
    await moto.reset();
    dns.records.clear();
    world = await createClusterWorld(moto.url, dns, {
      cluster: CLUSTER,
      engine: "aurora-mysql",
      members: { "orders-1": "10.0.1.11", "orders-2": "10.0.2.22", "orders-3": "10.0.3.33", "orders-4": "10.0.4.44" },
    });
    Object.assign(IPS, { "orders-4": "10.0.4.44" });
  });

  it("moves the writer of a 4-member cluster with 0 RegisterTargets and exactly 1 ModifyListener for the writer", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    await failover("orders-3");
    c.elb.recorder.calls.length = 0;
    const report = await sync(rdsEvent("RDS-EVENT-0071"), settings(), deps(c));

    const calls = c.elb.recorder.calls;
    expect(calls.filter((x) => x.command === "RegisterTargetsCommand")).toHaveLength(0);
    expect(calls.filter((x) => x.command === "DeregisterTargetsCommand")).toHaveLength(0);
    const modify = calls.filter((x) => x.command === "ModifyListenerCommand");
    expect(modify.filter((x) => x.input.ListenerArn === world.writerListenerArn)).toHaveLength(1);
    expect(modify.filter((x) => x.input.ListenerArn === world.readerListenerArn)).toHaveLength(1);
    // The writer moves first: no other write comes before it.
    expect(calls.findIndex((x) => x.command === "ModifyListenerCommand")).toBe(
      calls.findIndex((x) => !x.command.startsWith("Describe")),
    );
    expect(report.polls).toBe(1);

    // The writer port forwards only to a group whose sole live target is the new writer.
    const group = await forwardsTo(moto.url, world.writerListenerArn);
    expect(await targetIps(moto.url, group)).toEqual(ips("orders-3"));
    expect(await readerPort()).toEqual(ips("orders-1", "orders-2", "orders-4"));
  });

  it("makes no write call when nothing changed, and 3 + 2 per slot + 1 reads in all", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    c.elb.recorder.calls.length = 0;
    c.rds.recorder.calls.length = 0;
    const report = await sync({ trigger: "schedule" }, settings(), deps(c));
    expect(c.elb.recorder.names().filter((n) => !n.startsWith("Describe"))).toEqual([]);
    expect(c.elb.recorder.names().sort()).toEqual([
      "DescribeListenersCommand",
      ...Array(8).fill("DescribeTargetHealthCommand"),
    ]);
    // The cluster, its Blue/Green deployment (none here) and its members.
    expect(c.rds.recorder.names()).toEqual([
      "DescribeDBClustersCommand",
      "DescribeBlueGreenDeploymentsCommand",
      "DescribeDBInstancesCommand",
    ]);
    expect(report.switches).toEqual([]);
  });

  it("on 'failover started' polls until the RDS API names a new writer, then switches at once", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    c.elb.recorder.calls.length = 0;
    let sleeps = 0;
    const report = await sync(
      rdsEvent("RDS-EVENT-0073"),
      settings(),
      deps(c, {
        sleep: async () => {
          if (++sleeps === 3) await failover("orders-4");
        },
      }),
    );
    expect(report.polls).toBe(4);
    expect(await writerPort()).toEqual(ips("orders-4"));
    expect(c.elb.recorder.names().filter((n) => n === "RegisterTargetsCommand")).toEqual([]);
  });

  it("does not wait on a stale 'started' event that arrives after the failover finished", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    await failover("orders-2");
    await sync(rdsEvent("RDS-EVENT-0071"), settings(), deps(c));
    let sleeps = 0;
    const report = await sync(
      rdsEvent("RDS-EVENT-0073", 10 * 60_000),
      settings(),
      deps(c, { sleep: async () => void sleeps++ }),
    );
    expect(sleeps).toBe(0);
    expect(report.switches).toEqual([]);
    expect(await writerPort()).toEqual(ips("orders-2"));
  });

  it("gives up polling at the deadline and leaves the writer port where it is", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    let clock = Date.now();
    const report = await sync(
      rdsEvent("RDS-EVENT-0073"),
      settings({ pollDeadlineMs: 1000, pollIntervalMs: 100 }),
      deps(c, {
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      }),
    );
    expect(report.polls).toBeLessThanOrEqual(11);
    expect(await writerPort()).toEqual(ips("orders-1"));
  });

  it("retries a throttled ModifyListener with backoff and switches (in-process fault)", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    await failover("orders-2");
    c.elb.recorder.fail("ModifyListenerCommand", 2, throttling);
    await sync(rdsEvent("RDS-EVENT-0071"), settings(), deps(c));
    expect(c.elb.recorder.names().filter((x) => x === "ModifyListenerCommand")).toHaveLength(4); // 2 failed + writer + reader
    expect(await writerPort()).toEqual(ips("orders-2"));
  });

  it("retries RDS 5xx with backoff and succeeds (in-process fault)", async () => {
    const c = clients();
    c.rds.recorder.fail("DescribeDBClustersCommand", 2, serverError);
    const report = await sync({ trigger: "deploy" }, settings(), deps(c));
    expect(c.rds.recorder.names().filter((x) => x === "DescribeDBClustersCommand")).toHaveLength(3);
    expect(report.writer?.instance).toBe("orders-1");
  });

  it("fails loudly and touches nothing when RDS keeps failing (in-process fault)", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    c.rds.recorder.fail("DescribeDBClustersCommand", 99, serverError);
    await failover("orders-2");
    await expect(sync({ trigger: "schedule" }, settings(), deps(c))).rejects.toThrow("Internal failure");
    expect(await writerPort()).toEqual(ips("orders-1"));
  });

  it("finishes a membership change on the next run after a crash between register and deregister (in-process fault)", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    // orders-4 is replaced by an instance with a new IP: a registration off the failover path.
    dns.records.set(instanceAddress("orders-4"), "10.0.4.99");
    c.elb.recorder.fail("DeregisterTargetsCommand", 1, crash);
    await expect(sync({ trigger: "schedule" }, settings(), deps(c))).rejects.toThrow("Task timed out");
    // Never too few: the new IP is in, the old one is still there.
    expect(await targetIps(moto.url, world.memberGroups[3])).toEqual(["10.0.4.44", "10.0.4.99"]);
    await sync({ trigger: "schedule" }, settings(), deps(c));
    expect(await targetIps(moto.url, world.memberGroups[3])).toEqual(["10.0.4.99"]);
    expect(await readerPort()).toEqual(["10.0.2.22", "10.0.3.33", "10.0.4.99"]);
  });

  it("leaves everything as it is when no member can be resolved", async () => {
    const c = clients();
    await c.elb.send(
      new RegisterTargetsCommand({ TargetGroupArn: world.memberGroups[0], Targets: [{ Id: "10.0.9.9", Port: 3306 }] }),
    );
    c.elb.recorder.calls.length = 0;
    dns.records.clear();
    const error = (await sync({ trigger: "schedule" }, settings(), deps(c)).catch((e) => e)) as SyncError;
    expect(error.report.writerTargets.heldBecause).toBeUndefined();
    expect(error.report.switches).toEqual([]);
    expect(c.elb.recorder.names().filter((n) => !n.startsWith("Describe"))).toEqual([]);
    expect(await targetIps(moto.url, world.memberGroups[0])).toEqual(["10.0.9.9"]);
  });
});

describe("a cluster with more members than slots", () => {
  beforeEach(async () => {
    await moto.reset();
    dns.records.clear();
    world = await createClusterWorld(moto.url, dns, {
      cluster: CLUSTER,
      engine: "aurora-postgresql",
      members: { "orders-1": "10.0.1.11", "orders-2": "10.0.2.22", "orders-3": "10.0.3.33" },
      tiers: { "orders-1": 0, "orders-2": 1, "orders-3": 15 },
      slots: 2,
    });
  });

  it("slots the writer and the best promotion tier; a failover to the unslotted member registers it, loudly", async () => {
    const c = clients();
    const first = await sync({ trigger: "deploy" }, settings(), deps(c));
    expect(first.slots).toEqual(["orders-1", "orders-2"]);
    // The reader port still reaches the member without a slot.
    expect(await readerPort()).toEqual(ips("orders-2", "orders-3"));

    await failover("orders-3");
    const error = (await sync(rdsEvent("RDS-EVENT-0071"), settings(), deps(c)).catch((e) => e)) as SyncError;
    expect(error).toBeInstanceOf(SyncError);
    expect(error.report.fallback).toMatch(
      /writer orders-3 \(10\.0\.3\.33\) held no member slot; registered into slot 1 in place of orders-2/,
    );
    expect(error.report.slots).toEqual(["orders-1", "orders-3"]);
    expect(await writerPort()).toEqual(ips("orders-3"));
    expect(await readerPort()).toEqual(ips("orders-1", "orders-2"));
  });
});

describe("a Multi-AZ DB instance", () => {
  it("converges when the endpoint's IP flips in DNS: register the new writer, and deregister the old once the new one is healthy", async () => {
    await moto.reset();
    dns.records.clear();
    const instanceWorld = await createInstanceWorld(moto.url, dns, "orders-db", "10.0.1.50");
    const c = clients();
    const run = (event: unknown) => sync(event, testSettings(instanceWorld), deps(c));
    await run({ trigger: "deploy" });
    expect(await targetIps(moto.url, instanceWorld.writerArn)).toEqual(["10.0.1.50"]);
    // A Multi-AZ instance has no readers: the reader port reaches the writer.
    expect(await targetIps(moto.url, instanceWorld.readerArn)).toEqual(["10.0.1.50"]);

    dns.records.set(instanceAddress("orders-db"), "10.0.2.50");
    c.elb.recorder.calls.length = 0;
    const report = await run({
      source: "aws.rds",
      "detail-type": "RDS DB Instance Event",
      time: new Date().toISOString(),
      detail: { EventID: "RDS-EVENT-0049", SourceIdentifier: "rds:orders-db" },
    });
    // Make before break: moto still calls the old IP healthy, so it stays until the new one is.
    expect(report.writerTargets).toEqual({ registered: ["10.0.2.50"], deregistered: [], refused: [] });
    expect(report.writerChanged).toBe(true);
    expect(c.elb.recorder.names().filter((n) => !n.startsWith("Describe"))).toEqual([
      "RegisterTargetsCommand",
      "RegisterTargetsCommand",
    ]);
    // moto reports a registered target healthy at once: the next run lets the old IP go.
    c.elb.recorder.calls.length = 0;
    const next = await run({ trigger: "schedule" });
    expect(next.writerTargets).toEqual({ registered: [], deregistered: ["10.0.1.50"], refused: [] });
    expect(c.elb.recorder.names().filter((n) => !n.startsWith("Describe"))).toEqual([
      "DeregisterTargetsCommand",
      "DeregisterTargetsCommand",
    ]);
    expect(await targetIps(moto.url, instanceWorld.writerArn)).toEqual(["10.0.2.50"]);
    expect(await targetIps(moto.url, instanceWorld.readerArn)).toEqual(["10.0.2.50"]);
  });
});
