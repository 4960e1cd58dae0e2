// The failover timeline from the simulation: dark seconds per scenario for every registration
// delay R and listener delay L of the sweep, beside designs that register the new writer's IP,
// and the health-check load of the layout. Not a test: it prints numbers and asserts nothing.
// Parameters and their sources: __tests__/support/sim/params.ts.
import { DEFAULT_WARM_READER_SETS } from "../config/schema";
import { DEFAULT_PARAMS, SOURCES, SWEEP } from "../__tests__/support/sim/params";
import { simulate } from "../__tests__/support/sim/run";
import { CLUSTER_SCENARIOS, REGISTERING_SCENARIOS, ROLE_SCENARIOS } from "../__tests__/support/sim/scenarios";

const SEED = Number(process.env.BENCH_SEED ?? 1);

async function main() {
  const started = performance.now();
  const combos = SWEEP.registrationDelayS.flatMap((R) => SWEEP.listenerDelayS.map((L) => ({ R, L })));
  const header = ["scenario", ...combos.map(({ R, L }) => `R${R}/L${L}`)];
  console.log(`== dark seconds (writer dark or on a non-writer / reader dark), seed ${SEED}`);
  console.log(`   writer: RDS names a writer but the writer port serves no healthy target, has a change pending, or serves a non-writer`);
  console.log(`   reader: the reader port serves no healthy target while some member is healthy and up`);
  console.log(`   "beyond" counts writer or reader dark after a run saw a way to serve and L passed; it is 0 for every cluster scenario`);
  console.log(header.join(" | "));
  let runs = 0;
  let simulated = 0;
  const sections: Array<[string, typeof CLUSTER_SCENARIOS]> = [
    ["cluster scenarios (this project)", CLUSTER_SCENARIOS],
    ["role changes and misconfiguration", ROLE_SCENARIOS],
    ["designs that register the new writer's IP", REGISTERING_SCENARIOS],
  ];
  for (const [title, scenarios] of sections) {
    console.log(`-- ${title}`);
    for (const s of scenarios) {
      const cells: string[] = [];
      let beyond = 0;
      for (const { R, L } of combos) {
        const o = await simulate(s, { registrationDelayS: R, listenerDelayS: L }, SEED);
        runs += o.runs;
        simulated += 600 + s.watchS;
        beyond += o.writerExcessS + o.readerExcessS;
        cells.push(`${o.writerDarkS + o.wrongWriterS}/${o.readerDarkS}`);
      }
      console.log(`${s.name} | ${cells.join(" | ")}${beyond ? ` | beyond: ${beyond}` : ""}`);
    }
  }

  console.log("\n== health-check load: targets registered, and TCP probes per second that reach one instance");
  console.log(`   layout: one member group per member, plus ${DEFAULT_WARM_READER_SETS} populated reader sets (provider.failover.warmReaderSets) of N - 1 members each;`);
  console.log(`   before: one reader set per member. Probes: every NLB node (one per enabled zone) checks every target every ${DEFAULT_PARAMS.healthCheckIntervalS} s`);
  console.log("N | targets now | targets before (N x N) | probes/s per instance now (at most), 2 zones / 3 zones | before, 2 zones / 3 zones");
  for (const n of [2, 3, 4, 6, 8, 16]) {
    const sets = Math.min(DEFAULT_WARM_READER_SETS, n);
    const now = n + sets * (n - 1);
    // An instance is in its member group and in every populated set but its own.
    const groupsNow = 1 + sets - (sets === n ? 1 : 0);
    const groupsBefore = n; // its member group and the N - 1 reader sets of the other slots
    const probes = (groups: number, zones: number) => ((groups * zones) / DEFAULT_PARAMS.healthCheckIntervalS).toFixed(1);
    console.log(`${n} | ${now} | ${n * n} | ${probes(groupsNow, 2)} / ${probes(groupsNow, 3)} | ${probes(groupsBefore, 2)} / ${probes(groupsBefore, 3)}`);
  }

  console.log("\n== parameters");
  for (const [k, v] of Object.entries(DEFAULT_PARAMS)) console.log(`  ${k}: ${JSON.stringify(v)}`);
  for (const [k, v] of Object.entries(SOURCES)) console.log(`  [${k}] ${v}`);
  const ms = performance.now() - started;
  console.log(`\nsimulated ${(simulated / 3600).toFixed(1)} h of AWS time and ${runs} function runs in ${(ms / 1000).toFixed(1)} s of wall time`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
