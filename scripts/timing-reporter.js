// A Jest reporter that records where a run's time went: each test file's seconds, and the run's
// own, as one JSON file in $RDS_TIMINGS_DIR for scripts/timing-report.js to print at the end of
// npm test. jest.config.js adds it when RDS_TIMINGS_DIR is set, so every Jest run npm test starts
// records itself, the Terraform tiers' too (scripts/terraform-tier.sh passes the environment on).
// The run is named by $RDS_TIMINGS_LABEL when set, else by its projects, its test path pattern,
// the CLI of a Terraform tier ($RDS_PRIVATELINK_CLI) and the node version.
const { mkdirSync, writeFileSync } = require("node:fs");
const path = require("node:path");

class TimingReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.RDS_TIMINGS_DIR;
    if (!dir) return;
    const root = this.globalConfig.rootDir;
    const files = results.testResults.map((r) => ({
      file: path.relative(root, r.testFilePath),
      project: r.displayName ? r.displayName.name : "",
      seconds: Math.max(0, (r.perfStats.end - r.perfStats.start) / 1000),
      failed: r.numFailingTests > 0 || Boolean(r.testExecError),
    }));
    const projects = [...new Set(files.map((f) => f.project).filter(Boolean))].sort();
    const pattern = this.globalConfig.testPathPattern;
    const label =
      process.env.RDS_TIMINGS_LABEL ||
      [
        projects.join("+") || "jest",
        pattern ? `/${pattern}/` : "",
        process.env.RDS_PRIVATELINK_CLI ? `under ${process.env.RDS_PRIVATELINK_CLI}` : "",
        `node ${process.version}`,
      ]
        .filter(Boolean)
        .join(" ");
    // results.success is set only after the reporters have run: count the failures here.
    const success =
      results.numFailedTestSuites === 0 && results.numRuntimeErrorTestSuites === 0 && !results.wasInterrupted;
    const run = { label, seconds: (Date.now() - results.startTime) / 1000, success, files };
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `jest-${results.startTime}-${process.pid}.json`), JSON.stringify(run));
  }
}

module.exports = TimingReporter;
