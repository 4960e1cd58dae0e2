// The failover function's own code (handler, sync, topology, plan, apply, the SDK clients)
// against a simulated AWS on a virtual clock: registration delays, health checks, listener
// changes that land late, instances that restart, events late, lost or twice, API faults. Each
// scenario runs for every registration delay R and listener delay L of the sweep. Hours of
// simulated time take seconds; the same seed replays the same timeline.
import { readFileSync } from "fs";
import path from "path";
import { DEFAULT_PARAMS, SWEEP } from "../support/sim/params";
import { Outcome, simulate } from "../support/sim/run";
import { CLUSTER_SCENARIOS, REGISTERING_SCENARIOS, ROLE_SCENARIOS } from "../support/sim/scenarios";

jest.setTimeout(120_000);

const sweep = SWEEP.registrationDelayS.flatMap((R) => SWEEP.listenerDelayS.map((L) => ({ R, L })));
const outcomes = new Map<string, Outcome>();
async function outcome(name: string, R: number, L: number, seed = 1): Promise<Outcome> {
  const key = `${name}|${R}|${L}|${seed}`;
  if (!outcomes.has(key)) {
    const scenario = [...CLUSTER_SCENARIOS, ...ROLE_SCENARIOS, ...REGISTERING_SCENARIOS].find((s) => s.name === name)!;
    outcomes.set(key, await simulate(scenario, { registrationDelayS: R, listenerDelayS: L }, seed));
  }
  return outcomes.get(key)!;
}

// Both members restart in a failback; the one that is back passes its checks in one target group
// a few seconds before another (each group checks on its own phase), and no listener can move
// faster than that. Measured: 2 s; bounded here by one health-check interval.
const HEALTH_CHECK_SKEW = new Set(["Aurora failover, then a failback inside the registration delay"]);

describe.each(CLUSTER_SCENARIOS.map((s) => s.name))("%s", (name) => {
  it.each(sweep)("never leaves the writer port dark or on a non-writer beyond the next trigger plus L (R=$R s, L=$L s)", async ({ R, L }) => {
    const o = await outcome(name, R, L);
    expect({ writerExcessS: o.writerExcessS, intervals: o.intervals.writer }).toEqual({ writerExcessS: 0, intervals: o.intervals.writer });
  });

  it.each(sweep)("keeps the reader port on a healthy member whenever one is up (R=$R s, L=$L s)", async ({ R, L }) => {
    const o = await outcome(name, R, L);
    expect(o.readerExcessS).toBe(0);
    if (HEALTH_CHECK_SKEW.has(name)) expect(o.readerDarkS).toBeLessThanOrEqual(DEFAULT_PARAMS.healthCheckIntervalS);
    else expect({ readerDarkS: o.readerDarkS, intervals: o.intervals.reader }).toEqual({ readerDarkS: 0, intervals: [] });
  });

  it.each(sweep)("registers nothing before the writer port moves (R=$R s, L=$L s)", async ({ R, L }) => {
    expect((await outcome(name, R, L)).registrationsOnFailoverPath).toBe(0);
  });
});

describe("a failback inside the registration delay", () => {
  // Both end when the promoted reader passes its health checks again, which happens at its own
  // phase within a check interval: that, not the registration delay, is the only difference.
  it.each(sweep)("is as fast as the failover before it, to within one health-check interval (R=$R s, L=$L s)", async ({ R, L }) => {
    for (const name of ["Aurora failover, then a failback inside the registration delay", "Aurora failover, then a failback inside the registration delay, three members"]) {
      const [first, second] = (await outcome(name, R, L)).intervals.writer;
      expect(second[1] - second[0]).toBeLessThanOrEqual(first[1] - first[0] + DEFAULT_PARAMS.healthCheckIntervalS);
      expect(second[1] - second[0]).toBeLessThan(R);
    }
  });

  it("keeps the old writer registered through its restart, so its slot is warm when it comes back", async () => {
    const o = await outcome("Aurora failover, then a failback inside the registration delay", 300, 75);
    expect(o.registrations).toBe(4); // the first run's four, and none after
    expect(o.fallbacks).toBe(0);
  });
});

