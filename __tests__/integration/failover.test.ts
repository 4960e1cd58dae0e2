// The failover function against a real AWS emulator (moto server) and a real DNS server.
// Faults that neither can produce (throttling, 5xx, a crash between two calls) are injected
// into the SDK clients in-process, and those tests say so in their names.
import { ElasticLoadBalancingV2Client, RegisterTargetsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { handler } from "../../functions/failover-sync/index";
import { sync, SyncDeps, SyncError, SyncSettings } from "../../functions/failover-sync/sync";
import { DnsServer, startDns } from "./dns";
import { intercept } from "./intercept";
import { Moto, startMoto } from "./moto";
import { createWorld, failoverTo, instanceAddress, loopbackResolver, REGION, SILENT, targetIps, TEST_CREDENTIALS, testSettings, World } from "./world";

jest.setTimeout(60_000);

const CLUSTER = "orders";
const IPS: Record<string, string> = { "orders-1": "10.0.1.11", "orders-2": "10.0.2.22", "orders-3": "10.0.3.33" };

let moto: Moto;
let dns: DnsServer;
let world: World;
let writerArn: string;
let readerArn: string;

/** Every command a client sends, with the number of attempts, in order. */
interface Recorder {
  calls: string[];
  /** Makes the next `times` attempts of `command` fail with `error` before they reach moto. */
  fail(command: string, times: number, error: () => Error): void;
}

function recorded<T extends RDSClient | ElasticLoadBalancingV2Client>(client: T): T & { recorder: Recorder } {
  const faults: Array<{ command: string; left: number; error: () => Error }> = [];
  const recorder: Recorder = {
    calls: [],
    fail: (command, times, error) => faults.push({ command, left: times, error }),
  };
  intercept(client, async (command, send) => {
    recorder.calls.push(command);
    const fault = faults.find((f) => f.command === command && f.left > 0);
    if (fault) {
      fault.left--;
      throw fault.error();
    }
    return send();
  });
  return Object.assign(client, { recorder });
}

const throttling = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $fault: "client", $metadata: { httpStatusCode: 400 } });
const serverError = () => Object.assign(new Error("Internal failure"), { name: "InternalFailure", $fault: "server", $metadata: { httpStatusCode: 503 } });
const crash = () => Object.assign(new Error("Task timed out after 90.00 seconds"), { name: "Crash", $fault: "client", $metadata: {} });

function clients() {
  const config = { region: REGION, endpoint: moto.url, credentials: TEST_CREDENTIALS, maxAttempts: 5 };
  return { rds: recorded(new RDSClient(config)), elb: recorded(new ElasticLoadBalancingV2Client(config)) };
}

function settings(overrides: Partial<SyncSettings> = {}): SyncSettings {
  return testSettings(world, overrides);
}

function deps(c = clients(), overrides: Partial<SyncDeps> = {}): SyncDeps {
  return { ...c, resolve: loopbackResolver(dns), log: SILENT, now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), ...overrides };
}

const targets = (arn: string) => targetIps(moto.url, arn);
const failover = (to: string) => failoverTo(moto.url, CLUSTER, to);

const rdsEvent = (id: string, ageMs = 0) => ({
  source: "aws.rds",
  "detail-type": "RDS DB Cluster Event",
  time: new Date(Date.now() - ageMs).toISOString(),
  detail: { EventID: id, SourceIdentifier: CLUSTER },
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
  world = await createWorld(moto.url, dns, { cluster: CLUSTER, engine: "aurora-mysql", members: IPS });
  ({ writerArn, readerArn } = world);
});

