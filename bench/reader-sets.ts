// What keeping one reader set populated (provider.failover.warmReaderSets, default 1) costs
// against three (the default before): every cluster scenario of the simulation, for every
// registration delay R, listener delay L, and events on time or lost, seed 1. Not a test: it
// prints numbers and asserts nothing (docs/health-checks.md, "The trade-off, measured").
import { simulate } from "../__tests__/support/sim/run";
import { CLUSTER_SCENARIOS } from "../__tests__/support/sim/scenarios";
import { COMBOS } from "../__tests__/support/sim/table";

async function main() {
  const keys = ["writer dark", "writer wrong", "reader dark", "reads to a down node"] as const;
  const totals = new Map<number, number[]>([
    [1, [0, 0, 0, 0]],
    [3, [0, 0, 0, 0]],
  ]);
  let runs = 0;
  for (const s of CLUSTER_SCENARIOS) {
    for (const { R, L } of COMBOS) {
      for (const events of ["on time", "lost"] as const) {
        for (const warm of [1, 3]) {
          const o = await simulate(
            { ...s, warmReaderSets: warm },
            { registrationDelayS: R, listenerDelayS: L, events },
            1,
          );
          const t = totals.get(warm)!;
          [o.writerDarkS, o.writerWrongS, o.readerDarkS, o.readsToDownS].forEach((v, i) => {
            t[i] += v;
          });
        }
        runs++;
      }
    }
  }
  console.log(
    `== warmReaderSets 1 against 3: seconds summed over ${CLUSTER_SCENARIOS.length} cluster scenarios x ${runs / CLUSTER_SCENARIOS.length} (R, L, events) = ${runs} simulations each`,
  );
  console.log(`${"".padEnd(24)} ${"1 set".padStart(8)} ${"3 sets".padStart(8)}`);
  for (const [i, k] of keys.entries())
    console.log(`${k.padEnd(24)} ${String(totals.get(1)![i]).padStart(8)} ${String(totals.get(3)![i]).padStart(8)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
