// `npm run synth`: the app run by node itself, as cdktf.json's "app" is, without cdktf-cli.
// cdktf-cli 0.21 cannot start on Node 24 (its terminal module has no build past Node 22),
// while the app synthesizes on every Node the project supports. The two flags of
// `cdktf synth` that matter here are passed the way cdktf-cli passes them: as environment.
// On success it says which stacks it wrote and what to run next (stdout); problems go to stderr.
import * as path from "node:path";
import type { Synthesized } from "../main";
import {
  CONFIG_ENV,
  ConfigError,
  type ConfigSource,
  configSource,
  type LoadedConfig,
  loadAnyConfigFile,
  shownPath,
} from "../config/load";

export const SYNTH_USAGE = `usage: npm run synth [-- CONFIG] [--output DIR] [--hcl]

Writes one Terraform stack per account (cdktf.out/stacks/<stack>/cdk.tf.json) and a picture of
the config (cdktf.out/diagram.md) by running the app under node: no cdktf-cli, so it works on
Node 22 and 24, and no Terraform CLI is needed. A bad config writes nothing.

  CONFIG        the config file, or a directory that holds one (examples/minimal); default:
                $${CONFIG_ENV}, else config/default.json (the embedded demo)
  --output DIR  where to write (default: cdktf.out), such as cdktf.out/orders for one config of several
  --hcl         write cdk.tf (HCL) instead of cdk.tf.json
  -h, --help    this text

Exit codes: 0 written, 2 a bad command line or config (nothing written).`;

export interface SynthArgs {
  readonly source: ConfigSource;
  /** What cdktf-cli would set for the app: CDKTF_OUTDIR and SYNTH_HCL_OUTPUT. */
  readonly env: Record<string, string>;
  readonly help?: boolean;
}

/** Parses the command line; throws an Error naming what was written and the fix (exit 2). */
export function parseSynthArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SynthArgs {
  const out: Record<string, string> = {};
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return { source: configSource(undefined, env), env: {}, help: true };
    if (arg === "--hcl") out.SYNTH_HCL_OUTPUT = "true";
    else if (arg === "--output" || arg === "-o" || arg.startsWith("--output=")) {
      const dir = arg.startsWith("--output=") ? arg.slice("--output=".length) : argv[++i];
      if (!dir || dir.startsWith("-"))
        throw new Error(`${arg.split("=")[0]} needs a directory, such as --output cdktf.out/orders`);
      out.CDKTF_OUTDIR = dir;
    } else if (arg.startsWith("-")) {
      throw new Error(`${arg}: unknown option; npm run synth takes a config path, --output DIR, --hcl and --help`);
    } else if (config === undefined) config = arg;
    else throw new Error(`${arg}: one config only (already given: ${config})`);
  }
  return { source: configSource(config, env), env: out };
}

/** What synth wrote and what to run next, in a few lines. */
export function synthSummary(
  result: Synthesized,
  source: ConfigSource,
  nodeMajor = Number(process.versions.node.split(".")[0]),
): string {
  const width = Math.max(...result.stacks.map((s) => s.name.length));
  const configName = source.origin === "default" ? "the embedded demo (config/default.json)" : shownPath(source.file);
  const first = result.stacks[0];
  const cli = result.cli ?? "terraform";
  const others = result.stacks.length > 1 ? ", then each consumer" : "";
  const order = result.stacks.length > 1 ? `${first.name} first${others}` : first.name;
  // A later `npm run deploy` synthesizes again, from RDS_PRIVATELINK_CONFIG: name this config there.
  const config = source.origin === "default" ? "" : `${CONFIG_ENV}=${shownPath(source.file)} `;
  const outdir = path.normalize(result.outdir) === "cdktf.out" ? "" : ` --output ${result.outdir}`;
  const deploy =
    nodeMajor <= 22
      ? `or deploy with cdktf-cli: ${config}npm run deploy -- ${first.name}${outdir}`
      : `npm run deploy needs Node 22 (cdktf-cli cannot start on Node ${nodeMajor}): deploy with ${cli} apply there`;
  return [
    `Wrote ${result.stacks.length} stack${result.stacks.length === 1 ? "" : "s"} of ${configName}:`,
    ...result.stacks.map((s) => `  ${s.name.padEnd(width)}  ${shownPath(path.resolve(s.file))}`),
    ...(result.diagram ? [`  and ${shownPath(path.resolve(result.diagram))}, the config as a picture`] : []),
    `Next, ${order}: cd ${shownPath(path.resolve(path.dirname(first.file)))} && ${cli} init && ${cli} plan (then apply)`,
    `  ${deploy}`,
  ].join("\n");
}

if (require.main === module) {
  let args: SynthArgs;
  try {
    args = parseSynthArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${SYNTH_USAGE}\n`);
    process.exit(0);
  }
  Object.assign(process.env, args.env);
  if (args.source.note) process.stderr.write(`note: ${args.source.note}\n`);
  let config: LoadedConfig;
  try {
    // Before cdktf and the stacks are loaded, so a bad config is refused in a second, not five.
    config = loadAnyConfigFile(args.source.file, args.source.origin);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  // Loaded only now: the app reads CDKTF_OUTDIR and SYNTH_HCL_OUTPUT when it is created.
  const { synthesize } = require("../main") as typeof import("../main");
  process.stdout.write(`${synthSummary(synthesize(args.source, config), args.source)}\n`);
}
