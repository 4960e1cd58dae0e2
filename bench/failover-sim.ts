// The failover timeline from the simulation, per scenario, for every registration delay R,
// listener delay L and way the RDS events arrive (on time, 45 s late, lost), over seeds 1 to 4:
// writer dark, writer wrong, the cluster endpoint's own exposure beside them, reader dark, reads
// to a down node, a consumer pool's stale connections, and registrations on the failover path.
// Not a test: it prints numbers and asserts nothing (the tests hold the targets:
// __tests__/sim/failover.test.ts). Parameters and their sources: __tests__/support/sim/params.ts.
// BENCH_SEEDS=1 prints one seed; BENCH_SCENARIO=<text> only the scenarios whose name has it.
import { DEFAULT_WARM_READER_SETS } from "../config/schema";
import { DEFAULT_PARAMS, EVENT_TIMINGS, PROXY_FOLLOW_SWEEP, SOURCES, SWEEP } from "../__tests__/support/sim/params";
import { type Outcome, simulate } from "../__tests__/support/sim/run";
import {
  behindProxy,
  CLUSTER_SCENARIOS,
  COMPARED_SCENARIOS,
  PROXY_ADDRESS_SCENARIOS,
  REGISTERING_SCENARIOS,
  ROLE_SCENARIOS,
  WARM_PATH_SCENARIOS,
} from "../__tests__/support/sim/scenarios";
import {
  cell,
  COMBOS,
  COMPARED_L,
  COMPARED_R,
  DEMO_R,
  DEMO_SCENARIO,
  demoCell,
  demoHeader,
  demoRow,
  header,
  proxyAddressHeader,
  proxyAddressRow,
  proxyHeader,
  proxyRow,
  row,
  rowsOf,
} from "../__tests__/support/sim/table";
import { bounds } from "../__tests__/support/sim/targets";

const SEEDS = Array.from({ length: Number(process.env.BENCH_SEEDS ?? 4) }, (_, i) => i + 1);
const ONLY = process.env.BENCH_SCENARIO;

const worst = (os: Outcome[], f: (o: Outcome) => number) => Math.max(...os.map(f));