describe("the plain failover", () => {
  it("switches listeners only: no registration in the whole run, and the writer dark only until the promoted reader is back plus L", async () => {
    const o = await outcome("Aurora failover, writer and one reader (the demo)", 300, 75);
    expect(o.registrations).toBe(4); // the deploy run's
    const failover = o.reports.find((r) => r.trigger === "failover-started")!;
    expect(failover.registrations).toBe(0);
    expect(failover.switches.map((s) => s.listener)).toContain("writer");
    // Named at 60 s (t0 + 30 + 30); the promoted reader restarted for 30 s, so its checks pass
    // again by 80 s; then L = 75 s. Nothing is dark after that.
    const [[from, to]] = o.intervals.writer;
    expect(from).toBeGreaterThanOrEqual(60);
    expect(to).toBeLessThanOrEqual(80 + 75 + 1);
  });

  it("with every event lost, the schedule alone moves the writer within a minute plus L", async () => {
    const o = await outcome("Aurora failover with every RDS event lost: the schedule alone", 180, 75);
    expect(o.reports.some((r) => r.trigger === "failover-started")).toBe(false);
    const [[, to]] = o.intervals.writer;
    expect(to).toBeLessThanOrEqual(60 + 60 + 75 + 1);
  });

  it("replays exactly from the same seed, and holds for other seeds", async () => {
    const name = "Aurora failover with events duplicated and reordered";
    const a = await simulate(CLUSTER_SCENARIOS.find((s) => s.name === name)!, { registrationDelayS: 180, listenerDelayS: 75 }, 7);
    const b = await simulate(CLUSTER_SCENARIOS.find((s) => s.name === name)!, { registrationDelayS: 180, listenerDelayS: 75 }, 7);
    expect({ ...a, reports: a.reports.length }).toEqual({ ...b, reports: b.reports.length });
    for (const seed of [2, 3, 4, 5]) {
      const o = await outcome(name, 180, 75, seed);
      expect([seed, o.writerExcessS, o.readerExcessS]).toEqual([seed, 0, 0]);
    }
  });
});

describe("what the function reports", () => {
  it("names a member in a zone the NLB does not enable, in every run, so the alarm fires, and never holds the run queue for it", async () => {
    const o = await outcome("a reader in a zone the NLB does not enable", 180, 0);
    expect(o.failedRuns).toBeGreaterThan(10);
    expect(o.heldBatches).toBe(0);
    const runsAfterWarm = o.reports.slice(-5);
    for (const r of runsAfterWarm) expect(r.problems.join(" ")).toMatch(/orders-c \(10\.0\.3\.33\) reads "unused".*Availability Zone is not enabled/);
  });

  it("fails safe when the cluster becomes a global database's secondary: nothing moves, reads keep working, and every run says why", async () => {
    const o = await outcome("Global database switchover: this cluster becomes a secondary", 180, 75);
    const last = o.reports[o.reports.length - 1];
    expect(last.problems.join(" ")).toMatch(/secondary \(replicating from arn:aws:rds:eu-west-1:111111111111:cluster:orders-eu\)/);
    expect(o.readerDarkS).toBe(0);
    expect(o.reports.slice(-5).every((r) => r.switches.length === 0 && r.registrations === 0)).toBe(true);
  });

  it("follows a Blue/Green switchover to the green writer, as a fallback registration that alarms", async () => {
    const o = await outcome("Blue/Green switchover (green members get new IPs)", 180, 75);
    expect(o.fallbacks).toBeGreaterThan(0);
    const last = o.reports[o.reports.length - 1];
    expect(last.writer?.ip).toBe("10.0.1.77");
    expect(last.problems).toEqual([]);
  });
});

describe("the measure itself", () => {
  it("holds the run queue for the visibility timeout only when a run fails before its report", async () => {
    const scenario = CLUSTER_SCENARIOS.find((s) => s.name === "Aurora failover, three members")!;
    // Every RDS call throttled from t0 on: no run gets as far as its report.
    const o = await simulate({ ...scenario, faults: { throttle: 1 } }, { registrationDelayS: 180, listenerDelayS: 0 }, 1);
    // One failed run, then the group waits out the 1,800 s timeout, longer than the 900 s watched.
    expect({ failedRuns: o.failedRuns, heldBatches: o.heldBatches }).toEqual({ failedRuns: 1, heldBatches: 1 });
  });

  it("catches a shell whose listener changes never land (the test can fail)", async () => {
    const scenario = CLUSTER_SCENARIOS.find((s) => s.name === "Aurora failover, three members")!;
    const broken = await simulate({ ...scenario, faults: { listenerChangesLost: true } }, { registrationDelayS: 180, listenerDelayS: 0 }, 1);
    expect(broken.writerExcessS).toBeGreaterThan(500);
  });

  it("counts the registering design's dark seconds: registration delay plus health checks", async () => {
    for (const R of SWEEP.registrationDelayS) {
      const o = await outcome("Aurora failover, one group that registers the new writer (no warm slots)", R, 0);
      expect(o.writerDarkS).toBeGreaterThanOrEqual(R);
    }
  });
});

