// The app as users run it: a child process, the config from RDS_PRIVATELINK_CONFIG.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "bad-configs");

function runApp(config: string | undefined, extraEnv: Record<string, string> = {}) {
  const cwd = mkdtempSync(path.join(tmpdir(), "rds-privatelink-synth-"));
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", ...extraEnv };
  delete env.RDS_PRIVATELINK_CONFIG;
  if (config) env.RDS_PRIVATELINK_CONFIG = config;
  const result = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), path.join(ROOT, "main.ts")], {
    cwd,
    env,
    encoding: "utf8",
  });
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
    expect(readFileSync(path.join(cwd, "cdktf.out", "diagram.md"), "utf8")).toContain(
      "```mermaid\nflowchart LR\n  subgraph provider",
    );
  });

  it.each(["many-problems", "star-principal", "network-both"])(
    "exits 2 (a config error, as status and cost do) on %s, lists the problems and writes nothing",
    (name) => {
      const { status, cwd, stderr } = runApp(path.join(FIXTURES, `${name}.json`));
      expect(status).toBe(2);
      expect(stderr).toMatch(/problems? in the config\n {2}- /);
      expect(existsSync(path.join(cwd, "cdktf.out"))).toBe(false);
    },
  );

  it("exits 2 on a file that is not JSON with one line at the mistake itself, and writes nothing", () => {
    const file = path.join(FIXTURES, "trailing-comma.json");
    const { status, cwd, stderr } = runApp(file);
    expect({ status, stderr }).toEqual({
      status: 2,
      stderr: `${file}: not valid JSON at line 1, column 18: a trailing comma before "}"; JSON allows none, remove it\n`,
    });
    expect(existsSync(path.join(cwd, "cdktf.out"))).toBe(false);
  });

  it("takes RDS_PRIVATELINK_CONFIG naming an example's directory as its config.json, and says so", () => {
    const dir = path.join(ROOT, "examples", "minimal");
    const { status, stderr, cwd } = runApp(dir);
    expect(status).toBe(0);
    expect(stderr.split("\n")[0]).toBe(
      `note: RDS_PRIVATELINK_CONFIG=${dir} is a directory: reading ${dir}/config.json`,
    );
    expect(readdirSync(path.join(cwd, "cdktf.out", "stacks")).sort()).toEqual(["consumer-app", "provider"]);
  });

  it("writes HCL when cdktf asks for it, and no stale JSON beside it", () => {
    const { status, cwd } = runApp(undefined, { SYNTH_HCL_OUTPUT: "true" });
    expect(status).toBe(0);
    expect(
      readdirSync(path.join(cwd, "cdktf.out", "stacks", "provider")).filter((f) => f.startsWith("cdk.tf")),
    ).toEqual(["cdk.tf"]);
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
    writeFileSync(
      path.join(bin, withCli),
      `#!/bin/sh\necho "${withCli === "tofu" ? "OpenTofu" : "Terraform"} v1.10.6"\n`,
      { mode: 0o755 },
    );
    return `${bin}${path.delimiter}${dir}`;
  }
  return dir;
}

describe("synth with any CLI, or none", () => {
  const cloud = path.join(ROOT, "examples", "terraform-cloud", "config.json");

  it("synthesizes a cloud-backend config with no Terraform CLI at all, and says so in one line", () => {
    const { status, stderr, cwd } = runApp(cloud, { PATH: pathWithout() });
    expect(status).toBe(0);
    expect(cliLines(stderr)).toEqual([
      expect.stringMatching(
        /^rds-privatelink: no terraform or tofu on the PATH; synth skips cdktf's CLI version checks/,
      ),
    ]);
    expect(
      JSON.parse(readFileSync(path.join(cwd, "cdktf.out", "stacks", "provider", "cdk.tf.json"), "utf8")).terraform.cloud
        .organization,
    ).toBe("acme");
  });

  it("checks the cloud backend with tofu on a machine that has only OpenTofu", () => {
    const { status, stderr } = runApp(cloud, { PATH: pathWithout("tofu") });
    expect({ status, stderr: cliLines(stderr) }).toEqual({ status: 0, stderr: [] });
  });

  it("keeps a TERRAFORM_BINARY_NAME the user set, and names it in one line when it is not on the PATH", () => {
    const { status, stderr } = runApp(cloud, { PATH: pathWithout("tofu"), TERRAFORM_BINARY_NAME: "no-such-terraform" });
    expect(status).toBe(0);
    expect(cliLines(stderr)).toEqual([
      expect.stringMatching(
        /^rds-privatelink: TERRAFORM_BINARY_NAME=no-such-terraform is not on the PATH; .*fix the name or unset it\)$/,
      ),
    ]);
    const named = runApp(cloud, { PATH: pathWithout("tofu"), TERRAFORM_BINARY_NAME: "tofu" });
    expect({ status: named.status, stderr: cliLines(named.stderr) }).toEqual({ status: 0, stderr: [] });
  });
});

