// npm run cost [-- config.json] [--gb N] [--connections N] [--hours N] [--log-gb N] [--function-ms N] [--json]
// The monthly list-price cost of every stack of a config, and what one more consumer adds.
import { readFileSync } from "fs";
import * as path from "path";
import { ConfigError, configPath, loadConfigFile } from "../config/load";
import { Assumptions, DEFAULT_ASSUMPTIONS, estimate, Estimate, PriceTable } from "./cost/estimate";

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
  readonly assumptions: Assumptions;
  readonly json: boolean;
  readonly help?: boolean;
}

export const COST_USAGE = `usage: npm run cost [-- CONFIG] [--gb N] [--connections N] [--hours N] [--log-gb N] [--function-ms N] [--json]

The monthly list price of every stack of a share, and what one more consumer adds, from
config/prices.json (each price with its source and date).

  CONFIG            the share's config file (default: $RDS_PRIVATELINK_CONFIG, else config/default.json)
${Object.entries(FLAGS)
  .map(([flag, f]) => `  ${`${flag} N`.padEnd(18)}${f.what} (default ${DEFAULT_ASSUMPTIONS[f.key]})`)
  .join("\n")}
  --json            one JSON document instead of the table
  -h, --help        this text

Exit codes: 0 printed, 2 a bad command line or config.`;

/** Parses the command line; throws an Error naming the flag and the fix. */
export function parseCostArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CostArgs {
  const assumptions: Record<string, number> = { ...DEFAULT_ASSUMPTIONS };
  let configFile: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return { configFile: configPath(env), assumptions: { ...DEFAULT_ASSUMPTIONS }, json, help: true };
    if (arg === "--json") json = true;
    else if (FLAGS[arg.split("=")[0]]) {
      const [flag, inline] = arg.split("=");
      const raw = inline ?? argv[++i];
      const value = Number(raw);
      if (raw === undefined || raw.trim() === "" || !Number.isFinite(value) || value < 0) {
        throw new Error(`${flag}: "${raw ?? ""}" is not a number of ${FLAGS[flag].what}; give a number of 0 or more, for example ${flag} ${DEFAULT_ASSUMPTIONS[FLAGS[flag].key]}`);
      }
      if (flag === "--hours" && (value === 0 || value > 744)) throw new Error(`--hours: ${value} is not an hour count of a month; give 1 to 744 (default 730)`);
      assumptions[FLAGS[flag].key] = value;
    } else if (arg.startsWith("-")) {
      throw new Error(`${arg}: unknown flag; the flags are ${[...Object.keys(FLAGS), "--json", "--help"].join(", ")}`);
    } else if (configFile === undefined) configFile = path.resolve(arg);
    else throw new Error(`${arg}: one config file only (already given: ${configFile})`);
  }
  return { configFile: configFile ?? configPath(env), assumptions: assumptions as unknown as Assumptions, json };
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
  for (const stack of e.stacks) {
    const priced = stack.pricedAs ? ` (priced as ${stack.pricedAs}: ${path.basename(PRICES_FILE)} has no ${stack.region} prices)` : "";
    out.push(`${stack.stack} [${stack.region}]${priced}: ${usd(stack.usd)}${stack.unknown.length ? " + unknown" : ""}`);
    for (const line of stack.lines) {
      const qty = Number.isInteger(line.quantity) ? String(line.quantity) : line.quantity.toFixed(line.quantity < 1 ? 4 : 2);
      out.push(`  ${line.item.padEnd(48)} ${qty.padStart(10)}  ${line.usd === null ? "unknown (no price found)" : usd(line.usd)}`);
    }
  }
  out.push("");
  out.push(`Total: ${usd(e.usd)} a month${e.unknown.length ? `, plus unknown: ${e.unknown.join(", ")}` : ""}`);
  const more = e.oneMoreConsumer;
  out.push(`One more consumer like ${more.like} adds ${usd(more.usd)} a month${more.unknown.length ? `, plus unknown: ${more.unknown.join(", ")}` : ""}`);
  out.push("");
  out.push(`Prices: ${path.relative(process.cwd(), PRICES_FILE) || PRICES_FILE} (each with its source and date). Free tiers are not subtracted; the database, data transfer between AZs or regions, and SNS, SQS and EventBridge requests are not priced.`);
  return out.join("\n");
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
  let config;
  try {
    config = loadConfigFile(args.configFile);
  } catch (e) {
    // A bad config is a usage error here as in status (2); 1 is kept for findings.
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const table = loadPrices();
  const result = estimate(config, args.assumptions, table);
  process.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatEstimate(result, table)}\n`);
}

if (require.main === module) main();
