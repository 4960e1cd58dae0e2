// RDS Proxy mode against the simulated AWS: the function's real code with the groups holding the
// proxy's addresses. The database's failovers (Aurora's, a Multi-AZ DB cluster's and instance's,
// a Blue/Green switchover, under throttling bursts) are the proxy's to follow: no registration
// and no listener change after the fault, and no group ever empty. The proxy's own address
// changes are the function's: it registers the new addresses and lets the old go only once a
// new one is healthy. How long the proxy takes to follow a new writer (P) is unknown and swept.
import { readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_PARAMS, PROXY_FOLLOW_SWEEP, SWEEP } from "../support/sim/params";
import { type Outcome, type Scenario, simulate, type SimOptions } from "../support/sim/run";
import { behindProxy, COMPARED_SCENARIOS, PROXY_ADDRESS_SCENARIOS } from "../support/sim/scenarios";
import {
  COMPARED_L,
  COMPARED_R,
  proxyAddressHeader,
  proxyAddressRow,
  proxyHeader,
  proxyRow,
} from "../support/sim/table";

jest.setTimeout(600_000);

const SEEDS = [1, 2];
const outcomes = new Map<string, Outcome>();
async function outcome(s: Scenario, options: SimOptions, seed = 1): Promise<Outcome> {
  const key = JSON.stringify([s.name, Boolean(s.proxy), options, seed]);
  if (!outcomes.has(key)) outcomes.set(key, await simulate(s, options, seed));
  return outcomes.get(key)!;
}
const proxied = COMPARED_SCENARIOS.map(behindProxy);
/** The deploy's first run: the default endpoint's two addresses in the writer group and two in the reader group. */
const DEPLOYED_TARGETS = 4;

describe.each(proxied.map((s) => [s.name, s] as const))("behind a proxy: %s", (_name, s) => {
  it.each(PROXY_FOLLOW_SWEEP.flatMap((P) => SEEDS.map((seed) => [P, seed] as const)))(
    "makes no registration and no listener change after the fault, and never empties a group (P %p s, seed %p)",
    async (P, seed) => {
      const o = await outcome(s, { proxyFollowS: P }, seed);
      expect(o.registrationsOnFailoverPath).toBe(0);
      expect(o.registeredAfterT0).toBe(0);
      expect(o.listenerChanges).toBe(0);
      expect(o.registrations).toBe(DEPLOYED_TARGETS);
      expect(o.emptyGroupS).toBe(0);
      expect(o.failedRuns).toBe(0);
    },
  );

  it.each(PROXY_FOLLOW_SWEEP.map((P) => [P] as const))(
    "keeps the writer port dark no longer than RDS names no writer plus P per failover, and wrong no longer than P (and a switchover's transitional period) (P %p s)",
    async (P) => {
      const o = await outcome(s, { proxyFollowS: P });
      const failovers = o.failoverS.length;
      if (s.name.startsWith("Global database switchover")) {
        // The cluster becomes a secondary: RDS names no writer from then on. The proxy holds every
        // new connection (dark, as the warm slots' fence does) and never sends one to a reader.
        expect(o.writerWrongS).toBe(0);
        expect(o.writerDarkS).toBeGreaterThan(0);
        return;
      }
      // Measured in whole seconds: each failover may touch one more.
      const rdsOwn = o.failoverS.reduce((n, f) => n + Math.ceil(f) + 1, 0);
      expect(o.writerDarkS).toBeLessThanOrEqual(rdsOwn + P * failovers);
      // A Blue/Green switchover's transitional period sends to blue, which takes no write: wrong for its length too.
      const switchover = s.name.startsWith("Blue/Green") ? rdsOwn : 0;
      expect(o.writerWrongS).toBeLessThanOrEqual(P * failovers + switchover);
    },
  );
});

describe("the measure of RDS Proxy mode can fail", () => {
  it("counts the seconds a late proxy still sends to the old writer as wrong", async () => {
    const o = await outcome(proxied[0], { proxyFollowS: 30 });
    expect(o.writerWrongS).toBeGreaterThanOrEqual(25);
    expect(o.pool.lifetime.connectionSeconds).toBeGreaterThan(0);
  });

  it("counts the seconds RDS names no writer as dark: the proxy holds new connections then", async () => {
    const o = await outcome(proxied[0], { proxyFollowS: 0 });
    expect(o.writerDarkS).toBeGreaterThanOrEqual(Math.floor(o.failoverS[0]) - 1);
    expect(o.writerWrongS).toBe(0);
  });
});

