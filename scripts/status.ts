// npm run status [-- config.json] [--output cdktf.out] [--share NAME] [--json]
// Checks a deployed config: reads each stack's outputs from its state (once per stack), checks
// every share it holds (or the one --share names) with each account's profile, and reports per
// stack. Exits 1 when anything is wrong, naming what and the fix; 2 on a bad command line or
// config. It never changes anything.
import * as path from "node:path";
import type { ConsumerOnlyConfig } from "../config/consumer-only";
import {
  CONFIG_ENV,
  type ConfigOrigin,
  configSource,
  isConsumerOnlyConfig,
  type LoadedConfig,
  loadAnyConfigFile,
} from "../config/load";
import type { AppConfig, ShareConfig } from "../config/resolve";
import type { Backend } from "../config/schema";
import {
  diagnoseConsumer,
  diagnoseProvider,
  type Finding,
  type FixContext,
  type ProviderObservation,
} from "./status/diagnose";
import { checkConsumerOnly } from "./status/consumer-only";
import { cliFlags, observeConsumer, observeProvider } from "./status/observe";
import { deployCommand, NotThisShareError, readOutputs, type StateLocation, StatusError } from "./status/outputs";
import { consumerStackName } from "../stacks/consumer-stack";
import { PROVIDER_STACK } from "../stacks/provider-stack";
import { OutputError, type OutputValues } from "../stacks/outputs";

export interface StatusArgs {
  readonly configFile: string;
  /** Where configFile came from, for a message that it cannot be read (the argument or the variable). */
  readonly configOrigin?: ConfigOrigin;
  /** Said once on stderr: a directory was given and its config.json is read. */
  readonly configNote?: string;
  readonly outdir: string;
  readonly json: boolean;
  /** --share: the one share to check; every share when undefined. */
  readonly share?: string;
  readonly help?: boolean;
}

export const STATUS_USAGE = `usage: npm run status [-- CONFIG] [--output DIR] [--share NAME] [--json]

Checks a deployed config, read-only, share by share: the writer, the ports, target health,
endpoint connections, each consumer endpoint and its AZ IDs, the failover function's last run and
dead letters. Of a config with several shares (provider.shares), each check names its share
("orders: writer port"), and one summary line covers them all. Of a consumer-only config, with
the consumer's credentials only: each share's descriptor against its saved copy, and the
consumer's endpoints.

  CONFIG        the config file, or a directory that holds one (examples/minimal); default:
                $RDS_PRIVATELINK_CONFIG, else config/default.json
  --output DIR  where synth wrote the stacks (default: cdktf.out); must hold this config's stacks
  --share NAME  check this share only: its part of the provider stack and of each consumer that
                reaches it (default: every share)
  --json        one JSON document instead of the report
  -h, --help    this text

Exit codes: 0 healthy, 1 a problem found (each named with its fix), 2 a bad command line or config
(a --share that is not one of the config's), or stacks in --output that belong to another config.`;