/** stderr without synth's notes on accepted choices (config/notices.ts), which other tests check. */
function cliLines(stderr: string): string[] {
  return stderr
    .trim()
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("note: "));
}

describe("npm run synth: the app without cdktf-cli, which cannot start on Node 24", () => {
  const { parseSynthArgs } = require("../../scripts/synth") as typeof import("../../scripts/synth");

  it.each([
    [[], {}],
    [["--output", "cdktf.out/orders"], { CDKTF_OUTDIR: "cdktf.out/orders" }],
    [["-o", "cdktf.out/orders"], { CDKTF_OUTDIR: "cdktf.out/orders" }],
    [["--output=cdktf.out/orders", "--hcl"], { CDKTF_OUTDIR: "cdktf.out/orders", SYNTH_HCL_OUTPUT: "true" }],
  ])("passes %j to the app as cdktf-cli would: %j", (args, env) => {
    expect(parseSynthArgs(args, {}).env).toEqual(env);
  });

  it("takes the config as an argument, before RDS_PRIVATELINK_CONFIG, as status and cost do", () => {
    const env = { RDS_PRIVATELINK_CONFIG: "examples/s3-backend/config.json" };
    expect(parseSynthArgs(["examples/minimal/config.json", "--hcl"], env).source).toEqual({
      file: path.resolve("examples/minimal/config.json"),
      origin: "argument",
    });
    expect(parseSynthArgs(["--hcl"], env).source).toEqual({
      file: path.resolve("examples/s3-backend/config.json"),
      origin: "env",
    });
    expect(parseSynthArgs([], {}).source.origin).toBe("default");
  });

  it.each([
    [["--app", "x"], "--app: unknown option; npm run synth takes a config path, --output DIR, --hcl and --help"],
    [["--output"], "--output needs a directory, such as --output cdktf.out/orders"],
    [["--output", "--hcl"], "--output needs a directory, such as --output cdktf.out/orders"],
    [["--output="], "--output needs a directory, such as --output cdktf.out/orders"],
    [["a.json", "b.json"], "b.json: one config only (already given: a.json)"],
  ])("refuses %j in one line naming what was written", (args, message) => {
    expect(() => parseSynthArgs(args, {})).toThrow(new Error(message));
  });

  it("writes the stacks where --output says, as HCL with --hcl, with nothing on stderr", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "rds-privatelink-npm-synth-"));
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
    delete env.RDS_PRIVATELINK_CONFIG;
    const result = spawnSync(
      process.execPath,
      [
        "--require",
        require.resolve("tsx/cjs"),
        path.join(ROOT, "scripts", "synth.ts"),
        "--output",
        "out/demo",
        "--hcl",
      ],
      { cwd, env, encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(path.join(cwd, "out", "demo", "stacks")).sort()).toEqual(["consumer-app", "provider"]);
    expect(existsSync(path.join(cwd, "out", "demo", "stacks", "provider", "cdk.tf"))).toBe(true);
  });
});

