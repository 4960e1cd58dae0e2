// npm run status [-- config.json] [--output cdktf.out] [--json]
// Checks a deployed share: reads each stack's outputs from its state, asks AWS with each
// account's profile, and reports per stack. Exits 1 when anything is wrong, naming what and the
// fix; 2 on a bad command line or config. It never changes anything.
import * as path from "path";
import { CONFIG_ENV, configPath, loadConfigFile } from "../config/load";
import { AppConfig, Config } from "../config/resolve";
import { diagnoseConsumer, diagnoseProvider, Finding, FixContext, ProviderObservation } from "./status/diagnose";
import { cliFlags, observeConsumer, observeProvider } from "./status/observe";
import { deployCommand, NotThisShareError, readOutputs, StateLocation, StatusError } from "./status/outputs";
import { OutputError } from "../stacks/outputs";

export interface StatusArgs {
  readonly configFile: string;
  readonly outdir: string;
  readonly json: boolean;
  readonly help?: boolean;
}

export const STATUS_USAGE = `usage: npm run status [-- CONFIG] [--output DIR] [--json]

Checks a deployed share, read-only: the writer, the ports, target health, endpoint connections,
each consumer endpoint and its AZ IDs, the failover function's last run and dead letters.

  CONFIG        the share's config file (default: $RDS_PRIVATELINK_CONFIG, else config/default.json)
  --output DIR  where synth wrote the stacks (default: cdktf.out); must hold this config's share
  --json        one JSON document instead of the report
  -h, --help    this text

Exit codes: 0 healthy, 1 a problem found (each named with its fix), 2 a bad command line or config,
or stacks in --output that belong to another share.`;

export function parseStatusArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): StatusArgs {
  let configFile: string | undefined;
  let outdir = "cdktf.out";
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return { configFile: configPath(env), outdir: path.resolve(outdir), json, help: true };
    if (arg === "--json") json = true;
    else if (arg === "--output" || arg.startsWith("--output=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (!value) throw new Error("--output: give the directory synth wrote to, for example --output cdktf.out");
      outdir = value;
    } else if (arg.startsWith("-")) throw new Error(`${arg}: unknown flag; the flags are --output DIR, --json and --help`);
    else if (configFile === undefined) configFile = path.resolve(arg);
    else throw new Error(`${arg}: one config file only (already given: ${configFile})`);
  }
  return { configFile: configFile ?? configPath(env), outdir: path.resolve(outdir), json };
}

/** Every finding of every stack; a stack that cannot be read is itself a finding. */
export async function checkShare(app: AppConfig, args: StatusArgs, env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<Finding[]> {
  if (app.shares.length !== 1 || app.shares[0].scoped) throw new Error("WIP: the status of several shares");
  const config = app.shares[0].config;
  const ctx: FixContext = { configFile: path.relative(process.cwd(), args.configFile) || args.configFile, providerCli: cliFlags(config.provider.account), now };
  const location = (stack: string, backend: Config["provider"]["backend"]) => ({ name: config.name, configFile: ctx.configFile, stack, backend, projectRoot: process.cwd(), outdir: args.outdir });
  const findings: Finding[] = [];
  const unreadable = (loc: StateLocation, e: unknown) => {
    if (e instanceof NotThisShareError) throw e;
    findings.push({
      stack: loc.stack,
      check: "state and AWS",
      ok: false,
      detail: (e as Error).message,
      fix:
        e instanceof StatusError
          ? e.fix
          : e instanceof OutputError
            ? `deploy it with this version (${deployCommand(loc)}), or check that its state is this share's`
            : "check the account's credentials (profile, role) and region in the config, and that the stack is deployed",
    });
  };

  let provider: ProviderObservation | undefined;
  const providerLoc = location("provider", config.provider.backend);
  try {
    provider = await observeProvider(config, readOutputs(providerLoc, env), env);
    findings.push(...diagnoseProvider(provider, ctx));
  } catch (e) {
    unreadable(providerLoc, e);
  }
  for (const consumer of config.consumers) {
    const loc = location(`consumer-${consumer.name}`, consumer.backend);
    try {
      const observed = await observeConsumer(consumer, readOutputs(loc, env));
      const azIds = provider?.azIds ?? consumer.providerAzIds ?? config.provider.network.create?.azIds ?? [];
      findings.push(...diagnoseConsumer(observed, { transport: config.provider.transport, azIds, observed: provider }, ctx));
    } catch (e) {
      unreadable(loc, e);
    }
  }
  return findings.map((f) => (f.fix ? { ...f, fix: withConfig(f.fix, ctx.configFile) } : f));
}

/**
 * Every fix names the config it is for: a cdktf command gets RDS_PRIVATELINK_CONFIG in front
 * (without it, cdktf would act on the embedded demo), and any other fix says which config it
 * means.
 */
export function withConfig(fix: string, configFile: string): string {
  const env = `${CONFIG_ENV}=${configFile}`;
  const prefixed = `${env} npx cdktf `;
  // Commands that already carry it keep it once; the others get it.
  const commands = fix
    .split(prefixed)
    .map((part) => part.replace(/npx cdktf /g, prefixed))
    .join(prefixed);
  return commands.includes(env) ? commands : `${commands} (config: ${env})`;
}

export function formatFindings(findings: Finding[]): string {
  const out: string[] = [];
  const width = Math.max(...findings.map((f) => f.check.length), 10);
  let stack = "";
  for (const f of findings) {
    if (f.stack !== stack) {
      stack = f.stack;
      out.push(`${out.length ? "\n" : ""}${stack}`);
    }
    out.push(`  ${f.skipped ? "skip" : f.ok ? "ok  " : "FAIL"}  ${f.check.padEnd(width)}  ${f.detail}`);
    if (!f.ok && f.fix) out.push(`        ${"".padEnd(width)}  fix: ${f.fix}`);
  }
  const problems = findings.filter((f) => !f.ok);
  out.push("");
  const skipped = findings.filter((f) => f.skipped).length;
  const passed = `${findings.length - skipped} checks passed${skipped ? `, ${skipped} not checked` : ""}`;
  out.push(problems.length === 0 ? `Healthy: ${passed}.` : `${problems.length} problem(s): ${problems.map((p) => `${p.stack} ${p.check}`).join("; ")}.`);
  return out.join("\n");
}

async function main(): Promise<void> {
  let args: StatusArgs;
  let config: AppConfig;
  try {
    args = parseStatusArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(`${STATUS_USAGE}\n`);
      return;
    }
    config = loadConfigFile(args.configFile);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  let findings: Finding[];
  try {
    findings = await checkShare(config, args);
  } catch (e) {
    if (!(e instanceof NotThisShareError)) throw e;
    process.stderr.write(`${e.message}\nfix: ${e.fix}\n`);
    process.exit(2);
  }
  const healthy = findings.every((f) => f.ok);
  process.stdout.write(args.json ? `${JSON.stringify({ healthy, findings }, null, 2)}\n` : `${formatFindings(findings)}\n`);
  process.exitCode = healthy ? 0 : 1;
}

if (require.main === module) void main();
