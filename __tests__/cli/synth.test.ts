// The app as users run it: a child process, the config from RDS_PRIVATELINK_CONFIG.
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "bad-configs");

function runApp(config: string | undefined, extraEnv: Record<string, string> = {}) {
  const cwd = mkdtempSync(path.join(tmpdir(), "rds-privatelink-synth-"));
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", ...extraEnv };
  delete env.RDS_PRIVATELINK_CONFIG;
  if (config) env.RDS_PRIVATELINK_CONFIG = config;
  const result = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), path.join(ROOT, "main.ts")], { cwd, env, encoding: "utf8" });
  return { ...result, cwd };
}

describe("synth from the command line", () => {
  it("writes both stacks of the embedded demo with no config named", () => {
    const { status, cwd, stderr } = runApp(undefined);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(readdirSync(path.join(cwd, "cdktf.out", "stacks")).sort()).toEqual(["consumer-app", "provider"]);
    expect(existsSync(path.join(cwd, "cdktf.out", "stacks", "provider", "cdk.tf.json"))).toBe(true);
    // The share as configured, beside the stacks: the same picture the README shows.
    expect(readFileSync(path.join(cwd, "cdktf.out", "diagram.md"), "utf8")).toContain("```mermaid\nflowchart LR\n  subgraph provider");
  });

  it.each(["unparseable-json", "many-problems", "star-principal", "network-both"])(
    "exits 2 (a config error, as status and cost do) on %s, lists the problems and writes nothing",
    (name) => {
      const { status, cwd, stderr } = runApp(path.join(FIXTURES, `${name}.json`));
      expect(status).toBe(2);
      expect(stderr).toMatch(/problems? in the config\n {2}- /);
      expect(existsSync(path.join(cwd, "cdktf.out"))).toBe(false);
    },
  );

  it("writes HCL when cdktf asks for it, and no stale JSON beside it", () => {
    const { status, cwd } = runApp(undefined, { SYNTH_HCL_OUTPUT: "true" });
    expect(status).toBe(0);
    expect(readdirSync(path.join(cwd, "cdktf.out", "stacks", "provider")).filter((f) => f.startsWith("cdk.tf"))).toEqual(["cdk.tf"]);
  });
});

/**
 * A PATH like the machine's, without terraform and tofu: every other program is linked, and
 * `withCli` adds a stand-in that prints a version, as the real CLIs do for `version`.
 */
function pathWithout(withCli?: "terraform" | "tofu"): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-path-"));
  for (const d of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!d || !existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (name === "terraform" || name === "tofu" || existsSync(path.join(dir, name))) continue;
      try {
        symlinkSync(path.join(d, name), path.join(dir, name));
      } catch {
        // a name listed twice in the PATH: the first one wins, as in a shell
      }
    }
  }
  if (withCli) {
    const bin = path.join(dir, "cli-standin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, withCli), `#!/bin/sh\necho "${withCli === "tofu" ? "OpenTofu" : "Terraform"} v1.10.6"\n`, { mode: 0o755 });
    return `${bin}${path.delimiter}${dir}`;
  }
  return dir;
}

describe("synth with any CLI, or none", () => {
  const cloud = path.join(ROOT, "examples", "terraform-cloud", "config.json");

  it("synthesizes a cloud-backend config with no Terraform CLI at all, and says so in one line", () => {
    const { status, stderr, cwd } = runApp(cloud, { PATH: pathWithout() });
    expect(status).toBe(0);
    expect(cliLines(stderr)).toEqual([expect.stringMatching(/^rds-privatelink: no terraform or tofu on the PATH; synth skips cdktf's CLI version checks/)]);
    expect(JSON.parse(readFileSync(path.join(cwd, "cdktf.out", "stacks", "provider", "cdk.tf.json"), "utf8")).terraform.cloud.organization).toBe("acme");
  });

  it("checks the cloud backend with tofu on a machine that has only OpenTofu", () => {
    const { status, stderr } = runApp(cloud, { PATH: pathWithout("tofu") });
    expect({ status, stderr: cliLines(stderr) }).toEqual({ status: 0, stderr: [] });
  });

  it("keeps a TERRAFORM_BINARY_NAME the user set, and names it in one line when it is not on the PATH", () => {
    const { status, stderr } = runApp(cloud, { PATH: pathWithout("tofu"), TERRAFORM_BINARY_NAME: "no-such-terraform" });
    expect(status).toBe(0);
    expect(cliLines(stderr)).toEqual([expect.stringMatching(/^rds-privatelink: TERRAFORM_BINARY_NAME=no-such-terraform is not on the PATH; .*fix the name or unset it\)$/)]);
    const named = runApp(cloud, { PATH: pathWithout("tofu"), TERRAFORM_BINARY_NAME: "tofu" });
    expect({ status: named.status, stderr: cliLines(named.stderr) }).toEqual({ status: 0, stderr: [] });
  });
});

/** stderr without synth's notes on accepted choices (config/notices.ts), which other tests check. */
function cliLines(stderr: string): string[] {
  return stderr.trim().split("\n").filter((l) => l !== "" && !l.startsWith("note: "));
}

describe("npm run synth: the app without cdktf-cli, which cannot start on Node 24", () => {
  const { synthEnvironment } = require("../../scripts/synth") as typeof import("../../scripts/synth");

  it.each([
    [[], {}],
    [["--output", "cdktf.out/orders"], { CDKTF_OUTDIR: "cdktf.out/orders" }],
    [["--output=cdktf.out/orders", "--hcl"], { CDKTF_OUTDIR: "cdktf.out/orders", SYNTH_HCL_OUTPUT: "true" }],
  ])("passes %j to the app as cdktf-cli would: %j", (args, env) => {
    expect(synthEnvironment(args)).toEqual(env);
  });

  it("refuses an option it does not know, naming the ones it takes", () => {
    expect(() => synthEnvironment(["--app", "x"])).toThrow("unknown option --app: npm run synth takes --output DIR and --hcl");
    expect(() => synthEnvironment(["--output"])).toThrow("--output needs a directory");
  });

  it("writes the stacks where --output says, as HCL with --hcl, with nothing on stderr", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "rds-privatelink-npm-synth-"));
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
    delete env.RDS_PRIVATELINK_CONFIG;
    const result = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), path.join(ROOT, "scripts", "synth.ts"), "--output", "out/demo", "--hcl"], { cwd, env, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(path.join(cwd, "out", "demo", "stacks")).sort()).toEqual(["consumer-app", "provider"]);
    expect(existsSync(path.join(cwd, "out", "demo", "stacks", "provider", "cdk.tf"))).toBe(true);
  });
});