describe("npm run synth as users run it", () => {
  /** scripts/synth.ts in `cwd` (the repo by default, so paths read as users write them), without RDS_PRIVATELINK_CONFIG. */
  function npmSynth(args: string[], cwd = ROOT) {
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
    delete env.RDS_PRIVATELINK_CONFIG;
    return spawnSync(
      process.execPath,
      ["--require", require.resolve("tsx/cjs"), path.join(ROOT, "scripts", "synth.ts"), ...args],
      { cwd, env, encoding: "utf8" },
    );
  }
  const scratch = () => mkdtempSync(path.join(tmpdir(), "rds-privatelink-npm-synth-"));

  it.each(["--help", "-h"])("answers %s with its usage and exit 0, writing nothing", (flag) => {
    const cwd = scratch();
    const r = npmSynth([flag, "--output", "out"], cwd);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout).toMatch(/^usage: npm run synth \[-- CONFIG\] \[--output DIR\] \[--hcl\]\n/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("reads a directory that holds config.json as that file, says so, and says which stacks it wrote and what to run next", () => {
    const out = scratch();
    const r = npmSynth(["examples/minimal", "--output", out]);
    expect(r.status).toBe(0);
    expect(r.stderr.split("\n")[0]).toBe("note: examples/minimal is a directory: reading examples/minimal/config.json");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "Wrote 2 stacks of examples/minimal/config.json:",
      `  provider      ${out}/stacks/provider/cdk.tf.json`,
      `  consumer-app  ${out}/stacks/consumer-app/cdk.tf.json`,
      `  and ${out}/diagram.md, the config as a picture`,
    ]);
    expect(lines[4]).toMatch(
      new RegExp(
        `^Next, provider first, then each consumer: cd ${out}/stacks/provider && (terraform|tofu) init && \\1 plan \\(then apply\\)$`,
      ),
    );
    // npm run deploy synthesizes again, from the variable: the line names this config and this output.
    expect(lines[5]).toMatch(
      Number(process.versions.node.split(".")[0]) <= 22
        ? `  or deploy with cdktf-cli: RDS_PRIVATELINK_CONFIG=examples/minimal/config.json npm run deploy -- provider --output ${out}`
        : /^ {2}npm run deploy needs Node 22/,
    );
    expect(lines).toHaveLength(6);
    expect(existsSync(path.join(out, "stacks", "consumer-app", "cdk.tf.json"))).toBe(true);
  });

  it("writes a consumer-only config's one stack, its manifest and no diagram, and says what to run in its folder", () => {
    const out = scratch();
    // A diagram an earlier synth of a provider's config left there is stale for this one.
    writeFileSync(path.join(out, "diagram.md"), "stale");
    const r = npmSynth(["examples/consumer-self-service/config.json", "--output", out]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual([
      "Wrote 1 stack of examples/consumer-self-service/config.json:",
      `  consumer-reports  ${out}/stacks/consumer-reports/cdk.tf.json`,
    ]);
    expect(lines[2]).toMatch(
      new RegExp(
        `^Next, consumer-reports: cd ${out}/stacks/consumer-reports && (terraform|tofu) init && \\1 plan \\(then apply\\)$`,
      ),
    );
    expect(readdirSync(path.join(out, "stacks"))).toEqual(["consumer-reports"]);
    expect(existsSync(path.join(out, "diagram.md"))).toBe(false);
    // status matches the folder to the config by the provider's config name, which the ARN gives.
    expect(JSON.parse(readFileSync(path.join(out, "share.json"), "utf8"))).toEqual({
      name: "orders",
      stacks: ["consumer-reports"],
    });
  });

  it.each([
    [
      "examples",
      "examples: is a directory with no config.json; name a config file, such as examples/minimal/config.json (check the path given on the command line)",
    ],
    [
      "examples/minimal/README.md",
      'examples/minimal/README.md: not valid JSON at line 1, column 1: a "#" comment or heading; JSON has no comments, and a config is a JSON object, { ... }',
    ],
    [
      "examples/minimal/config.jsn",
      "examples/minimal/config.jsn: cannot read the file (ENOENT: no such file or directory); check the path given on the command line",
    ],
    ["--outptu", "--outptu: unknown option; npm run synth takes a config path, --output DIR, --hcl and --help"],
  ])("refuses %s in one line with exit 2, writing nothing", (arg, line) => {
    const out = path.join(scratch(), "out");
    const r = npmSynth([arg, "--output", out]);
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({
      status: 2,
      stderr: `${line}\n`,
      stdout: "",
    });
    expect(existsSync(out)).toBe(false);
  });
});

describe("what synth says it wrote", () => {
  const { synthSummary } = require("../../scripts/synth") as typeof import("../../scripts/synth");
  const written = {
    outdir: "cdktf.out",
    stacks: [
      { name: "provider", file: "cdktf.out/stacks/provider/cdk.tf" },
      { name: "consumer-analytics", file: "cdktf.out/stacks/consumer-analytics/cdk.tf" },
    ],
    diagram: "cdktf.out/diagram.md",
    cli: "tofu",
  };

  it("names the embedded demo and needs no variable to deploy it", () => {
    expect(synthSummary(written, { file: "/x/config/default.json", origin: "default" }, 22).split("\n")).toEqual([
      "Wrote 2 stacks of the embedded demo (config/default.json):",
      "  provider            cdktf.out/stacks/provider/cdk.tf",
      "  consumer-analytics  cdktf.out/stacks/consumer-analytics/cdk.tf",
      "  and cdktf.out/diagram.md, the config as a picture",
      "Next, provider first, then each consumer: cd cdktf.out/stacks/provider && tofu init && tofu plan (then apply)",
      "  or deploy with cdktf-cli: npm run deploy -- provider",
    ]);
  });

  it("on a Node cdktf-cli cannot start on, deploys with the CLI it found instead", () => {
    const text = synthSummary(
      { ...written, stacks: written.stacks.slice(0, 1) },
      { file: path.resolve("my.json"), origin: "env" },
      24,
    );
    expect(text).toContain("Wrote 1 stack of my.json:");
    expect(text).toContain("Next, provider: cd cdktf.out/stacks/provider && tofu init && tofu plan (then apply)");
    expect(text.split("\n").pop()).toBe(
      "  npm run deploy needs Node 22 (cdktf-cli cannot start on Node 24): deploy with tofu apply there",
    );
  });

  it("says terraform when no CLI was found, for the machine that will deploy", () => {
    const { cli: _none, ...withoutCli } = written;
    expect(synthSummary(withoutCli, { file: path.resolve("my.json"), origin: "argument" }, 22)).toContain(
      "cd cdktf.out/stacks/provider && terraform init && terraform plan (then apply)\n  or deploy with cdktf-cli: RDS_PRIVATELINK_CONFIG=my.json npm run deploy -- provider",
    );
  });
});
