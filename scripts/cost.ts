// npm run cost [-- config.json] [--gb N] [--connections N] [--hours N] [--log-gb N] [--function-ms N] [--share NAME] [--json]
// The monthly list-price cost of every stack of a config, of each of its shares, and what one
// more consumer adds.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { ConsumerOnlyConfig } from "../config/consumer-only";
import {
  ConfigError,
  type ConfigOrigin,
  configSource,
  isConsumerOnlyConfig,
  type LoadedConfig,
  loadAnyConfigFile,
} from "../config/load";
import {
  estimate,
  estimateConsumerOnly,
  type Estimate,
  type Line,
  onlyTheShare,
  type StackEstimate,
} from "./cost/estimate";
import { type Assumptions, DEFAULT_ASSUMPTIONS, type PriceTable } from "./cost/prices";

const FLAGS: Record<string, { key: keyof Assumptions; what: string }> = {
  "--gb": { key: "gbPerConsumer", what: "GB per consumer per month" },
  "--connections": { key: "connectionsPerConsumer", what: "concurrent connections per consumer" },
  "--hours": { key: "hours", what: "hours in the month" },
  "--log-gb": { key: "logGbPerStack", what: "GB of logs per stack per month" },
  "--function-ms": { key: "functionMs", what: "billed ms per failover function run" },
};

export const PRICES_FILE = path.join(__dirname, "..", "config", "prices.json");

export interface CostArgs {
  readonly configFile: string;
  /** Where configFile came from, for a message that it cannot be read (the argument or the variable). */
  readonly configOrigin?: ConfigOrigin;
  /** Said once on stderr: a directory was given and its config.json is read. */
  readonly configNote?: string;
  readonly assumptions: Assumptions;
  readonly json: boolean;
  /** --share: estimate the config as if it held only this share (checked against the config once it is loaded). */
  readonly share?: string;
  readonly help?: boolean;
}

export const COST_USAGE = `usage: npm run cost [-- CONFIG] [--gb N] [--connections N] [--hours N] [--log-gb N] [--function-ms N] [--share NAME] [--json]

The monthly list price of every stack of a config, of each of its shares (provider.shares), and
what one more consumer adds, from config/prices.json (each price with its source and date).

  CONFIG            the config file, or a directory that holds one (examples/minimal); default:
                    $RDS_PRIVATELINK_CONFIG, else config/default.json
${Object.entries(FLAGS)
  .map(([flag, f]) => `  ${`${flag} N`.padEnd(18)}${f.what} (default ${DEFAULT_ASSUMPTIONS[f.key]})`)
  .join("\n")}
  --share NAME      only that share: the config as if it held just it and the consumers reaching it
  --json            one JSON document instead of the table
  -h, --help        this text

Exit codes: 0 printed, 2 a bad command line or config.`;

/** Parses the command line; throws an Error naming the flag and the fix. */
export function parseCostArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CostArgs {
  const assumptions: Record<string, number> = { ...DEFAULT_ASSUMPTIONS };
  let configFile: string | undefined;
  let json = false;
  let share: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h")
      return {
        configFile: configSource(undefined, env).file,
        assumptions: { ...DEFAULT_ASSUMPTIONS },
        json,
        help: true,
      };
    if (arg === "--json") json = true;
    else if (arg.split("=")[0] === "--share") {
      const [, inline] = arg.split("=");
      const raw = inline ?? argv[++i];
      if (raw === undefined || raw.trim() === "" || raw.startsWith("-"))
        throw new Error(
          `--share: give the name of one of the config's shares (provider.shares[].name), for example --share orders`,
        );
      if (share !== undefined)
        throw new Error(`--share: one share only (already given: ${share}); leave --share out for every share`);
      share = raw;
    } else if (FLAGS[arg.split("=")[0]]) {
      const [flag, inline] = arg.split("=");
      const raw = inline ?? argv[++i];
      const value = Number(raw);
      if (raw === undefined || raw.trim() === "" || !Number.isFinite(value) || value < 0) {
        throw new Error(
          `${flag}: "${raw ?? ""}" is not a number of ${FLAGS[flag].what}; give a number of 0 or more, for example ${flag} ${DEFAULT_ASSUMPTIONS[FLAGS[flag].key]}`,
        );
      }
      if (flag === "--hours" && (value === 0 || value > 744))
        throw new Error(`--hours: ${value} is not an hour count of a month; give 1 to 744 (default 730)`);
      assumptions[FLAGS[flag].key] = value;
    } else if (arg.startsWith("-")) {
      throw new Error(
        `${arg}: unknown flag; the flags are ${[...Object.keys(FLAGS), "--share", "--json", "--help"].join(", ")}`,
      );
    } else if (configFile === undefined) configFile = arg;
    else throw new Error(`${arg}: one config file only (already given: ${configFile})`);
  }
  const source = configSource(configFile, env);
  return {
    configFile: source.file,
    configOrigin: source.origin,
    ...(source.note ? { configNote: source.note } : {}),
    assumptions: assumptions as unknown as Assumptions,
    json,
    ...(share === undefined ? {} : { share }),
  };
}