describe("the handler against moto and a DNS server", () => {
  beforeEach(() => {
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      DB_CLUSTER_IDENTIFIER: CLUSTER,
      WRITER_TARGET_GROUP_ARN: writerArn,
      READER_TARGET_GROUP_ARN: readerArn,
      TARGET_PORT: "3306",
      ALLOWED_CIDRS: "10.0.0.0/16",
      DNS_SERVERS: dns.address,
    });
  });

  it("populates both groups on the first run, then follows a failover", async () => {
    const first = await handler({ trigger: "deploy" });
    expect(first.writer).toEqual({ instance: "orders-1", ip: IPS["orders-1"] });
    expect(await targets(writerArn)).toEqual([IPS["orders-1"]]);
    expect(await targets(readerArn)).toEqual([IPS["orders-2"], IPS["orders-3"]]);

    await failover("orders-2");
    const report = await handler(rdsEvent("RDS-EVENT-0071"));
    expect(report.trigger).toBe("failover-finished");
    expect(report.writerTargets).toEqual({ registered: [IPS["orders-2"]], deregistered: [IPS["orders-1"]], refused: [] });
    expect(await targets(writerArn)).toEqual([IPS["orders-2"]]);
    expect(await targets(readerArn)).toEqual([IPS["orders-1"], IPS["orders-3"]].sort());
    expect(report.writerChanged).toBe(true);
    expect(report).toHaveProperty("durationMs");
  });

  it("throws and leaves both groups unchanged when DNS is down", async () => {
    await handler({ trigger: "deploy" });
    await failover("orders-3");
    dns.mode = "servfail";
    await expect(handler(rdsEvent("RDS-EVENT-0071"))).rejects.toThrow(/DNS lookup of orders-3\..* failed/);
    expect(await targets(writerArn)).toEqual([IPS["orders-1"]]);
    expect(await targets(readerArn)).toEqual([IPS["orders-2"], IPS["orders-3"]]);
  });

  it("refuses an IP outside the allowed CIDRs, reports it and registers the rest", async () => {
    dns.records.set(instanceAddress("orders-3"), "192.168.7.7");
    const error = (await handler({ trigger: "schedule" }).catch((e) => e)) as SyncError;
    expect(error).toBeInstanceOf(SyncError);
    expect(error.report.readerTargets?.refused).toEqual([{ ip: "192.168.7.7", reason: "outside the allowed CIDRs 10.0.0.0/16" }]);
    expect(await targets(readerArn)).toEqual([IPS["orders-2"]]);
    expect(await targets(writerArn)).toEqual([IPS["orders-1"]]);
  });

  it("writes structured JSON logs and EMF metrics, and never the credentials", async () => {
    process.env.AWS_SECRET_ACCESS_KEY = "sEcReT-must-not-be-logged-4711";
    process.env.AWS_SESSION_TOKEN = "tOkEn-must-not-be-logged-4711";
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    try {
      await handler({ trigger: "deploy" });
      dns.mode = "servfail";
      await handler({ trigger: "schedule" }).catch(() => undefined);
    } finally {
      write.mockRestore();
      delete process.env.AWS_SESSION_TOKEN;
    }
    const records = lines.join("").trim().split("\n").map((l) => JSON.parse(l));
    expect(records.every((r) => typeof r.correlationId === "string")).toBe(true);
    expect(records.some((r) => r.message === "failover sync report")).toBe(true);
    const emf = records.filter((r) => r._aws);
    expect(emf.map((r) => r._aws.CloudWatchMetrics[0].Namespace)).toContain("RdsPrivateLink");
    expect(emf.some((r) => r.SyncErrors === 1)).toBe(true);
    expect(emf.some((r) => r.TargetsRegistered === 3 && r.WriterChanged === 0)).toBe(true);
    expect(lines.join("")).not.toMatch(/must-not-be-logged/);
  });

  it("names every missing or malformed environment variable", async () => {
    delete process.env.WRITER_TARGET_GROUP_ARN;
    process.env.TARGET_PORT = "x";
    await expect(handler({})).rejects.toThrow("failover-sync misconfigured: WRITER_TARGET_GROUP_ARN must be a target group ARN; TARGET_PORT must be a port number");
  });
});

