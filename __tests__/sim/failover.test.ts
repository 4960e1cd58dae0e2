// The failover function's own code (handler, sync, topology, plan, apply, the SDK clients and
// its retry strategy) against a simulated AWS on AWS's documented timeline (params.ts): Aurora's
// documented failover, registration delays, health verdicts that reach the data plane late,
// fail-open, listener changes that land late and switches back that reset, events on time, late
// or lost, stale API answers, throttling bursts, a consumer's connection pool. Every cluster
// scenario runs for every registration delay R, listener delay L and way the events arrive, and
// is held to the two targets of targets.ts, measured from the moment of each fault. Hours of
// simulated time take seconds; the same seed replays the same timeline.
import { readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_WARM_READER_SETS, DEFAULT_WATCH_SECONDS, defaultMemberSlots } from "../../config/schema";
import { DEFAULT_PARAMS, EVENT_TIMINGS, type EventTiming, SWEEP } from "../support/sim/params";
import { type Outcome, type Scenario, simulate, type SimOptions } from "../support/sim/run";
import {
  CLUSTER_SCENARIOS,
  REGISTERING_SCENARIOS,
  ROLE_SCENARIOS,
  WARM_PATH_SCENARIOS,
} from "../support/sim/scenarios";
import {
  cell,
  COMBOS,
  DEMO_R,
  DEMO_SCENARIO,
  demoCell,
  demoHeader,
  demoRow,
  header,
  row,
  rowsOf,
} from "../support/sim/table";
import { bounds } from "../support/sim/targets";

jest.setTimeout(600_000);