export function loadPrices(file = PRICES_FILE): PriceTable {
  return JSON.parse(readFileSync(file, "utf8"));
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export function formatEstimate(e: Estimate, table: PriceTable): string {
  const a = e.assumptions;
  const out: string[] = [
    `Monthly cost at list prices (${table.currency}), ${a.hours} hours, ${a.gbPerConsumer} GB and ${a.connectionsPerConsumer} connections per consumer, ${a.logGbPerStack} GB of logs per stack, ${a.functionMs} ms per function run.`,
    "",
  ];
  const unknownOf = (unknown: string[]) => (unknown.length ? `, plus unknown: ${unknown.join(", ")}` : "");
  // One column for every stack's quantities: the longest item of the estimate, indented under its share.
  const width = Math.max(46, ...e.stacks.flatMap((s) => s.lines.map((l) => l.item.length)));
  for (const stack of e.stacks) {
    const priced = stack.pricedAs
      ? ` (priced as ${stack.pricedAs}: ${path.basename(PRICES_FILE)} has no ${stack.region} prices)`
      : "";
    out.push(`${stack.stack} [${stack.region}]${priced}: ${usd(stack.usd)}${stack.unknown.length ? " + unknown" : ""}`);
    if (e.shares) out.push(...shareGroups(stack, width));
    else for (const line of stack.lines) out.push(lineText(line, "  ", 48));
  }
  out.push("");
  if (e.shares && e.everyShare) {
    // Each share's lines over every stack, then the stacks' own: their sum is the total.
    const names = Math.max(...e.shares.map((s) => s.share.length));
    out.push("Per share, its lines in every stack:");
    for (const s of e.shares) {
      out.push(
        `  ${s.share.padEnd(names)}  ${usd(s.usd)}${s.unknown.length ? " + unknown" : ""}  (${s.stacks.map((t) => `${t.stack} ${usd(t.usd)}`).join(", ")})`,
      );
    }
    out.push(
      `  The stacks' own lines (operations keys, logs, the dashboard of every share): ${usd(e.everyShare.usd)}${e.everyShare.unknown.length ? " + unknown" : ""}`,
    );
  }
  out.push(`Total: ${usd(e.usd)} a month${unknownOf(e.unknown)}`);
  const more = e.oneMoreConsumer;
  if (more) {
    const reaching = more.reaching ? ` (reaching ${more.reaching.join(", ")})` : "";
    out.push(`One more consumer like ${more.like}${reaching} adds ${usd(more.usd)} a month${unknownOf(more.unknown)}`);
  } else
    out.push("The provider's stack is the provider's bill: a consumer-only config prices this consumer's stack alone.");
  out.push("");
  out.push(
    `Prices: ${path.relative(process.cwd(), PRICES_FILE) || PRICES_FILE} (each with its source and date). Free tiers are not subtracted; the database, data transfer between AZs or regions, and SNS, SQS and EventBridge requests are not priced.`,
  );
  const reads = table.prices.ssmApiInteractions10k;
  out.push(
    `Reading a descriptor costs ${reads.usd === null ? "an unknown amount" : usd(reads.usd)} per 10,000 API interactions, paid by the account that calls (each consumer reading it); not priced here.`,
  );
  return out.join("\n");
}

/** A stack's lines under a heading per share, with its subtotal there; the stack's own lines last. */
function shareGroups(stack: StackEstimate, width: number): string[] {
  const groups = [...new Set(stack.lines.map((l) => l.share))].sort(
    (x, y) => (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0),
  );
  return groups.flatMap((share) => {
    const lines = stack.lines.filter((l) => l.share === share);
    const unknown = lines.some((l) => l.usd === null) ? " + unknown" : "";
    const heading = share === undefined ? "the stack's own, for every share" : `share ${share}`;
    return [
      `  ${heading}: ${usd(lines.reduce((n, l) => n + (l.usd ?? 0), 0))}${unknown}`,
      ...lines.map((l) => lineText(l, "    ", width)),
    ];
  });
}

function lineText(line: Line, indent: string, width: number): string {
  const qty = Number.isInteger(line.quantity)
    ? String(line.quantity)
    : line.quantity.toFixed(line.quantity < 1 ? 4 : 2);
  return `${indent}${line.item.padEnd(width)} ${qty.padStart(10)}  ${line.usd === null ? "unknown (no price found)" : usd(line.usd)}`;
}

/** A consumer-only config as if it reached only that share; throws an Error naming its shares when it has none of that name. */
export function onlyTheDescribedShare(config: ConsumerOnlyConfig, name: string): ConsumerOnlyConfig {
  const share = config.shares.find((s) => s.name === name);
  if (!share)
    throw new Error(
      `--share: "${name}" names no share of the config; its descriptors describe ${config.shares.map((s) => s.name).join(", ")}`,
    );
  return { ...config, shares: [share], consumer: { ...config.consumer, shares: [name] } };
}

function main(): void {
  let args: CostArgs;
  try {
    args = parseCostArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${COST_USAGE}\n`);
    return;
  }
  let config: LoadedConfig;
  try {
    if (args.configNote) process.stderr.write(`note: ${args.configNote}\n`);
    config = loadAnyConfigFile(args.configFile, args.configOrigin);
  } catch (e) {
    // A bad config is a usage error here as in status (2); 1 is kept for findings.
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (args.share !== undefined) {
    try {
      config = isConsumerOnlyConfig(config)
        ? onlyTheDescribedShare(config, args.share)
        : onlyTheShare(config, args.share);
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(2);
    }
  }
  const table = loadPrices();
  const result = isConsumerOnlyConfig(config)
    ? estimateConsumerOnly(config, args.assumptions, table)
    : estimate(config, args.assumptions, table);
  process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatEstimate(result, table)}\n`);
}

if (require.main === module) main();
