// Failover under faults, against moto and the loopback DNS server. After a failover (and, in
// some scenarios, a member replaced with a new IP), each scenario runs the sync until the
// writer and reader ports reach the right members, counting the runs, while an observer reads
// both ports after every write call to catch a moment when either forwards to a group with no
// live target. Faults that moto cannot produce are injected into the SDK clients in-process.
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { CORROBORATE_MS } from "../../functions/failover-sync/plan";
import { sync, type SyncSettings } from "../../functions/failover-sync/sync";
import { SILENT } from "../../functions/failover-sync/telemetry";
import { type DnsServer, startDns } from "../support/dns";
import { type Around, intercept } from "../support/intercept";
import { type Moto, startMoto } from "../support/moto";
import {
  clientConfig,
  type ClusterWorld,
  createClusterWorld,
  failoverTo,
  instanceAddress,
  loopbackResolver,
  portReaches,
  testSettings,
} from "../support/world";

jest.setTimeout(120_000);

const IPS: Record<string, string> = { "db-1": "10.0.1.11", "db-2": "10.0.2.22", "db-3": "10.0.3.33" };
const REPLACED_IP = "10.0.3.99";
const WRITES = new Set(["RegisterTargetsCommand", "DeregisterTargetsCommand", "ModifyListenerCommand"]);

let moto: Moto;
let dns: DnsServer;
let world: ClusterWorld;
const results: Array<{ scenario: string; runs: number; everEmpty: boolean }> = [];

/** Clients whose every call passes through `fault`; after each write both ports are observed. */
function clients(fault: Around, observe: () => Promise<void>) {
  const config = { ...clientConfig(moto.url), maxAttempts: 5 };
  const around: Around = async (command, send, input) => {
    try {
      return await fault(command, send, input);
    } finally {
      if (WRITES.has(command)) await observe();
    }
  };
  return {
    rds: intercept(new RDSClient(config), around),
    elb: intercept(new ElasticLoadBalancingV2Client(config), around),
  };
}

// Long enough for reads to corroborate the writer (CORROBORATE_MS) where the cluster endpoint's DNS lags.
const settings = (): SyncSettings => testSettings(world, { pollDeadlineMs: CORROBORATE_MS + 2000 });

const event = (id: string) => ({
  source: "aws.rds",
  "detail-type": "RDS DB Cluster Event",
  time: new Date().toISOString(),
  detail: { EventID: id, SourceIdentifier: "rds:db" },
});
const error = (name: string, status: number, fault: "client" | "server") =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

interface Scenario {
  name: string;
  /** The events of each run until the ports converge (default: one "finished" event). */
  events?: unknown[];
  /** Start a run's events all at once instead of one after the other. */
  parallel?: boolean;
  /** An event delivered after convergence, which must change nothing. */
  late?: unknown;
  fault?: () => Around;
  /** Extra set-up after the failover, before the first run. */
  before?: () => void;
  /** db-3 is replaced by an instance with a new IP at the same time: registrations too. */
  replaced?: boolean;
}

const passThrough: Around = (_c, send) => send();

function nthCalls(
  command: string,
  shouldFail: (n: number) => boolean,
  make: () => Error,
  afterSend = false,
): () => Around {
  return () => {
    let n = 0;
    return async (c, send) => {
      if (c !== command) return send();
      n++;
      if (!shouldFail(n)) return send();
      if (afterSend) await send(); // the call reached ELB, then the run died
      throw make();
    };
  };
}