describe("sync against moto, observed call by call", () => {
  it("registers the new writer before deregistering the old one", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    await failover("orders-2");
    c.elb.recorder.calls.length = 0;
    await sync(rdsEvent("RDS-EVENT-0071"), settings(), deps(c));
    const writes = c.elb.recorder.calls.filter((x) => x !== "DescribeTargetHealthCommand");
    expect(writes).toEqual(["RegisterTargetsCommand", "DeregisterTargetsCommand", "RegisterTargetsCommand", "DeregisterTargetsCommand"]);
  });

  it("makes no write call, and at most 4 calls, when nothing changed", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    c.elb.recorder.calls.length = 0;
    c.rds.recorder.calls.length = 0;
    const report = await sync({ trigger: "schedule" }, settings(), deps(c));
    expect(c.elb.recorder.calls).toEqual(["DescribeTargetHealthCommand", "DescribeTargetHealthCommand"]);
    expect(c.rds.recorder.calls).toEqual(["DescribeDBClustersCommand", "DescribeDBInstancesCommand"]);
    expect(report.writerTargets.registered).toEqual([]);
  });

  it("on 'failover started' polls until the RDS API names a new writer, then applies at once", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    let sleeps = 0;
    const report = await sync(rdsEvent("RDS-EVENT-0073"), settings(), deps(c, {
      sleep: async () => {
        if (++sleeps === 3) await failover("orders-3");
      },
    }));
    expect(report.polls).toBe(4);
    expect(await targets(writerArn)).toEqual([IPS["orders-3"]]);
  });

  it("does not wait on a stale 'started' event that arrives after the failover finished", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    await failover("orders-2");
    await sync(rdsEvent("RDS-EVENT-0071"), settings(), deps(c));
    let sleeps = 0;
    const report = await sync(rdsEvent("RDS-EVENT-0073", 10 * 60_000), settings(), deps(c, { sleep: async () => void sleeps++ }));
    expect(sleeps).toBe(0);
    expect(report.writerTargets.registered).toEqual([]);
    expect(await targets(writerArn)).toEqual([IPS["orders-2"]]);
  });

  it("gives up polling at the deadline and leaves the writer group as it is", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    let clock = Date.now();
    const report = await sync(rdsEvent("RDS-EVENT-0073"), settings({ pollDeadlineMs: 1000, pollIntervalMs: 100 }), deps(c, {
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    }));
    expect(report.polls).toBeLessThanOrEqual(11);
    expect(await targets(writerArn)).toEqual([IPS["orders-1"]]);
  });

  it("retries ELB throttling with backoff and succeeds (in-process fault)", async () => {
    const c = clients();
    c.elb.recorder.fail("RegisterTargetsCommand", 2, throttling);
    await sync({ trigger: "deploy" }, settings(), deps(c));
    expect(c.elb.recorder.calls.filter((x) => x === "RegisterTargetsCommand")).toHaveLength(4); // 2 failed + writer + reader
    expect(await targets(writerArn)).toEqual([IPS["orders-1"]]);
  });

  it("retries RDS 5xx with backoff and succeeds (in-process fault)", async () => {
    const c = clients();
    c.rds.recorder.fail("DescribeDBClustersCommand", 2, serverError);
    const report = await sync({ trigger: "deploy" }, settings(), deps(c));
    expect(c.rds.recorder.calls.filter((x) => x === "DescribeDBClustersCommand")).toHaveLength(3);
    expect(report.writer?.instance).toBe("orders-1");
  });

  it("fails loudly and touches nothing when RDS keeps failing (in-process fault)", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    c.rds.recorder.fail("DescribeDBClustersCommand", 99, serverError);
    await failover("orders-2");
    await expect(sync({ trigger: "schedule" }, settings(), deps(c))).rejects.toThrow("Internal failure");
    expect(await targets(writerArn)).toEqual([IPS["orders-1"]]);
  });

  it("finishes on the next run after a crash between register and deregister (in-process fault)", async () => {
    const c = clients();
    await sync({ trigger: "deploy" }, settings(), deps(c));
    await failover("orders-2");
    c.elb.recorder.fail("DeregisterTargetsCommand", 1, crash);
    await expect(sync(rdsEvent("RDS-EVENT-0071"), settings(), deps(c))).rejects.toThrow("Task timed out");
    // Never empty: the new writer is in, the old one is still there.
    expect(await targets(writerArn)).toEqual([IPS["orders-1"], IPS["orders-2"]].sort());
    await sync(rdsEvent("RDS-EVENT-0071"), settings(), deps(c));
    expect(await targets(writerArn)).toEqual([IPS["orders-2"]]);
  });

  it("leaves the groups as they are when no member can be resolved", async () => {
    const c = clients();
    // A target from an earlier life of the group, and members whose names resolve nowhere.
    await c.elb.send(new RegisterTargetsCommand({ TargetGroupArn: writerArn, Targets: [{ Id: "10.0.9.9", Port: 3306 }] }));
    dns.records.clear();
    const error = (await sync({ trigger: "schedule" }, settings(), deps(c)).catch((e) => e)) as SyncError;
    expect(error.report.writerTargets.heldBecause).toBe("desired targets unknown");
    expect(await targets(writerArn)).toEqual(["10.0.9.9"]);
  });
});
