// Every script a user or contributor runs answers --help with its usage and exit 0, and `help`
// itself runs, as the cdktf template's help file is read (cat help) or run (./help).
import { spawnSync } from "child_process";
import { readFileSync, statSync } from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

const SCRIPTS: Array<[string, string[], RegExp]> = [
  ["npm run status", ["node", "--require", "tsx/cjs", "scripts/status.ts"], /^usage: npm run status/],
  ["npm run cost", ["node", "--require", "tsx/cjs", "scripts/cost.ts"], /^usage: npm run cost/],
  ["npm run schema", ["node", "--require", "tsx/cjs", "scripts/write-schema.ts"], /^Writes config\/schema.json/],
  ["npm run docs", ["node", "--require", "tsx/cjs", "scripts/docs.ts"], /^npm run docs: rewrites every generated section/],
  ["readme-diagram", ["node", "--require", "tsx/cjs", "scripts/readme-diagram.ts"], /^Rewrites the README's diagram/],
  ["config-reference", ["node", "--require", "tsx/cjs", "scripts/config-reference.ts"], /^Prints the config reference/],
  ["render-diagram", ["bash", "scripts/render-diagram.sh"], /^Renders the first mermaid block/],
  ["npm run test:fast", ["bash", "scripts/test-fast.sh"], /^npm run test:fast: the contributor's loop/],
  ["terraform tiers", ["bash", "scripts/terraform-tier.sh"], /^Runs one Terraform tier/],
  ["npm run toolchain", ["bash", "scripts/toolchain.sh"], /^Assembles the offline Terraform toolchain/],
  ["python tools", ["bash", "scripts/python-tools.sh"], /^Creates \(once\) a Python venv/],
  ["database servers", ["bash", "scripts/db-servers.sh"], /^Installs \(once\) the real database servers/],
  ["npm run bench", ["bash", "bench/run.sh"], /^Speed and size figures/],
];

describe("--help", () => {
  // A TypeScript script takes seconds to start: each is run once (--help), and -h, which cost
  // once read as a config path, is run for status and cost, where it is a parsed flag.
  it.each(SCRIPTS)("%s prints its usage and exits 0, doing nothing else", (name, [cmd, ...args], usage) => {
    const flags = cmd === "bash" || /status|cost/.test(name) ? ["--help", "-h"] : ["--help"];
    for (const flag of flags) {
      const r = spawnSync(cmd, [...args, flag], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      expect(r.stdout).toMatch(usage);
    }
  });

  it("cost refuses a bad config with 2, as status and synth do (1 is a finding)", () => {
    const bad = path.join(ROOT, "__tests__", "fixtures", "bad-configs", "network-both.json");
    for (const script of ["scripts/cost.ts", "scripts/status.ts"]) {
      const r = spawnSync("node", ["--require", "tsx/cjs", script, bad], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
      expect({ script, status: r.status }).toEqual({ script, status: 2 });
      expect(r.stderr).toMatch(/problems? in the config/);
    }
  });
});

describe("help", () => {
  it("is executable and prints itself without its first line", () => {
    expect(statSync(path.join(ROOT, "help")).mode & 0o111).not.toBe(0);
    const r = spawnSync(path.join(ROOT, "help"), [], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(ROOT, "help"), "utf8").split("\n").slice(1).join("\n"));
    expect(r.stdout).toContain("npx cdktf deploy consumer-app --ignore-missing-stack-dependencies");
  });
});