const scenarios: Scenario[] = [
  { name: "no fault" },
  {
    name: "ELB throttles the first two listener switches (in-process fault)",
    fault: nthCalls(
      "ModifyListenerCommand",
      (n) => n <= 2,
      () => error("ThrottlingException", 400, "client"),
    ),
  },
  {
    name: "the writer switch times out after it reached ELB, and is retried (in-process fault)",
    fault: nthCalls(
      "ModifyListenerCommand",
      (n) => n === 1,
      () => error("TimeoutError", 0, "client"),
      true,
    ),
  },
  {
    name: "the run crashes between the writer switch and the reader switch (in-process fault)",
    fault: nthCalls(
      "ModifyListenerCommand",
      (n) => n === 1,
      () => error("Crash", 0, "client"),
      true,
    ),
  },
  {
    name: "a member replaced: ELB throttles the first two register calls (in-process fault)",
    replaced: true,
    fault: nthCalls(
      "RegisterTargetsCommand",
      (n) => n <= 2,
      () => error("ThrottlingException", 400, "client"),
    ),
  },
  {
    name: "RDS answers 503 three times (in-process fault)",
    fault: nthCalls(
      "DescribeDBClustersCommand",
      (n) => n <= 3,
      () => error("ServiceUnavailable", 503, "server"),
    ),
  },
  {
    name: "a member replaced: the run times out right after registering (in-process fault)",
    replaced: true,
    fault: nthCalls(
      "RegisterTargetsCommand",
      (n) => n === 1,
      () => error("TimeoutError", 0, "client"),
      true,
    ),
  },
  {
    name: "a member replaced: the run crashes between register and deregister (in-process fault)",
    replaced: true,
    fault: nthCalls(
      "DeregisterTargetsCommand",
      (n) => n === 1,
      () => error("Crash", 0, "client"),
    ),
  },
  { name: "two runs at once", events: [event("RDS-EVENT-0071"), { trigger: "schedule" }], parallel: true },
  { name: "the finished event delivered twice", events: [event("RDS-EVENT-0071"), event("RDS-EVENT-0071")] },
  { name: "finished arrives before started", late: event("RDS-EVENT-0073") },
  {
    name: "DNS still answers the old writer for the cluster endpoint",
    before: () => dns.records.set(world.endpoint, IPS["db-1"]),
  },
];

beforeAll(async () => {
  [moto, dns] = await Promise.all([startMoto(), startDns()]);
});

afterAll(async () => {
  await Promise.all([moto?.stop(), dns?.close()]);
  const width = Math.max(...results.map((r) => r.scenario.length));
  const lines = results.map(
    (r) =>
      `  ${r.scenario.padEnd(width)}  runs to converge: ${r.runs}  a port ever without a live target: ${r.everEmpty ? "YES" : "no"}`,
  );
  process.stdout.write(
    `\nfault scenarios: ${results.filter((r) => !r.everEmpty).length} of ${results.length} kept both ports on a live target\n${lines.join("\n")}\n`,
  );
});

beforeEach(async () => {
  await moto.reset();
  dns.records.clear();
  world = await createClusterWorld(moto.url, dns, { cluster: "db", engine: "aurora-postgresql", members: IPS });
});

describe("failover under faults converges, and neither port ever forwards to a group without a live target", () => {
  it.each(scenarios)("$name", async (scenario) => {
    let everEmpty = false;
    const writerPort = () => portReaches(moto.url, world.writerListenerArn);
    const readerPort = () => portReaches(moto.url, world.readerListenerArn);
    const observe = async () => {
      const [w, r] = await Promise.all([writerPort(), readerPort()]);
      if (w.length === 0 || r.length === 0) everEmpty = true;
    };
    // Before the failover: every slot populated by a clean run, not observed.
    await sync({ trigger: "deploy" }, settings(), {
      ...clients(passThrough, async () => undefined),
      resolve: loopbackResolver(dns),
      log: SILENT,
      now: Date.now,
      sleep,
    });
    expect((await writerPort()).length * (await readerPort()).length).toBeGreaterThan(0);
    await failoverTo(moto.url, "db", "db-2");
    // RDS moves the cluster endpoint's record with the writer.
    dns.records.set(world.endpoint, IPS["db-2"]);
    if (scenario.replaced) dns.records.set(instanceAddress("db-3"), REPLACED_IP);
    scenario.before?.();

    const fault = (scenario.fault ?? (() => passThrough))();
    const deps = { ...clients(fault, observe), resolve: loopbackResolver(dns), log: SILENT, now: Date.now, sleep };
    const readers = [IPS["db-1"], scenario.replaced ? REPLACED_IP : IPS["db-3"]].sort().join();
    const converged = async () =>
      (await writerPort()).join() === IPS["db-2"] && (await readerPort()).join() === readers;
    let runs = 0;
    while (!(await converged()) && runs < 5) {
      runs++;
      const batch = scenario.events ?? [event("RDS-EVENT-0071")];
      if (scenario.parallel) await Promise.allSettled(batch.map((e) => sync(e, settings(), deps)));
      else for (const e of batch) await sync(e, settings(), deps).catch(() => undefined);
    }
    // A late event must not move anything: the writer stays, nothing flaps.
    if (scenario.late) await sync(scenario.late, settings(), deps);
    results.push({ scenario: scenario.name, runs, everEmpty });
    expect(await converged()).toBe(true);
    expect(runs).toBeLessThanOrEqual(2);
    expect(everEmpty).toBe(false);
  });
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