const ALL = [...CLUSTER_SCENARIOS, ...ROLE_SCENARIOS, ...REGISTERING_SCENARIOS, ...WARM_PATH_SCENARIOS];
const scenario = (name: string): Scenario => {
  const s = ALL.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario "${name}"`);
  return s;
};
const outcomes = new Map<string, Outcome>();
async function outcome(
  name: string,
  R: number,
  L: number,
  events: EventTiming = "on time",
  seed = 1,
  extra: SimOptions = {},
): Promise<Outcome> {
  const key = JSON.stringify([name, R, L, events, seed, extra]);
  if (!outcomes.has(key))
    outcomes.set(
      key,
      await simulate(scenario(name), { registrationDelayS: R, listenerDelayS: L, events, ...extra }, seed),
    );
  return outcomes.get(key)!;
}
const paramsFor = (R: number, L: number) => ({ ...DEFAULT_PARAMS, registrationDelayS: R, listenerDelayS: L });

const sweep = COMBOS.flatMap(({ R, L }) => EVENT_TIMINGS.map((events) => ({ R, L, events })));

describe.each(CLUSTER_SCENARIOS.map((s) => s.name))("%s", (name) => {
  it.each(sweep)(
    "keeps writer wrong within the cluster endpoint's own exposure plus L, writer dark within RDS's failover time plus a check cycle, the trigger and L, and registers nothing on the way (R=$R s, L=$L s, events $events)",
    async ({ R, L, events }) => {
      const o = await outcome(name, R, L, events);
      const b = bounds(scenario(name), o, paramsFor(R, L));
      expect({
        wrong: o.writerWrongS <= b.writerWrongS,
        dark: o.writerDarkS <= b.writerDarkS,
        registrationsOnFailoverPath: o.registrationsOnFailoverPath,
      }).toEqual({ wrong: true, dark: true, registrationsOnFailoverPath: 0 });
    },
  );
});

// The paths that used to register between RDS finishing and writes flowing: a Blue/Green
// switchover, a Multi-AZ DB instance's failover, a failover to a member Auto Scaling added.
const BLUE_GREEN = "Blue/Green switchover (green members get new IPs)";
const STANDBY = "Multi-AZ DB instance failover, the standby found before it (no registration on the path)";
const warmClusterPaths = [BLUE_GREEN, ...WARM_PATH_SCENARIOS.filter((s) => s.kind === "cluster").map((s) => s.name)];
const warmSweep = COMBOS.flatMap(({ R, L }) => (["on time", "lost"] as const).map((events) => ({ R, L, events })));

describe.each(warmClusterPaths)("%s", (name) => {
  it.each(warmSweep)(
    "registers nothing between the fault and the writer port's move, and keeps writer dark within RDS's own time plus a check cycle, the trigger and L, and writer wrong within the cluster endpoint's plus L (R=$R s, L=$L s, events $events)",
    async ({ R, L, events }) => {
      const o = await outcome(name, R, L, events);
      const b = bounds(scenario(name), o, paramsFor(R, L));
      expect({
        wrong: o.writerWrongS <= b.writerWrongS,
        dark: o.writerDarkS <= b.writerDarkS,
        registrationsOnFailoverPath: o.registrationsOnFailoverPath,
      }).toEqual({ wrong: true, dark: true, registrationsOnFailoverPath: 0 });
    },
  );
});

describe("a Blue/Green switchover", () => {
  it("registers the green members into spare slots before the switchover, fences during it and moves the writer to the green writer's slot at its end, whatever the registration delay", async () => {
    const o = await outcome(BLUE_GREEN, 300, 0);
    const before = o.reports.find((r) => r.eventId === "RDS-EVENT-0244")!;
    expect(before.writerTargets.registered.sort()).toEqual(["10.0.1.77", "10.0.2.77"]);
    expect(before.blueGreen).toMatchObject({ status: "AVAILABLE", unplaced: [] });
    const moves = o.reports.flatMap((r) =>
      r.switches.filter((s) => s.listener === "writer").map((s) => s.to.split("/")[1]),
    );
    // The green writer (orders-a-green-...) took slot 2, the first free one.
    expect(moves.slice(-2)).toEqual(["orders-fence", "orders-m2"]);
    // The same dark seconds for every R: RDS's own switchover time, from the start to the rename.
    const darks = await Promise.all([90, 180, 300].map(async (R) => (await outcome(BLUE_GREEN, R, 0)).writerDarkS));
    expect(new Set(darks).size).toBe(1);
    expect(darks[0]).toBeLessThanOrEqual(o.failoverS[0] + 1);
    expect(o.writerWrongS).toBe(0);
  });

  it("before, it registered green on the way: the new writer's IP took minutes after RDS finished", async () => {
    // The same scenario with no spare slot for green: the switchover then registers.
    const tight = await simulate(
      { ...scenario(BLUE_GREEN), slots: 2 },
      { registrationDelayS: 180, listenerDelayS: 0 },
      1,
    );
    expect(tight.registrationsOnFailoverPath).toBeGreaterThan(0);
    expect(tight.writerDarkS).toBeGreaterThan((await outcome(BLUE_GREEN, 180, 0)).writerDarkS + 60);
    const report = tight.reports.find((r) => r.eventId === "RDS-EVENT-0244")!;
    expect(report.blueGreen!.unplaced.length).toBe(2);
    expect(report.blueGreen!.notes.join(" ")).toMatch(
      /have no free member slot.*Raise provider\.failover\.memberSlots/,
    );
  });
});

describe("a Multi-AZ DB instance", () => {
  it.each(COMBOS)(
    "with its standby found, fails over with no registration, writer dark within RDS's failover time plus a check cycle, the trigger and L, and no more writer wrong than the registering design (R=$R s, L=$L s)",
    async ({ R, L }) => {
      const o = await outcome(STANDBY, R, L);
      const before = await outcome("Multi-AZ DB instance failover (the address moves: registration on the path)", R, L);
      const b = bounds(scenario(STANDBY), o, paramsFor(R, L));
      expect({
        dark: o.writerDarkS <= b.writerDarkS,
        onPath: o.registrationsOnFailoverPath,
        wrong: o.writerWrongS <= before.writerWrongS,
        darkBefore: before.writerDarkS > o.writerDarkS,
      }).toEqual({ dark: true, onPath: 0, wrong: true, darkBefore: true });
    },
  );

  it("reports how it found the standby; with two candidates it falls back, registers on the way as before, and says why", async () => {
    const found = await outcome(STANDBY, 180, 0);
    expect(found.reports[found.reports.length - 1].standby).toEqual({
      ip: "10.0.1.11",
      how: expect.stringMatching(
        /^the one other RDSNetworkInterface interface in vpc-0sim0database with sg-0sim0database, in subnet-0sim01a \(us-east-1a\)/,
      ),
    });
    const two = await outcome(
      "Multi-AZ DB instance failover, two candidate standbys (another database shares the security group): the function falls back and says why",
      180,
      0,
    );
    expect(two.registrationsOnFailoverPath).toBeGreaterThan(0);
    expect(two.reports[0].standby).toEqual({
      ip: null,
      how: expect.stringMatching(
        /2 other RDSNetworkInterface interfaces \(10\.0\.2\.22, 10\.0\.2\.99\) carry sg-0sim0database: another RDS resource shares these security groups/,
      ),
    });
  });
});

describe("the fence: while the cluster fails over, the writer port reaches no node", () => {
  const demo = "Aurora failover, writer and one reader (the demo)";

  it("moves the writer listener to the empty fence group as soon as RDS reports failing-over, then to the new writer's slot", async () => {
    for (const [events, watchSeconds] of [
      ["on time", 0],
      ["lost", DEFAULT_WATCH_SECONDS],
    ] as const) {
      // Without watching, the failover-started event's run fences; with it, the run that is watching.
      const o = await outcome(demo, 180, 0, events, 1, { watchSeconds });
      const after = o.reports.filter((r) => r.trigger !== "deploy");
      const writerMoves = after.flatMap((r) =>
        r.switches.filter((s) => s.listener === "writer").map((s) => s.to.split("/")[1]),
      );
      expect(writerMoves).toEqual(["orders-fence", "orders-m1"]);
      expect(
        after.some((r) => (r.notes ?? []).some((n) => /writer port fenced while the cluster fails over/.test(n))),
      ).toBe(true);
    }
  });

  it("turns the seconds on the old writer, back as a read-only reader before RDS names the new one, into dark ones", async () => {
    // The old writer is up as a reader from +21.5 s; RDS names the new writer at +23.7 s.
    const fenced = await outcome(demo, 180, 30);
    const open = await outcome(demo, 180, 30, "on time", 1, { fence: false });
    expect(open.writerWrongS).toBeGreaterThan(fenced.writerWrongS);
    expect(open.pool.lifetime.connectionSeconds).toBeGreaterThan(0);
    // With L = 0 the fence lands before the old writer is back: no pooled connection lands on it.
    expect((await outcome(demo, 180, 0)).pool.lifetime).toMatchObject({ connectionSeconds: 0, most: 0 });
  });
});

describe("a stale DescribeDBClusters answer", () => {
  const stale = "Aurora failover, a stale DescribeDBClusters answer naming the old writer after it, four members";

  it("does not move the writer port back to the old writer: the cluster endpoint's DNS does not agree, and the next read names the new writer", async () => {
    const o = await outcome(stale, 180, 0);
    const after = o.reports.filter((r) => r.trigger !== "deploy");
    const writerMoves = after.flatMap((r) =>
      r.switches.filter((s) => s.listener === "writer").map((s) => s.to.split("/")[1]),
    );
    expect(writerMoves).toEqual(["orders-fence", "orders-m1"]);
    expect(
      after.some((r) =>
        (r.notes ?? []).some((n) => /writer change to orders-a \(10\.0\.1\.11\) not yet corroborated/.test(n)),
      ),
    ).toBe(true);
  });
});

describe("throttling bursts of 30 s, 100 s and 30 s across three failovers", () => {
  const name = "Aurora failovers under throttling bursts of 30 s, 100 s and 30 s";

  it("never holds the run queue: every run reports and lets its batch go, and a clean run follows each burst within a schedule interval", async () => {
    for (const events of EVENT_TIMINGS) {
      const o = await outcome(name, 180, 75, events);
      expect(o.heldBatches).toBe(0);
      expect(o.throttledCalls).toBeGreaterThan(20);
      for (const s of o.recoveryAfterBurstS) expect(s).toBeLessThanOrEqual(DEFAULT_PARAMS.scheduleEveryS);
    }
  });

  it("puts the writer port right within seconds of each burst's end (L = 0): the run retries inside its own time", async () => {
    const o = await outcome(name, 180, 0);
    const bursts = scenario(name).faults!.throttleBursts!;
    // Each burst starts with a failover; the first bad interval after each burst start ends at most 10 s after the burst.
    for (const [from, to] of bursts) {
      const interval = o.intervals.writer.find(([a]) => a >= from)!;
      expect(interval[1]).toBeLessThanOrEqual(to + 10);
    }
  });
});

describe("watching", () => {
  const name = "Aurora failover, three members";

  it("finds a failover whose events are lost within a poll or two; without watching, the next scheduled run may come a minute later", async () => {
    let watching = 0;
    let blind = 0;
    for (const seed of [1, 2, 3, 4]) {
      const o = await outcome(name, 180, 0, "lost", seed);
      expect([seed, o.writerWrongS]).toEqual([seed, expect.any(Number)]);
      expect(o.writerWrongS).toBeLessThanOrEqual(2);
      watching += o.writerWrongS;
      blind += (await outcome(name, 180, 0, "lost", seed, { watchSeconds: 0 })).writerWrongS;
    }
    expect(blind).toBeGreaterThan(watching + 30);
    expect(DEFAULT_WATCH_SECONDS).toBeGreaterThanOrEqual(DEFAULT_PARAMS.scheduleEveryS);
  });
});

describe("a consumer's connection pool", () => {
  const name = "Aurora failover, three members";

  it("keeps connections opened on the old writer, back as a reader, for their whole lifetime; discarding on the first read-only error ends each at once", async () => {
    const o = await outcome(name, 180, 75);
    expect(o.pool.lifetime.most).toBe(DEFAULT_PARAMS.pool.size);
    expect(o.pool.lifetime.lastS).toBeGreaterThanOrEqual(scenario(name).watchS - 1);
    expect(o.pool.discardOnReadOnly.connectionSeconds).toBeLessThan(o.pool.lifetime.connectionSeconds / 5);
    // Every stale second costs a failed write; a replacement may land on the writer at once.
    expect(o.pool.discardOnReadOnly.readOnlyErrors).toBeGreaterThanOrEqual(o.pool.discardOnReadOnly.connectionSeconds);
  });
});

describe("failbacks", () => {
  it.each(SWEEP.listenerDelayS)(
    "cost the switch-back failure the NLB was reported to show, and no registration (L=%i s)",
    async (L) => {
      const o = await outcome("Aurora failover, then a failback inside the registration delay", 300, L);
      expect(o.failbacks).toBe(1);
      expect(o.registrations).toBe(4); // the deploy run's, and none after
      expect(o.fallbacks).toBe(0);
    },
  );
});

describe("a Multi-AZ DB cluster whose old writer returns with a new IP", () => {
  it("registers the new IP into the member's own slot off the failover path, and drops the old one", async () => {
    const o = await outcome("Multi-AZ DB cluster failover, the old writer returning with a new IP", 180, 0);
    const last = o.reports[o.reports.length - 1];
    // The new IP goes into an empty slot of the six (the members and their green copies), never beside a leaving target.
    expect(last.slots?.filter((m) => m !== null).sort()).toEqual(["orders-a", "orders-b", "orders-c"]);
    expect(last.slots).toHaveLength(defaultMemberSlots(false));
    expect(o.reports.some((r) => r.writerTargets.registered.includes("10.0.1.99"))).toBe(true);
    expect(o.reports.some((r) => r.writerTargets.deregistered.includes("10.0.1.11"))).toBe(true);
    expect(o.registrationsOnFailoverPath).toBe(0);
  });

  it("fails back to it at the cost of what is left of its registration: the one registration on a failover path that spare slots cannot avoid", async () => {
    const name = "Multi-AZ DB cluster failover: the old writer returns with a new IP, then a failback 200 s later";
    const quick = await outcome(name, 90, 0);
    const slow = await outcome(name, 300, 0);
    expect(slow.writerDarkS).toBeGreaterThan(quick.writerDarkS + 60);
  });
});

describe("what the function reports", () => {
  it("names a member in a zone the NLB does not enable in every run, so the alarm fires, and never holds the run queue for it", async () => {
    const o = await outcome("a reader in a zone the NLB does not enable", 180, 0);
    expect(o.failedRuns).toBeGreaterThan(10);
    expect(o.heldBatches).toBe(0);
    for (const r of o.reports.slice(-5))
      expect(r.problems.join(" ")).toMatch(
        /orders-c \(10\.0\.3\.33\) reads "unused".*Availability Zone is not enabled/,
      );
  });

  it("fails safe when the cluster becomes a global database's secondary: nothing moves, reads keep working, and every run says why", async () => {
    const o = await outcome("Global database switchover: this cluster becomes a secondary", 180, 75);
    const last = o.reports[o.reports.length - 1];
    expect(last.problems.join(" ")).toMatch(
      /secondary \(replicating from arn:aws:rds:eu-west-1:111111111111:cluster:orders-eu\)/,
    );
    expect(o.readerDarkS).toBe(0);
    expect(o.reports.slice(-5).every((r) => r.switches.length === 0 && r.registrations === 0)).toBe(true);
  });

  it("follows a Blue/Green switchover to the green writer, warm: no fallback, nothing to alarm on", async () => {
    const o = await outcome("Blue/Green switchover (green members get new IPs)", 180, 75);
    expect(o.fallbacks).toBe(0);
    const last = o.reports[o.reports.length - 1];
    expect(last.writer?.ip).toBe("10.0.1.77");
    expect(last.problems).toEqual([]);
  });
});

describe("the measure itself", () => {
  it("replays exactly from the same seed, and holds for other seeds", async () => {
    const name = "Aurora failover with events duplicated and reordered";
    const a = await simulate(scenario(name), { registrationDelayS: 180, listenerDelayS: 75 }, 7);
    const b = await simulate(scenario(name), { registrationDelayS: 180, listenerDelayS: 75 }, 7);
    expect({ ...a, reports: a.reports.length }).toEqual({ ...b, reports: b.reports.length });
    for (const seed of [2, 3, 4]) {
      const o = await outcome(name, 180, 75, "late", seed);
      const bound = bounds(scenario(name), o, paramsFor(180, 75));
      expect([seed, o.writerWrongS <= bound.writerWrongS, o.writerDarkS <= bound.writerDarkS]).toEqual([
        seed,
        true,
        true,
      ]);
    }
  });

  it("catches a shell whose listener changes never land (the test can fail)", async () => {
    const name = "Aurora failover, three members";
    const broken = await simulate(
      { ...scenario(name), faults: { listenerChangesLost: true } },
      { registrationDelayS: 180, listenerDelayS: 0 },
      1,
    );
    expect(broken.writerWrongS).toBeGreaterThan(bounds(scenario(name), broken, paramsFor(180, 0)).writerWrongS);
  });

  it("counts the registering design's bad seconds: registration delay plus health checks", async () => {
    for (const R of SWEEP.registrationDelayS) {
      const o = await outcome("Aurora failover, one group that registers the new writer (no warm slots)", R, 0);
      expect(o.writerDarkS + o.writerWrongS).toBeGreaterThanOrEqual(R);
    }
  });
});

describe("health-check load", () => {
  it.each([2, 3, 6])(
    "registers at most 2N targets for N = %i members (N + warmReaderSets x (N - 1)), not N x N, with 16 slots deployed",
    async (n) => {
      const name = {
        2: "Aurora failover, writer and one reader (the demo)",
        3: "Aurora failover, three members",
        6: "Aurora failover, six members, to the best candidate (tier 1)",
      }[n]!;
      const o = await outcome(name, 180, 75);
      expect(DEFAULT_WARM_READER_SETS).toBe(1);
      expect(o.targets).toBe(n + DEFAULT_WARM_READER_SETS * (n - 1));
      expect(o.targets).toBeLessThanOrEqual(2 * n);
    },
  );
});

describe("docs/failover-timeline.md", () => {
  it("is the simulation's, figure for figure (npm run bench prints the same table)", async () => {
    const doc = readFileSync(path.join(__dirname, "..", "..", "docs", "failover-timeline.md"), "utf8");
    expect(doc).toContain(header()[0]);
    const expected: string[] = [];
    for (const [scenarios, everyTiming] of [
      [CLUSTER_SCENARIOS, true],
      [ROLE_SCENARIOS, false],
      [WARM_PATH_SCENARIOS, false],
      [REGISTERING_SCENARIOS, false],
    ] as const) {
      for (const { scenario: s, events } of rowsOf(scenarios, everyTiming)) {
        const cells: string[] = [];
        for (const { R, L } of COMBOS) cells.push(cell(await outcome(s.name, R, L, events)));
        expected.push(row(s.name, events, cells));
      }
    }
    // The timeline table alone: the RDS Proxy tables below it name some of the same scenarios (proxy.test.ts checks those).
    const table = doc.slice(doc.indexOf("<!-- BEGIN TIMELINE TABLE"), doc.indexOf("<!-- END TIMELINE TABLE"));
    const rows = table.split("\n").filter((l) => ALL.some((s) => l.startsWith(`| ${s.name} |`)));
    expect(rows).toEqual(expected);
  });
});

describe("the demo timeline of docs/failover-timeline.md", () => {
  it("is the simulation's, figure for figure (npm run bench prints the same table)", async () => {
    const doc = readFileSync(path.join(__dirname, "..", "..", "docs", "failover-timeline.md"), "utf8");
    const section = doc.slice(doc.indexOf("<!-- BEGIN DEMO TIMELINE"), doc.indexOf("<!-- END DEMO TIMELINE"));
    const expected = [...demoHeader()];
    for (const events of EVENT_TIMINGS) {
      const cells: string[] = [];
      for (const L of SWEEP.listenerDelayS) cells.push(demoCell(await outcome(DEMO_SCENARIO, DEMO_R, L, events)));
      expected.push(demoRow(events, cells));
    }
    expect(section.split("\n").filter((l) => l.startsWith("|"))).toEqual(expected);
  });
});

describe("the health-check load table of docs/health-checks.md", () => {
  it.each(["docs/health-checks.md"])(
    "%s states N + warmReaderSets x (N - 1) targets and (1 + warmReaderSets) x zones / 10 probes a second, as bench/failover-sim.ts prints",
    (file) => {
      const text = readFileSync(path.join(__dirname, "..", "..", file), "utf8");
      const rows = text
        .split("\n")
        .filter((l) => /^\| \d+ \| \d+ \| \d+ \| [\d.]+ \/ [\d.]+ \| [\d.]+ \/ [\d.]+ \|$/.test(l));
      expect(rows.length).toBeGreaterThanOrEqual(6);
      for (const r of rows) {
        const [n, now, before, z2, z3, b2, b3] = r
          .split(/[|/]/)
          .map((c) => c.trim())
          .filter(Boolean)
          .map(Number);
        const sets = Math.min(DEFAULT_WARM_READER_SETS, n);
        const groups = 1 + sets - (sets === n ? 1 : 0);
        expect([n, now, before, z2, z3, b2, b3]).toEqual([
          n,
          n + sets * (n - 1),
          n * n,
          (groups * 2) / 10,
          (groups * 3) / 10,
          (n * 2) / 10,
          (n * 3) / 10,
        ]);
      }
    },
  );
});

describe("the simulation's parameters", () => {
  it("are the stack's own where the stack sets them: function timeout, run queue, health checks", () => {
    // Required here, not imported at the top: the construct pulls in the provider bindings.
    const fs =
      require("../../stacks/constructs/failover-sync") as typeof import("../../stacks/constructs/failover-sync");
    expect(DEFAULT_PARAMS.functionTimeoutS).toBe(fs.FUNCTION_TIMEOUT_SECONDS);
    expect(DEFAULT_PARAMS.runQueue.visibilityTimeoutS).toBe(fs.RUN_VISIBILITY_TIMEOUT_SECONDS);
    expect(DEFAULT_PARAMS.runQueue.maxReceives).toBe(fs.RUN_MAX_RECEIVES);
    const text = readFileSync(path.join(__dirname, "..", "..", "stacks", "constructs", "load-balancer.ts"), "utf8");
    expect(text).toContain(`interval: ${DEFAULT_PARAMS.healthCheckIntervalS},`);
    expect(text).toContain(`healthyThreshold: ${DEFAULT_PARAMS.healthyThreshold},`);
    expect(text).toContain(`unhealthyThreshold: ${DEFAULT_PARAMS.unhealthyThreshold},`);
  });
});
