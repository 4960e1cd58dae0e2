// The offline Terraform toolchain (scripts/toolchain.sh) as the tests see it, and helpers that
// run its CLI on synthesized stack directories.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export type CliName = "terraform" | "tofu";

export interface Toolchain {
  readonly cli: string;
  readonly cliName: CliName;
  /** Every CLI the toolchain has: the tiers run once under each (scripts/terraform-tier.sh). */
  readonly available: Record<CliName, string | undefined>;
  readonly configFile: string;
  /** Providers that could not be had on this machine (reported by the toolchain script). */
  readonly missing: string[];
}

/** The CLI this test run uses: $RDS_PRIVATELINK_CLI (terraform or tofu), else terraform where the machine has it. */
export const CLI_ENV = "RDS_PRIVATELINK_CLI";

let cached: Toolchain | undefined;

export function toolchain(): Toolchain {
  if (cached) return cached;
  // A run under terraform alone asks for everything but OpenTofu, which may still be building.
  const args = process.env[CLI_ENV] === "terraform" ? ["--no-tofu"] : [];
  const out = execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", "toolchain.sh"), ...args], {
    encoding: "utf8",
  });
  const envFile = out.trim().split("\n").pop()!;
  const vars = Object.fromEntries(
    readFileSync(envFile, "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), JSON.parse(l.slice(l.indexOf("=") + 1))]),
  );
  const available: Record<CliName, string | undefined> = {
    terraform: vars.TERRAFORM_CLI || undefined,
    tofu: vars.TOFU_CLI && existsSync(vars.TOFU_CLI) ? vars.TOFU_CLI : undefined,
  };
  const wanted = process.env[CLI_ENV] as CliName | undefined;
  if (wanted !== undefined && !(wanted in available))
    throw new Error(`${CLI_ENV} must be terraform or tofu, not ${wanted}`);
  const cliName: CliName = wanted ?? (available.terraform ? "terraform" : "tofu");
  const cli = available[cliName];
  if (!cli) throw new Error(`${CLI_ENV}=${cliName}, but the toolchain has no ${cliName} (see scripts/toolchain.sh)`);
  cached = {
    cli,
    cliName,
    available,
    configFile: vars.TF_CLI_CONFIG_FILE,
    missing: vars.TOOLCHAIN_MISSING ? String(vars.TOOLCHAIN_MISSING).split(" ") : [],
  };
  // The cdktf CLI and matchers read these (the matchers read TERRAFORM_BINARY_NAME when cdktf is
  // first loaded: scripts/terraform-tier.sh exports it before Jest starts).
  process.env.TF_CLI_CONFIG_FILE = cached.configFile;
  process.env.TERRAFORM_BINARY_NAME = cached.cli;
  process.env.CHECKPOINT_DISABLE = "1";
  process.env.TF_IN_AUTOMATION = "1";
  return cached;
}

export interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  address?: string;
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  // Never fall back to the process's directory: a stray `destroy` there would act on the repo.
  if (!dir) throw new Error(`no stack directory given for ${args.join(" ")}`);
  forgetOutputsAfter(args[0]);
  const tc = toolchain();
  const started = Date.now();
  const r = spawnSync(tc.cli, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, TF_CLI_CONFIG_FILE: tc.configFile, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", ...env },
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  recordTiming(args[0], started);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The environment variable naming a file where each CLI command's time is appended as a JSON line. */
export const TIMINGS_ENV = "RDS_PRIVATELINK_TF_TIMINGS";

/** Appends one command's wall time to $RDS_PRIVATELINK_TF_TIMINGS: where the Terraform tiers spend theirs. */
export function recordTiming(command: string, started: number): void {
  const file = process.env[TIMINGS_ENV];
  if (!file) return;
  const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath ?? "";
  const line = {
    cli: toolchain().cliName,
    file: path.basename(testPath),
    command,
    seconds: (Date.now() - started) / 1000,
  };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** `run` without blocking this process, so that two commands (plans that only read) can run at once. */
export function runAsync(dir: string, args: string[]): Promise<CliResult> {
  if (!dir) throw new Error(`no stack directory given for ${args.join(" ")}`);
  forgetOutputsAfter(args[0]);
  const tc = toolchain();
  const started = Date.now();
  const env = { ...process.env, TF_CLI_CONFIG_FILE: tc.configFile, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  return new Promise((resolve) =>
    execFile(
      tc.cli,
      args,
      { cwd: dir, encoding: "utf8", env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        recordTiming(args[0], started);
        resolve({ status: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      },
    ),
  );
}

export function mustRun(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = run(dir, args, env);
  if (r.status !== 0)
    throw new Error(
      `${toolchain().cliName} ${args.join(" ")} failed in ${dir} (exit ${r.status}):\n${r.stderr}\n${r.stdout}`,
    );
  return r;
}

/**
 * destroy -auto-approve, run a second time only when the first failed on a security group rule
 * the emulator no longer had (InvalidPermission.NotFound). On a loaded machine the emulator can
 * answer a revoke after the SDK has given up on it, and the SDK's retry then finds the rule gone
 * (docs/emulator-gaps.md). The second run must succeed: callers still check that nothing is left.
 */
export function destroy(dir: string, parallelism: string): CliResult {
  const args = ["destroy", "-auto-approve", "-input=false", "-no-color", parallelism];
  const first = run(dir, args);
  if (first.status === 0 || !/InvalidPermission\.NotFound/.test(first.stderr)) {
    if (first.status !== 0)
      throw new Error(
        `${toolchain().cliName} ${args.join(" ")} failed in ${dir} (exit ${first.status}):\n${first.stderr}\n${first.stdout}`,
      );
    return first;
  }
  process.stdout.write(
    `${toolchain().cliName} destroy in ${dir}: a revoked rule was already gone (InvalidPermission.NotFound); destroying again\n`,
  );
  return mustRun(dir, args);
}

// ---- outputs: one `output -json` per state, not one per name ----
// Each `output` call starts the CLI and reads the whole state (0.85 s on an idle machine); a test that
// checks twenty outputs read the same state twenty times. The values are read once, with
// `output -json`, and read again after any command that may have written a state.

/** Commands that never write a state: their outputs stay as read. */
const READS_STATE_ONLY = new Set(["output", "show", "plan", "validate", "version", "providers", "init", "fmt"]);
const outputCache = new Map<string, Record<string, { value: Json }>>();
type Json = ReturnType<typeof JSON.parse>;

function forgetOutputsAfter(command: string): void {
  // Copies of a stack share its state file, so a write in one dir stales them all.
  if (!READS_STATE_ONLY.has(command)) forgetOutputs();
}

/** Forgets every stack's outputs as read: after a state written by something else than run() (cdktf deploy). */
export function forgetOutputs(): void {
  outputCache.clear();
}

/** One output's value from a stack's state (all of them read with one `output -json`, then kept). */
export function output(dir: string, name: string): Json {
  const all = outputs(dir);
  if (!(name in all)) throw new Error(`${toolchain().cliName} output: no output ${name} in ${dir}'s state`);
  return all[name].value;
}

/** Every output's name and value in a stack's state. */
export function outputs(dir: string): Record<string, { value: Json }> {
  let all = outputCache.get(dir);
  if (!all) {
    all = JSON.parse(mustRun(dir, ["output", "-json"]).stdout) as Record<string, { value: Json }>;
    outputCache.set(dir, all);
  }
  return all;
}

/** A private copy of a synthesized stack directory, so each check starts clean. */
export function copyStack(stackDir: string): string {
  const dest = path.join(mkdtempSync(path.join(tmpdir(), "rds-privatelink-tf-")), path.basename(stackDir));
  cpSync(stackDir, dest, { recursive: true });
  return dest;
}

/** init -backend=false, then validate -json: the diagnostics. */
export function validate(dir: string): Diagnostic[] {
  mustRun(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
  return validateJson(dir).diagnostics.map(({ severity, summary, detail, address }) => ({
    severity,
    summary,
    detail,
    address,
  }));
}

/** The CLI's own words when a provider's process did not answer within its start timeout (go-plugin's minute). */
const PLUGIN_START_TIMEOUT = "timeout while waiting for plugin to start";

/**
 * validate -json, run a second time only when the first failed because a provider's process did
 * not start in time: on a machine whose two cores build OpenTofu and run the e2e tier at once,
 * one of the AWS provider's processes (one per module's provider configuration) once missed the
 * CLI's start timeout, which no setting changes. It says nothing of the stacks; the second
 * run's diagnostics stand, whatever they are.
 */
function validateJson(dir: string): { diagnostics: Array<Diagnostic & { range?: { filename: string } }> } {
  const once = () =>
    JSON.parse(run(dir, ["validate", "-json", "-no-color"]).stdout) as {
      diagnostics: Array<Diagnostic & { range?: { filename: string } }>;
    };
  const first = once();
  if (!first.diagnostics.some((d) => d.summary === PLUGIN_START_TIMEOUT)) return first;
  process.stdout.write(
    `${toolchain().cliName} validate in ${dir}: a provider did not start in time (${PLUGIN_START_TIMEOUT}); validating again\n`,
  );
  return once();
}

/**
 * Warnings that only come from validating a stack as a module of another root, each with its
 * reason; errors are never dropped.
 */
const MODULE_ONLY_WARNINGS: Array<{ summary: string; reason: string }> = [
  {
    summary: "Redundant empty provider block",
    reason:
      'a stack\'s empty `provider "archive" {}` configures the provider in a root module; in a child module the CLI calls it redundant',
  },
];

/**
 * Several stack directories validated at once, each as a module of one root: one init and one
 * load of the AWS provider's schema for all of them, where one per stack took most of the
 * validate tier's time. Each module is validated as its own root would be; the backend block is
 * left out of the copies, which `validate` never reads (init -backend=false) and a child module
 * may not hold. Returns each key's diagnostics, found by the module's folder in the diagnostic's
 * range (one with no range goes to every key, so it fails them all).
 */
export function validateTogether(stacks: Array<{ key: string; dir: string }>): Map<string, Diagnostic[]> {
  const root = mkdtempSync(path.join(tmpdir(), "rds-privatelink-validate-"));
  const modules: Record<string, { source: string }> = {};
  stacks.forEach(({ dir }, i) => {
    const name = `stack${i}`;
    cpSync(dir, path.join(root, name), { recursive: true });
    const file = path.join(root, name, "cdk.tf.json");
    const stack = JSON.parse(readFileSync(file, "utf8"));
    delete stack.terraform?.backend;
    delete stack.terraform?.cloud;
    writeFileSync(file, JSON.stringify(stack));
    modules[name] = { source: `./${name}` };
  });
  writeFileSync(path.join(root, "main.tf.json"), JSON.stringify({ module: modules }));
  mustRun(root, ["init", "-backend=false", "-input=false", "-no-color"]);
  const result = validateJson(root);
  const found = new Map(stacks.map(({ key }) => [key, [] as Diagnostic[]]));
  for (const { severity, summary, detail, address, range } of result.diagnostics) {
    if (severity === "warning" && MODULE_ONLY_WARNINGS.some((w) => w.summary === summary)) continue;
    const i = /^stack(\d+)[/\\]/.exec(range?.filename ?? "")?.[1];
    const owners = i === undefined ? stacks : [stacks[Number(i)]];
    for (const { key } of owners) found.get(key)!.push({ severity, summary, detail, address });
  }
  return found;
}

export const STUB_ZIP = "dist/failover-sync-stub.zip";

/**
 * The stack without its archive_file, for machines where hashicorp/archive cannot be
 * installed. The function's package becomes a zip of the same bundle, made here with Python's
 * zipfile at STUB_ZIP; every AWS resource is kept.
 */
export function withoutArchive(dir: string): void {
  const file = path.join(dir, "cdk.tf.json");
  const stack = JSON.parse(readFileSync(file, "utf8"));
  const [name] = Object.keys(stack.resource?.archive_file ?? {});
  if (!name) return;
  delete stack.resource.archive_file;
  delete stack.terraform.required_providers.archive;
  delete stack.provider.archive;
  let text = JSON.stringify(stack, null, 2);
  text = text.split(`\${archive_file.${name}.output_path}`).join(STUB_ZIP);
  text = text.split(`\${archive_file.${name}.output_base64sha256}`).join(zipAssets(dir));
  writeFileSync(file, text);
}

/** Zips the stack's assets to STUB_ZIP; returns the zip's base64 SHA-256, as the archive provider would. */
function zipAssets(dir: string): string {
  const script = [
    "import os, sys, zipfile",
    "root, out = sys.argv[1], sys.argv[2]",
    "os.makedirs(os.path.dirname(out), exist_ok=True)",
    "with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:",
    "    for base, _, files in os.walk(os.path.join(root, 'assets')):",
    "        for f in files: z.write(os.path.join(base, f), f)",
    "import base64, hashlib",
    "print(base64.b64encode(hashlib.sha256(open(out, 'rb').read()).digest()).decode())",
  ].join("\n");
  return execFileSync("python3", ["-c", script, dir, path.join(dir, STUB_ZIP)], { encoding: "utf8" }).trim();
}