async function main() {
  const started = performance.now();
  console.log(`== seconds per scenario, the worst of seeds ${SEEDS.join(", ")}, measured from each fault`);
  console.log("   dark: a new connection to the writer port reaches no node that takes it");
  console.log(
    "   wrong: it may reach a node that is not the writer (fail-open, a read-only reader, a node the NLB still calls healthy though it is down, any node while RDS names no writer)",
  );
  console.log(
    "   native: the same two for a client of the cluster endpoint itself, whose DNS answer may be one TTL old",
  );
  console.log(
    "   reader dark: the reader port reaches no live member while one is up; to down: it may reach a node that is down",
  );
  console.log(
    `   pool: ${DEFAULT_PARAMS.pool.size} connections on the writer port, ${DEFAULT_PARAMS.pool.maxLifetimeS} s lifetime: connection-seconds on a live non-writer, kept / discarded on the first read-only error`,
  );
  console.log(
    "   reg: RegisterTargets between a failover's start and the writer port's move; over: seconds past a target (0 everywhere in the cluster scenarios)",
  );
  console.log(
    "scenario | events | R/L | dark | wrong | native dark/wrong | reader dark | to down | pool kept/discarded | reg | over",
  );
  let runs = 0;
  let simulated = 0;
  let over = 0;
  const sections: Array<[string, typeof CLUSTER_SCENARIOS, boolean]> = [
    ["cluster scenarios (the targets hold)", CLUSTER_SCENARIOS, true],
    ["role changes, misconfiguration and a replaced writer", ROLE_SCENARIOS, false],
    [
      "paths that used to register on the way: Blue/Green, a Multi-AZ DB instance's standby, Auto Scaling",
      WARM_PATH_SCENARIOS,
      false,
    ],
    ["designs that register the new writer's IP", REGISTERING_SCENARIOS, false],
  ];
  for (const [title, scenarios, targeted] of sections) {
    console.log(`-- ${title}`);
    for (const s of scenarios) {
      if (ONLY && !s.name.includes(ONLY)) continue;
      for (const events of EVENT_TIMINGS) {
        for (const { R, L } of COMBOS) {
          const os: Outcome[] = [];
          for (const seed of SEEDS)
            os.push(await simulate(s, { registrationDelayS: R, listenerDelayS: L, events }, seed));
          runs += os.reduce((n, o) => n + o.runs, 0);
          simulated += SEEDS.length * (600 + s.watchS);
          const beyond = targeted
            ? worst(os, (o) => {
                const b = bounds(s, o, { ...DEFAULT_PARAMS, registrationDelayS: R, listenerDelayS: L });
                return Math.max(0, o.writerWrongS - b.writerWrongS) + Math.max(0, o.writerDarkS - b.writerDarkS);
              })
            : 0;
          over += beyond;
          const pool = `${worst(os, (o) => o.pool.lifetime.connectionSeconds)}/${worst(os, (o) => o.pool.discardOnReadOnly.connectionSeconds)}`;
          console.log(
            [
              s.name,
              events,
              `${R}/${L}`,
              worst(os, (o) => o.writerDarkS),
              worst(os, (o) => o.writerWrongS),
              `${worst(os, (o) => o.nativeDarkS)}/${worst(os, (o) => o.nativeWrongS)}`,
              worst(os, (o) => o.readerDarkS),
              worst(os, (o) => o.readsToDownS),
              pool,
              worst(os, (o) => o.registrationsOnFailoverPath),
              targeted ? beyond : "-",
            ].join(" | "),
          );
        }
      }
    }
  }
  console.log(`\nseconds past a target in the cluster scenarios, summed: ${over}`);

  console.log("\n== the table of docs/failover-timeline.md (seed 1): writer dark / wrong seconds");
  for (const line of header()) console.log(line);
  for (const [, scenarios, targeted] of sections) {
    for (const { scenario: s, events } of rowsOf(scenarios, targeted)) {
      if (ONLY && !s.name.includes(ONLY)) continue;
      const cells: string[] = [];
      for (const { R, L } of COMBOS)
        cells.push(cell(await simulate(s, { registrationDelayS: R, listenerDelayS: L, events }, 1)));
      console.log(row(s.name, events, cells));
    }
  }

  console.log(
    `\n== the demo table of docs/failover-timeline.md (seed 1, R ${DEMO_R}): writer dark / wrong, and a client of the cluster endpoint's`,
  );
  for (const line of demoHeader()) console.log(line);
  for (const events of EVENT_TIMINGS) {
    const demo = CLUSTER_SCENARIOS.find((x) => x.name === DEMO_SCENARIO)!;
    const cells: string[] = [];
    for (const L of SWEEP.listenerDelayS)
      cells.push(demoCell(await simulate(demo, { registrationDelayS: DEMO_R, listenerDelayS: L, events }, 1)));
    console.log(demoRow(events, cells));
  }

  console.log(
    `\n== RDS Proxy mode beside the warm slots (seed 1, events on time): writer dark / wrong; P, how long the proxy takes to follow a new writer, is unknown`,
  );
  for (const line of proxyHeader()) console.log(line);
  for (const s of COMPARED_SCENARIOS) {
    if (ONLY && !s.name.includes(ONLY)) continue;
    const warm = await simulate(s, { registrationDelayS: COMPARED_R, listenerDelayS: COMPARED_L }, 1);
    const proxy: Outcome[] = [];
    for (const P of PROXY_FOLLOW_SWEEP) proxy.push(await simulate(behindProxy(s), { proxyFollowS: P }, 1));
    console.log(proxyRow(s.name, warm, proxy));
  }
  console.log("\n== RDS Proxy mode: the proxy's own address changes (seed 1), per registration delay R");
  for (const line of proxyAddressHeader()) console.log(line);
  for (const s of PROXY_ADDRESS_SCENARIOS) {
    if (ONLY && !s.name.includes(ONLY)) continue;
    const row: Outcome[] = [];
    for (const R of SWEEP.registrationDelayS) row.push(await simulate(s, { registrationDelayS: R }, 1));
    console.log(proxyAddressRow(s.name, row));
  }
  console.log(
    `-- RDS Proxy mode, the worst of seeds ${SEEDS.join(", ")}: registrations and listener changes after the fault, seconds a listener forwarded to an empty group`,
  );
  for (const s of [...COMPARED_SCENARIOS.map(behindProxy), ...PROXY_ADDRESS_SCENARIOS]) {
    if (ONLY && !s.name.includes(ONLY)) continue;
    const os: Outcome[] = [];
    for (const P of PROXY_FOLLOW_SWEEP)
      for (const R of SWEEP.registrationDelayS)
        for (const seed of SEEDS) os.push(await simulate(s, { proxyFollowS: P, registrationDelayS: R }, seed));
    console.log(
      `${s.name} | registered after the fault ${worst(os, (o) => o.registeredAfterT0)} | listener changes ${worst(os, (o) => o.listenerChanges)} | empty-group seconds ${worst(os, (o) => o.emptyGroupS)} | failed runs ${worst(os, (o) => o.failedRuns)}`,
    );
  }

  const poolScenario = CLUSTER_SCENARIOS.find((x) => x.name === "Aurora failover, three members")!;
  console.log(
    `\n== the pool table of docs/failover-timeline.md: ${poolScenario.name}, R 180, the worst of seeds ${SEEDS.join(", ")}`,
  );
  console.log(
    "| listener delay, events | kept for its lifetime | discarded on the first read-only error | most at once | read-only errors |",
  );
  console.log("| --- | --- | --- | --- | --- |");
  for (const L of SWEEP.listenerDelayS) {
    for (const events of EVENT_TIMINGS) {
      const os: Outcome[] = [];
      for (const seed of SEEDS)
        os.push(await simulate(poolScenario, { registrationDelayS: 180, listenerDelayS: L, events }, seed));
      console.log(
        `| L ${L} s, ${events} | ${worst(os, (o) => o.pool.lifetime.connectionSeconds)} | ${worst(os, (o) => o.pool.discardOnReadOnly.connectionSeconds)} | ${worst(os, (o) => o.pool.lifetime.most)} | ${worst(os, (o) => o.pool.discardOnReadOnly.readOnlyErrors)} |`,
      );
    }
  }

  console.log("\n== health-check load: targets registered, and TCP probes per second that reach one instance");
  console.log(
    `   layout: one member group per member, plus ${DEFAULT_WARM_READER_SETS} populated reader set(s) (provider.failover.warmReaderSets) of N - 1 members each;`,
  );
  console.log(
    `   before: one reader set per member. Probes: every NLB node (one per enabled zone) checks every target every ${DEFAULT_PARAMS.healthCheckIntervalS} s; an empty slot is checked by no one`,
  );
  console.log(
    "N | targets now | targets before (N x N) | probes/s per instance now (at most), 2 zones / 3 zones | before, 2 zones / 3 zones",
  );
  for (const n of [2, 3, 4, 6, 8, 16]) {
    const sets = Math.min(DEFAULT_WARM_READER_SETS, n);
    const now = n + sets * (n - 1);
    // An instance is in its member group and in every populated set but its own.
    const groupsNow = 1 + sets - (sets === n ? 1 : 0);
    const groupsBefore = n; // its member group and the N - 1 reader sets of the other slots
    const probes = (groups: number, zones: number) =>
      ((groups * zones) / DEFAULT_PARAMS.healthCheckIntervalS).toFixed(1);
    console.log(
      `${n} | ${now} | ${n * n} | ${probes(groupsNow, 2)} / ${probes(groupsNow, 3)} | ${probes(groupsBefore, 2)} / ${probes(groupsBefore, 3)}`,
    );
  }

  console.log("\n== parameters");
  for (const [k, v] of Object.entries(DEFAULT_PARAMS)) console.log(`  ${k}: ${JSON.stringify(v)}`);
  for (const [k, v] of Object.entries(SOURCES)) console.log(`  [${k}] ${v}`);
  const ms = performance.now() - started;
  console.log(
    `\nsimulated ${(simulated / 3600).toFixed(1)} h of AWS time and ${runs} function runs in ${(ms / 1000).toFixed(1)} s of wall time`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