export function parseStatusArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): StatusArgs {
  let configFile: string | undefined;
  let outdir = "cdktf.out";
  let json = false;
  let share: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h")
      return { configFile: configSource(undefined, env).file, outdir: path.resolve(outdir), json, help: true };
    if (arg === "--json") json = true;
    else if (arg === "--output" || arg.startsWith("--output=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (!value) throw new Error("--output: give the directory synth wrote to, for example --output cdktf.out");
      outdir = value;
    } else if (arg === "--share" || arg.startsWith("--share=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (!value || value.startsWith("-"))
        throw new Error("--share: give the name of one share of the config, for example --share orders");
      share = value;
    } else if (arg.startsWith("-"))
      throw new Error(`${arg}: unknown flag; the flags are --output DIR, --share NAME, --json and --help`);
    else if (configFile === undefined) configFile = arg;
    else throw new Error(`${arg}: one config file only (already given: ${configFile})`);
  }
  const source = configSource(configFile, env);
  return {
    configFile: source.file,
    configOrigin: source.origin,
    ...(source.note ? { configNote: source.note } : {}),
    outdir: path.resolve(outdir),
    json,
    share,
  };
}

/** The shares to check: every one, or the one --share names; any other name is a usage error (exit 2) naming the shares. */
export function sharesToCheck(app: AppConfig, share: string | undefined, configFile: string): ShareConfig[] {
  if (share === undefined) return app.shares;
  const found = app.shares.find((s) => s.name === share);
  if (!found) {
    const names = app.shares.map((s) => s.name);
    throw new Error(
      `--share ${share}: ${configFile} has no share named "${share}"; its share${names.length === 1 ? " is" : "s are"} ${names.join(", ")}`,
    );
  }
  return [found];
}

/** A consumer-only config with only the share --share names (every share without it); another name is a usage error naming its shares. */
export function describedSharesToCheck(
  config: ConsumerOnlyConfig,
  share: string | undefined,
  configFile: string,
): ConsumerOnlyConfig {
  if (share === undefined) return config;
  const found = config.shares.find((s) => s.name === share);
  if (!found)
    throw new Error(
      `--share ${share}: ${configFile} reaches no share named "${share}"; its descriptors describe ${config.shares.map((s) => s.name).join(", ")}`,
    );
  return { ...config, shares: [found], consumer: { ...config.consumer, shares: [share] } };
}

/**
 * Every finding of every stack, for each share checked; a stack (or a share's part of it) that
 * cannot be read is itself a finding. Each stack's state is read once, and each share reads its
 * outputs from it under its own names.
 */
export async function checkShare(
  app: AppConfig,
  args: StatusArgs,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date(),
): Promise<Finding[]> {
  const configFile = path.relative(process.cwd(), args.configFile) || args.configFile;
  const shares = sharesToCheck(app, args.share, configFile);
  const base: FixContext = { configFile, providerCli: cliFlags(app.provider.account), now };
  // Of several shares, a fix names the share's own keys (provider.shares[i]); the single-database form's are provider's.
  const ctxOf = (share: ShareConfig): FixContext => {
    const consumersByAccount: Record<string, string[]> = {};
    const consumersWithoutAccount: string[] = [];
    for (const c of share.config.consumers) {
      const id = c.account.accountId;
      if (id) consumersByAccount[id] = [...(consumersByAccount[id] ?? []), c.name];
      else consumersWithoutAccount.push(c.name);
    }
    const own = { ...base, consumersByAccount, consumersWithoutAccount };
    return share.scoped ? { ...own, shareKeys: `provider.shares[${app.shares.indexOf(share)}]` } : own;
  };
  // The stacks' state is named by the config (backend.ts), whatever shares they hold.
  const location = (stack: string, backend: Backend, of: ShareConfig[]): StateLocation => ({
    name: app.name,
    configFile,
    stack,
    backend,
    projectRoot: process.cwd(),
    outdir: args.outdir,
    shares: of.filter((s) => s.scoped).map((s) => s.name),
  });
  const findings: Finding[] = [];
  const unreadable = (loc: StateLocation, e: unknown, share?: ShareConfig) => {
    if (e instanceof NotThisShareError) throw e;
    findings.push(
      named(share, {
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
      }),
    );
  };
  const read = (loc: StateLocation): OutputValues | undefined => {
    try {
      return readOutputs(loc, env);
    } catch (e) {
      unreadable(loc, e);
      return undefined;
    }
  };

  const providers = new Map<string, ProviderObservation>();
  const providerLoc = location(PROVIDER_STACK, app.provider.backend, shares);
  const providerOutputs = read(providerLoc);
  for (const share of providerOutputs ? shares : []) {
    try {
      const observed = await observeProvider(share.config, providerOutputs!.forShare(share), env);
      providers.set(share.name, observed);
      findings.push(...diagnoseProvider(observed, ctxOf(share)).map((f) => named(share, f)));
    } catch (e) {
      unreadable(providerLoc, e, share);
    }
  }
  for (const consumer of app.consumers) {
    const reached = shares.filter((s) => consumer.shares.includes(s.name));
    if (reached.length === 0) continue;
    const loc = location(consumerStackName(consumer), consumer.backend, reached);
    const outputs = read(loc);
    for (const share of outputs ? reached : []) {
      // The consumer as this share sees it: its settings of the share merged in.
      const seen = share.config.consumers.find((c) => c.name === consumer.name)!;
      try {
        const observed = await observeConsumer(seen, outputs!.forShare(share));
        const provider = providers.get(share.name);
        const azIds = provider?.azIds ?? seen.providerAzIds ?? app.provider.network.create?.azIds ?? [];
        findings.push(
          ...diagnoseConsumer(
            observed,
            { transport: share.config.provider.transport, azIds, observed: provider },
            ctxOf(share),
          ).map((f) => named(share, f)),
        );
      } catch (e) {
        unreadable(loc, e, share);
      }
    }
  }
  return findings.map((f) => (f.fix ? { ...f, fix: withConfig(f.fix, configFile) } : f));
}

/** Of several shares, a finding names its share: in its check ("orders: writer port") and, for --json, as share. */
function named(share: ShareConfig | undefined, f: Finding): Finding {
  return share?.scoped ? { ...f, share: share.name, check: `${share.name}: ${f.check}` } : f;
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
  out.push(
    problems.length === 0
      ? `Healthy: ${passed}.`
      : `${problems.length} problem(s): ${problems.map((p) => `${p.stack} ${p.check}`).join("; ")}.`,
  );
  return out.join("\n");
}

async function main(): Promise<void> {
  let args: StatusArgs;
  let config: LoadedConfig;
  const shown = () => path.relative(process.cwd(), args.configFile) || args.configFile;
  try {
    args = parseStatusArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(`${STATUS_USAGE}\n`);
      return;
    }
    if (args.configNote) process.stderr.write(`note: ${args.configNote}\n`);
    config = loadAnyConfigFile(args.configFile, args.configOrigin);
    // A --share the config does not have is a usage error, before any state is read.
    if (isConsumerOnlyConfig(config)) config = describedSharesToCheck(config, args.share, shown());
    else sharesToCheck(config, args.share, shown());
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  let findings: Finding[];
  try {
    findings = isConsumerOnlyConfig(config)
      ? await checkConsumerOnly(config, { configFile: shown(), outdir: args.outdir })
      : await checkShare(config, args);
  } catch (e) {
    if (!(e instanceof NotThisShareError)) throw e;
    process.stderr.write(`${e.message}\nfix: ${e.fix}\n`);
    process.exit(2);
  }
  const healthy = findings.every((f) => f.ok);
  process.stdout.write(
    args.json ? `${JSON.stringify({ healthy, findings }, null, 2)}\n` : `${formatFindings(findings)}\n`,
  );
  process.exitCode = healthy ? 0 : 1;
}

if (require.main === module) void main();
