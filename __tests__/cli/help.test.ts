// Every script a user or contributor runs answers --help with its usage and exit 0, and `help`
// itself runs, as the cdktf template's help file is read (cat help) or run (./help).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { HANG_GUARD_MS } from "../support/limits";

const ROOT = path.join(__dirname, "..", "..");
const PACKAGE_SCRIPTS: Record<string, string> = JSON.parse(
  readFileSync(path.join(ROOT, "package.json"), "utf8"),
).scripts;

/** The first words of each package.json script's --help; a script not listed here is still run, and must exit 0 with some text. */
const USAGE: Record<string, RegExp> = {
  prepare: /^Writes config\/schema.json/,
  synth: /^usage: npm run synth/,
  "node-versions": /^Puts one Node.js version/,
  deploy: /^npm run deploy -- STACK\.\.\. and npm run cdktf/,
  cdktf: /^npm run deploy -- STACK\.\.\. and npm run cdktf/,
  status: /^usage: npm run status/,
  cost: /^usage: npm run cost/,
  typecheck: /^tsc: The TypeScript Compiler/,
  lint: /^Runs the linter/,
  format: /^Formats the specified files/,
  schema: /^Writes config\/schema.json/,
  docs: /^npm run docs: rewrites every generated section/,
  test: /^npm test: every tier/,
  "test:fast": /^npm run test:fast: the contributor's loop/,
  "test:unit": /^Usage: jest/,
  "test:integration": /^Usage: jest/,
  bench: /^Speed and size figures/,
  toolchain: /^Assembles the offline Terraform toolchain/,
  validate: /^Runs one Terraform tier/,
  e2e: /^Runs one Terraform tier/,
  security: /^npm run security: /,
};

/** The scripts that are not in package.json, each run as the help file or another script runs it. */
const OTHER_SCRIPTS: Array<[string, string[], RegExp]> = [
  ["readme-diagram", ["node", "--require", "tsx/cjs", "scripts/readme-diagram.ts"], /^Rewrites the README's diagram/],
  ["config-reference", ["node", "--require", "tsx/cjs", "scripts/config-reference.ts"], /^Prints the config reference/],
  ["render-diagram", ["bash", "scripts/render-diagram.sh"], /^Renders the first mermaid block/],
  ["python tools", ["bash", "scripts/python-tools.sh"], /^Creates \(once\) a Python venv/],
  ["database servers", ["bash", "scripts/db-servers.sh"], /^Installs \(once\) the real database servers/],
];

/**
 * A package.json script as `npm run NAME -- ARG` runs it (npm appends the arguments to the
 * script's text and runs it in a shell, with node_modules/.bin on the PATH), in a HOME of its
 * own: the caches (node versions, venvs, the toolchain) live there, so an empty HOME afterwards
 * means nothing was installed.
 */
function npmRun(name: string, arg: string) {
  const home = mkdtempSync(path.join(tmpdir(), "rds-privatelink-home-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    PATH: `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}`,
  };
  delete env.RDS_PRIVATELINK_CACHE;
  const r = spawnSync("sh", ["-c", `${PACKAGE_SCRIPTS[name]} ${arg}`], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    timeout: HANG_GUARD_MS,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, home: entriesUnder(home) };
}

/** Biome makes an empty ~/.cache/biome on every start, --help included: that folder alone installs nothing. */
const BIOME_CACHE = [".cache", path.join(".cache", "biome")];

function entriesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((entry) => !BIOME_CACHE.includes(entry));
}

describe("--help", () => {
  // -h as well where the project parses it (its shell scripts and its TypeScript commands); a
  // plain tool invocation (jest, tsc) answers --help itself.
  it.each(Object.keys(PACKAGE_SCRIPTS))(
    "npm run %s -- --help prints its usage and exits 0, installing and running nothing",
    (name) => {
      const ours = !/^(jest|tsc) /.test(PACKAGE_SCRIPTS[name]);
      for (const flag of ours ? ["--help", "-h"] : ["--help"]) {
        const r = npmRun(name, flag);
        expect({ flag, status: r.status, stderr: r.stderr, home: r.home }).toEqual({
          flag,
          status: 0,
          stderr: "",
          home: [],
        });
        expect(r.stdout).toMatch(USAGE[name] ?? /\S/);
      }
    },
  );

  it.each(OTHER_SCRIPTS)("%s prints its usage and exits 0, doing nothing else", (_name, [cmd, ...args], usage) => {
    for (const flag of cmd === "bash" ? ["--help", "-h"] : ["--help"]) {
      const r = spawnSync(cmd, [...args, flag], { cwd: ROOT, encoding: "utf8", timeout: HANG_GUARD_MS });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      expect(r.stdout).toMatch(usage);
    }
  });

  it.each(["test", "test:fast", "node-versions", "bench", "security", "validate"])(
    "npm run %s refuses an option it does not take in one line with exit 2, before doing anything",
    (name) => {
      const r = npmRun(name, "--fast");
      expect({ status: r.status, home: r.home }).toEqual({ status: 2, home: [] });
      expect(r.stderr).toMatch(/^\S+\.sh: unknown option --fast; it takes none \(--help prints its usage\)\n$/);
    },
  );

  it("a TypeScript script that takes no arguments refuses one in one line with exit 2, rather than ignore it", () => {
    const r = npmRun("schema", "--check");
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 2,
      stdout: "",
      stderr: "scripts/write-schema.ts: unknown argument --check; it takes none (--help prints its usage)\n",
    });
  });

  it("npm run deploy on a Node that cdktf-cli cannot start on says so in one line with exit 2", () => {
    // A node that reports an ABI no prebuilt terminal module has, ahead of the real one on the PATH.
    const bin = mkdtempSync(path.join(tmpdir(), "rds-privatelink-node-"));
    require("node:fs").writeFileSync(
      path.join(bin, "node"),
      `#!/bin/sh\nif [ "$1" = "-e" ]; then exec "${process.execPath}" -e "Object.defineProperty(process.versions, 'modules', { value: '999' }); $2"; fi\nexec "${process.execPath}" "$@"\n`,
      { mode: 0o755 },
    );
    const r = spawnSync("bash", ["scripts/cdktf.sh", "deploy", "provider"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^cdktf-cli 0\.21 cannot start on Node v[\d.]+ \(it runs on Node 20 and 22\): put Node 22 first on the PATH .*npm run cdktf -- deploy provider\), or use npm run synth and then terraform \(or tofu\) in cdktf\.out\/stacks\/<stack>\n$/,
    );
  });

  it("cost refuses a bad config with 2, as status and synth do (1 is a finding)", () => {
    const bad = path.join(ROOT, "__tests__", "fixtures", "bad-configs", "network-both.json");
    for (const script of ["scripts/cost.ts", "scripts/status.ts"]) {
      const r = spawnSync("node", ["--require", "tsx/cjs", script, bad], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: HANG_GUARD_MS,
      });
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
    // However it is run (npm run deploy, npm run cdktf, npx cdktf), a consumer deploys with the flag.
    expect(r.stdout).toMatch(
      /(npm run deploy --|npm run cdktf -- deploy|npx cdktf deploy) consumer-app --ignore-missing-stack-dependencies/,
    );
  });

  it("answers --help and -h with itself, as every other command does (tail would print its own usage)", () => {
    const own = spawnSync(path.join(ROOT, "help"), [], { cwd: ROOT, encoding: "utf8" }).stdout;
    for (const flag of ["--help", "-h"]) {
      const r = spawnSync(path.join(ROOT, "help"), [flag], { cwd: ROOT, encoding: "utf8" });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: own, stderr: "" });
    }
  });
});
