// The monthly list-price estimate of a share: pure arithmetic over the config, the assumptions
// and the price table (config/prices.json). `npm run cost` prints it; the tests pin it. The
// transport's lines are its own (stacks/transports/<name>/cost.ts); the ones every share has are here.
import { AppConfig, Config } from "../../config/resolve";
import { ConsumerConfig, Network } from "../../config/schema";
import { transportOf } from "../../stacks/transports";
import { CostRow } from "../../stacks/transports/transport";

export type PriceKey =
  | "nlbHour"
  | "nlcuHour"
  | "interfaceEndpointAzHour"
  | "interfaceEndpointGb"
  | "resourceEndpointHour"
  | "resourceEndpointGb"
  | "resourceGatewayHour"
  | "resourceGatewayGb"
  | "kmsKeyMonth"
  | "alarmMonth"
  | "dashboardMonth"
  | "customMetricMonth"
  | "logIngestGb"
  | "lambdaArmGbSecond"
  | "lambdaMillionRequests"
  | "hostedZoneMonth";

export interface Price {
  /** null: no source found; the line is unknown and stays out of the total. */
  readonly usd: number | null;
  readonly unit: string;
  readonly date: string;
  readonly source: string;
}

export interface PriceTable {
  readonly currency: string;
  /** Regions these prices were read for; any other region is priced as the first, and says so. */
  readonly regions: string[];
  readonly prices: Record<PriceKey, Price>;
  readonly capacityUnits: { readonly newFlowsPerSecond: number; readonly activeFlows: number; readonly gbPerHour: number; readonly source: string };
}

export interface Assumptions {
  /** Hours in the month. */
  readonly hours: number;
  /** GB each consumer sends and receives through the share in a month. */
  readonly gbPerConsumer: number;
  /** Concurrent connections each consumer holds (connection pools), for the NLB's active-flow dimension. */
  readonly connectionsPerConsumer: number;
  /** GB of logs each stack ingests in a month (flow log, function log, database logs). */
  readonly logGbPerStack: number;
  /** Billed duration of one failover function run. */
  readonly functionMs: number;
}

/** The defaults of `npm run cost`; every one is a flag. */
export const DEFAULT_ASSUMPTIONS: Assumptions = { hours: 730, gbPerConsumer: 100, connectionsPerConsumer: 100, logGbPerStack: 1, functionMs: 500 };

export interface Line {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly price: PriceKey;
  /** quantity x price, or null when the price is unknown. */
  readonly usd: number | null;
}

export interface StackEstimate {
  readonly stack: string;
  readonly region: string;
  /** The table's region this stack is priced as, when its own region is not in the table. */
  readonly pricedAs?: string;
  readonly lines: Line[];
  readonly usd: number;
  /** Items without a price, left out of usd. */
  readonly unknown: string[];
}

export interface Estimate {
  readonly assumptions: Assumptions;
  readonly stacks: StackEstimate[];
  readonly usd: number;
  readonly unknown: string[];
  /** What one more consumer like the last one (in the provider's region, two AZs, when there is none) adds. */
  readonly oneMoreConsumer: { readonly like: string; readonly usd: number; readonly unknown: string[] };
}

export function estimate(app: AppConfig, assumptions: Assumptions, table: PriceTable): Estimate {
  if (app.shares.length !== 1 || app.shares[0].scoped) throw new Error("WIP: the estimate of several shares");
  const config = app.shares[0].config;
  const stacks = estimateStacks(config, assumptions, table);
  const more = estimateStacks(withOneMoreConsumer(config), assumptions, table);
  const usd = sum(stacks.map((s) => s.usd));
  const last = config.consumers[config.consumers.length - 1];
  return {
    assumptions,
    stacks,
    usd,
    unknown: unique(stacks.flatMap((s) => s.unknown)),
    oneMoreConsumer: {
      like: last ? `consumer-${last.name}` : `a consumer in ${config.provider.account.region} with two AZs`,
      usd: sum(more.map((s) => s.usd)) - usd,
      unknown: unique(more[more.length - 1].unknown),
    },
  };
}

function estimateStacks(config: Config, a: Assumptions, table: PriceTable): StackEstimate[] {
  const provider = config.provider;
  const consumers = config.consumers;
  const transport = transportOf(provider.transport);
  const lines: CostRow[] = [];
  const add = (item: string, quantity: number, price: PriceKey) => lines.push([item, quantity, price]);

  lines.push(...transport.cost.provider(config, a, table));
  // The stack's operations key, and a created database's own storage key.
  add("KMS keys", provider.database.create ? 2 : 1, "kmsKeyMonth");
  add("dashboard", 1, "dashboardMonth");
  add("logs ingested (GB)", a.logGbPerStack, "logIngestGb");
  const stacks = [priced("provider", provider.account.region, lines, table)];

  for (const consumer of consumers) {
    const rows: CostRow[] = [];
    const zones = azCount(consumer.network);
    const { endpoint, names } = transport.cost.consumer(config, consumer, a, zones);
    rows.push(...endpoint);
    rows.push(["KMS keys", 1, "kmsKeyMonth"]);
    if (consumer.privateZone) rows.push(["private hosted zone", 1, "hostedZoneMonth"]);
    rows.push(...names);
    // Only a created VPC has this project's flow log; the consumer stack has no other log group.
    if (consumer.network.create) rows.push(["logs ingested (GB)", a.logGbPerStack, "logIngestGb"]);
    stacks.push(priced(`consumer-${consumer.name}`, consumer.account.region, rows, table));
  }
  return stacks;
}

function priced(stack: string, region: string, rows: CostRow[], table: PriceTable): StackEstimate {
  const lines = rows.map(([item, quantity, key]): Line => {
    const price = table.prices[key];
    return { item, quantity, unit: price.unit, price: key, usd: price.usd === null ? null : quantity * price.usd };
  });
  return {
    stack,
    region,
    pricedAs: table.regions.includes(region) ? undefined : table.regions[0],
    lines,
    usd: sum(lines.map((l) => l.usd ?? 0)),
    unknown: lines.filter((l) => l.usd === null).map((l) => l.item),
  };
}

/** Subnets of the endpoint: one per AZ, as the consumer's network has them. */
export function azCount(network: Network): number {
  if (network.existing) return network.existing.subnetIds.length;
  return network.create!.azIds?.length ?? network.create!.azCount;
}

function withOneMoreConsumer(config: Config): Config {
  const last = config.consumers[config.consumers.length - 1];
  const next: ConsumerConfig = last
    ? { ...last, name: `${last.name}-next` }
    : ({
        name: "next",
        account: { region: config.provider.account.region },
        network: { create: { cidr: "10.0.0.0/16", azCount: 2, flowLogRetentionDays: 30 } },
      } as ConsumerConfig);
  return { ...config, consumers: [...config.consumers, next] };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const unique = (values: string[]) => [...new Set(values)];