describe("health-check load", () => {
  it.each([2, 3, 6])("registers N + min(3, N) x (N - 1) targets for N = %i members, not N x N", async (n) => {
    const name = { 2: "Aurora failover, writer and one reader (the demo)", 3: "Aurora failover, three members", 6: "Aurora failover, six members, to the best candidate (tier 1)" }[n]!;
    const o = await outcome(name, 180, 75);
    expect(o.targets).toBe(n + Math.min(3, n) * (n - 1));
  });
});

describe("the README's timeline", () => {
  it("is the simulation's, figure for figure (npm run bench prints the same table)", async () => {
    const readme = readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("| scenario | R 90 / L 0"), readme.indexOf("### Health-check load"));
    const scenarios = [...CLUSTER_SCENARIOS, ...ROLE_SCENARIOS, ...REGISTERING_SCENARIOS];
    let rows = 0;
    for (const line of section.split("\n")) {
      const cells = line.split("|").map((c) => c.trim());
      const scenario = scenarios.find((s) => s.name === cells[1]);
      if (!scenario) continue;
      rows++;
      const measured: string[] = [];
      for (const { R, L } of sweep) {
        const o = await outcome(scenario.name, R, L);
        measured.push(`${o.writerDarkS + o.wrongWriterS}/${o.readerDarkS}`);
      }
      expect([scenario.name, ...cells.slice(2, 8)]).toEqual([scenario.name, ...measured]);
    }
    expect(rows).toBe(scenarios.length);
  });
});

describe("the health-check load tables of the README and docs/health-checks.md", () => {
  it.each(["README.md", "docs/health-checks.md"])("%s states N + min(3, N)(N - 1) targets and (1 + 3) x zones / 10 probes a second, as bench/failover-sim.ts prints", (file) => {
    const text = readFileSync(path.join(__dirname, "..", "..", file), "utf8");
    const rows = text.split("\n").filter((l) => /^\| \d+ \| \d+ \| \d+ \| [\d.]+ \/ [\d.]+ \| [\d.]+ \/ [\d.]+ \|$/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) {
      const [n, now, before, z2, z3, b2, b3] = row.split(/[|/]/).map((c) => c.trim()).filter(Boolean).map(Number);
      const sets = Math.min(3, n);
      const groups = 1 + sets - (sets === n ? 1 : 0);
      expect([n, now, before, z2, z3, b2, b3]).toEqual([n, n + sets * (n - 1), n * n, (groups * 2) / 10, (groups * 3) / 10, (n * 2) / 10, (n * 3) / 10]);
    }
  });
});

describe("the simulation's parameters", () => {
  it("are the stack's own where the stack sets them: function timeout, run queue, health checks", () => {
    // Required here, not imported at the top: the construct pulls in the provider bindings.
    const fs = require("../../stacks/constructs/failover-sync") as typeof import("../../stacks/constructs/failover-sync");
    expect(DEFAULT_PARAMS.functionTimeoutS).toBe(fs.FUNCTION_TIMEOUT_SECONDS);
    expect(DEFAULT_PARAMS.runQueue.visibilityTimeoutS).toBe(fs.RUN_VISIBILITY_TIMEOUT_SECONDS);
    expect(DEFAULT_PARAMS.runQueue.maxReceives).toBe(fs.RUN_MAX_RECEIVES);
    const text = readFileSync(path.join(__dirname, "..", "..", "stacks", "constructs", "load-balancer.ts"), "utf8");
    expect(text).toContain(`interval: ${DEFAULT_PARAMS.healthCheckIntervalS},`);
    expect(text).toContain(`healthyThreshold: ${DEFAULT_PARAMS.healthyThreshold},`);
    expect(text).toContain(`unhealthyThreshold: ${DEFAULT_PARAMS.unhealthyThreshold},`);
  });
});
