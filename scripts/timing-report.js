// Prints where npm test's time went, from what its steps and Jest runs wrote into one directory:
//   steps.tsv     one line per step: start (epoch s), seconds, exit status, name (scripts/test-all.sh)
//   jest-*.json   one file per Jest run: its label, seconds and each test file's (timing-reporter.js)
// Steps are listed in the order they started, with their start after the first one's, so steps
// that ran side by side show as such; then, per Jest run, its slowest test files.
//   node scripts/timing-report.js <dir> [slowest files per run, default 10]
const { existsSync, readdirSync, readFileSync } = require("node:fs");
const path = require("node:path");

const [dir, topArg] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node scripts/timing-report.js <dir> [slowest files per run]");
  process.exit(2);
}
const top = Number(topArg ?? 10);
const seconds = (s) => `${Math.round(s)} s`.padStart(7);

const stepsFile = path.join(dir, "steps.tsv");
const steps = existsSync(stepsFile)
  ? readFileSync(stepsFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [start, secs, status, ...name] = line.split("\t");
        return { start: Number(start), seconds: Number(secs), status: Number(status), name: name.join("\t") };
      })
      .sort((a, b) => a.start - b.start)
  : [];
const runs = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => /^jest-.*\.json$/.test(f))
      .sort()
      .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")))
  : [];

console.log("\n== where the time went");
if (steps.length > 0) {
  const t0 = steps[0].start;
  const end = Math.max(...steps.map((s) => s.start + s.seconds));
  console.log(`  ${"from".padStart(7)} ${"took".padStart(7)}  step`);
  for (const s of steps)
    console.log(
      `  ${`+${Math.round(s.start - t0)}`.padStart(7)} ${seconds(s.seconds)}  ${s.name}${s.status === 0 ? "" : `  (FAILED, exit ${s.status})`}`,
    );
  console.log(`  ${"".padStart(7)} ${seconds(end - t0)}  in all, wall clock`);
}
for (const run of runs) {
  const files = [...run.files].sort((a, b) => b.seconds - a.seconds);
  const sum = files.reduce((n, f) => n + f.seconds, 0);
  console.log(
    `\n  Jest ${run.label}: ${files.length} files in ${Math.round(run.seconds)} s (files' own: ${Math.round(sum)} s)${run.success ? "" : ", FAILED"}; slowest:`,
  );
  for (const f of files.slice(0, top))
    console.log(`  ${f.seconds.toFixed(1).padStart(7)}  ${f.file}${f.failed ? "  (failed)" : ""}`);
}
