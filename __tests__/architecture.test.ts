// The layers' rule, checked on every run of the unit tier: imports point down only
// (functions -> config -> stacks -> scripts, then bench/ and the tests on top) and close no
// circle. dependency-cruiser reads the files' own imports, type-only ones included; its rules are
// in .dependency-cruiser.cjs. It ships as ES modules only, which Jest's CommonJS runtime cannot
// load, so its API (cruise) runs in a node child process that prints the violations as JSON.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const LAYERS = ["main.ts", "config", "functions", "stacks", "scripts", "bench"];

const CRUISE = `
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
const options = await extractDepcruiseOptions("./.dependency-cruiser.cjs");
const result = await cruise(JSON.parse(process.argv[1]), options, undefined, { tsConfig: extractTSConfig("./tsconfig.json") });
const { violations, totalCruised } = result.output.summary;
process.stdout.write(JSON.stringify({ totalCruised, violations }));
`;

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
  readonly cycle?: ReadonlyArray<{ readonly name: string }>;
}

function cruiseLayers(): { totalCruised: number; violations: Violation[] } {
  const run = spawnSync(process.execPath, ["--input-type=module", "--eval", CRUISE, JSON.stringify(LAYERS)], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`dependency-cruiser failed (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** One line per violation: the rule, then the import (a circle lists its files in order). */
const describe1 = (v: Violation) =>
  `${v.rule.name}: ${v.from} -> ${v.cycle?.length ? v.cycle.map((c) => c.name).join(" -> ") : v.to}`;

describe("the layers' imports", () => {
  it("point down only and close no circle", () => {
    const { totalCruised, violations } = cruiseLayers();
    // A cruise that found no files would pass for nothing.
    expect(totalCruised).toBeGreaterThan(100);
    if (violations.length > 0)
      throw new Error(
        `${violations.length} import(s) break the layers (rules in .dependency-cruiser.cjs):\n${violations.map(describe1).join("\n")}`,
      );
  });
});