describe.each(PROXY_ADDRESS_SCENARIOS.map((s) => [s.name, s] as const))("%s", (_name, s) => {
  const moved = (o: Outcome) => {
    const last = o.reports[o.reports.length - 1];
    return { last, deregistered: new Set(o.reports.flatMap((r) => r.writerTargets.deregistered)) };
  };

  it.each(SWEEP.registrationDelayS.flatMap((R) => SEEDS.map((seed) => [R, seed] as const)))(
    "registers the new addresses, lets the old go only after, and never empties a group (R %p s, seed %p)",
    async (R, seed) => {
      const o = await outcome(s, { registrationDelayS: R }, seed);
      const grows = s.name.includes("gains");
      const replaced = grows ? 0 : s.name.includes("both") ? 2 : 1;
      expect(o.registeredAfterT0).toBe(grows ? 1 : replaced);
      expect(o.listenerChanges).toBe(0);
      expect(o.emptyGroupS).toBe(0);
      expect(o.failedRuns).toBe(0);
      const { last, deregistered } = moved(o);
      expect(deregistered.size).toBe(replaced);
      expect(last.proxy?.proxy.addresses).toEqual(
        grows
          ? ["10.0.1.201", "10.0.2.202", "10.0.3.203"]
          : replaced === 2
            ? ["10.0.1.221", "10.0.2.222"]
            : ["10.0.1.221", "10.0.2.202"],
      );
      if (grows) return;
      // Make before break: the run that deregistered them found a new address healthy, unless
      // every old address was gone at once: then none was healthy, and none was kept for nothing.
      const run = o.reports.find((r) => r.writerTargets.deregistered.length > 0)!;
      if (s.name.includes("both addresses, the old ones gone at once")) expect(run.writerHealthyTargets).toBe(0);
      else expect(run.writerHealthyTargets).toBeGreaterThan(0);
    },
  );

  if (s.name.includes("10 more minutes") || s.name.includes("gains"))
    it.each(SWEEP.registrationDelayS.map((R) => [R] as const))(
      "keeps the writer port whole while the old addresses still serve, or a new one is only added (R %p s)",
      async (R) => {
        const o = await outcome(s, { registrationDelayS: R });
        expect([o.writerDarkS, o.writerWrongS, o.readerDarkS, o.readsToDownS]).toEqual([0, 0, 0, 0]);
      },
    );
  else
    it("counts the seconds the NLB still sends to an address that is gone: its health checks take their time", async () => {
      const o = await outcome(s, { registrationDelayS: DEFAULT_PARAMS.registrationDelayS });
      expect(o.writerDarkS + o.writerWrongS).toBeGreaterThan(0);
    });
});

describe("the RDS Proxy tables of docs/failover-timeline.md", () => {
  const doc = () => readFileSync(path.join(__dirname, "..", "..", "docs", "failover-timeline.md"), "utf8");
  const tableAt = (marker: string) => {
    const d = doc();
    const from = d.indexOf(`<!-- BEGIN ${marker}`);
    expect(from).toBeGreaterThan(0);
    return d
      .slice(from, d.indexOf(`<!-- END ${marker}`))
      .split("\n")
      .filter((l) => l.startsWith("|"));
  };

  it("sets each compared scenario beside its warm-slot figure, figure for figure (npm run bench prints the same)", async () => {
    const expected = [...proxyHeader()];
    for (const s of COMPARED_SCENARIOS) {
      const warm = await outcome(s, { registrationDelayS: COMPARED_R, listenerDelayS: COMPARED_L });
      const proxy: Outcome[] = [];
      for (const P of PROXY_FOLLOW_SWEEP) proxy.push(await outcome(behindProxy(s), { proxyFollowS: P }));
      expected.push(proxyRow(s.name, warm, proxy));
    }
    expect(tableAt("PROXY TABLE")).toEqual(expected);
  });

  it("states the proxy's own address changes per registration delay, figure for figure", async () => {
    const expected = [...proxyAddressHeader()];
    for (const s of PROXY_ADDRESS_SCENARIOS) {
      const row: Outcome[] = [];
      for (const R of SWEEP.registrationDelayS) row.push(await outcome(s, { registrationDelayS: R }));
      expected.push(proxyAddressRow(s.name, row));
    }
    expect(tableAt("PROXY ADDRESS TABLE")).toEqual(expected);
  });
});
