// The monthly list-price estimate of a config: pure arithmetic over the config, the assumptions
// and the price table (config/prices.json). `npm run cost` prints it; the tests pin it. Each
// share's transport lines are its transport's (scripts/cost/transports/<name>.ts); the lines every
// share has (its dashboard, a created database's key) and each stack's own (its operations key,
// its logs) are here. With provider.shares every line says which share it is for, if any.
import type { ConsumerOnlyConfig } from "../../config/consumer-only";
import type { AppConfig, AppConsumer, ShareConfig, SharedView } from "../../config/resolve";
import type { ConsumerConfig, NetworkConfig } from "../../config/schema";
import type { Assumptions, PriceKey, PriceTable } from "./prices";
import { costOf } from "./transports";
import type { CostRow } from "./transports/transport";

export interface Line {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly price: PriceKey;
  /** quantity x price, or null when the price is unknown. */
  readonly usd: number | null;
  /**
   * With provider.shares: the share the line is for; absent on the stack's own lines (its
   * operations key, its logs), which every share of the stack uses. The single-database form
   * has no share field: its estimate is the one every release before shares printed.
   */
  readonly share?: string;
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

/** One share's lines, summed over every stack that has some. */
export interface ShareEstimate {
  readonly share: string;
  readonly usd: number;
  /** Its items without a price, left out of usd. */
  readonly unknown: string[];
  /** Its subtotal in each stack that has lines of it: the provider, then each consumer reaching it. */
  readonly stacks: Array<{ readonly stack: string; readonly usd: number }>;
}

export interface Estimate {
  readonly assumptions: Assumptions;
  readonly stacks: StackEstimate[];
  readonly usd: number;
  readonly unknown: string[];
  /**
   * What one more consumer like the last one (in the provider's region, two AZs, when there is
   * none) adds. With provider.shares it reaches the shares the last one reaches (every share,
   * when there is none), each with the last one's settings of it: `reaching` names them.
   */
  readonly oneMoreConsumer?: {
    readonly like: string;
    readonly usd: number;
    readonly unknown: string[];
    readonly reaching?: string[];
  };
  /**
   * With provider.shares: each share's lines over every stack, in the config's order, and the
   * stacks' own lines (operations keys, logs) that no one share has. usd is their sum. Absent in
   * the single-database form, whose one share is the whole estimate.
   */
  readonly shares?: ShareEstimate[];
  readonly everyShare?: { readonly usd: number; readonly unknown: string[] };
}

export function estimate(app: AppConfig, assumptions: Assumptions, table: PriceTable): Estimate {
  const stacks = estimateStacks(app, assumptions, table);
  const next = withOneMoreConsumer(app);
  const more = estimateStacks(next.app, assumptions, table);
  const usd = sum(stacks.map((s) => s.usd));
  const last = app.consumers[app.consumers.length - 1];
  const single = isSingle(app);
  const every = stacks.flatMap((s) => s.lines);
  const forShare = (share?: string) => (line: Line) => line.share === share;
  return {
    assumptions,
    stacks,
    usd,
    unknown: unique(stacks.flatMap((s) => s.unknown)),
    oneMoreConsumer: {
      like: last ? `consumer-${last.name}` : `a consumer in ${app.provider.account.region} with two AZs`,
      usd: sum(more.map((s) => s.usd)) - usd,
      unknown: unique(more[more.length - 1].unknown),
      ...(single ? {} : { reaching: next.reaching }),
    },
    ...(single
      ? {}
      : {
          shares: app.shares.map(
            ({ name }): ShareEstimate => ({
              share: name,
              ...subtotal(every.filter(forShare(name))),
              stacks: stacks
                .filter((s) => s.lines.some(forShare(name)))
                .map((s) => ({ stack: s.stack, usd: subtotal(s.lines.filter(forShare(name))).usd })),
            }),
          ),
          everyShare: subtotal(every.filter(forShare(undefined))),
        }),
  };
}

/** What some lines cost, and which of them have no price. */
function subtotal(lines: Line[]): { usd: number; unknown: string[] } {
  return {
    usd: sum(lines.map((l) => l.usd ?? 0)),
    unknown: unique(lines.filter((l) => l.usd === null).map((l) => l.item)),
  };
}

/**
 * The config as if it held only that share, with the consumers that reach it: what the share
 * costs on its own, paying the stacks' keys and logs alone (its subtotal in the whole estimate
 * leaves those to every share). Throws an Error naming the shares when it has none of that name.
 */
export function onlyTheShare(app: AppConfig, name: string): AppConfig {
  const share = app.shares.find((s) => s.name === name);
  if (!share)
    throw new Error(
      `--share: "${name}" names no share of the config; the shares are ${app.shares.map((s) => s.name).join(", ")}`,
    );
  return {
    ...app,
    shares: [share],
    consumers: app.consumers.filter((c) => c.shares.includes(name)).map((c) => ({ ...c, shares: [name] })),
  };
}

/** The single-database form: one share whose lines are the stacks' lines, as before shares. */
const isSingle = (app: AppConfig) => app.shares.length === 1 && !app.shares[0].scoped;

/** A line before pricing, and the share it is for (none: the stack's own, used by every share in it). */
interface Row {
  readonly row: CostRow;
  readonly share?: string;
}

function estimateStacks(app: AppConfig, a: Assumptions, table: PriceTable): StackEstimate[] {
  const single = isSingle(app);
  const of = (share: ShareConfig, rows: CostRow[]): Row[] =>
    rows.map((row) => ({ row, share: single ? undefined : share.name }));
  const lines: Row[] = [];
  for (const share of app.shares) {
    const provider = share.config.provider;
    lines.push(...of(share, costOf(provider.transport).provider(share.config, a, table)));
    // The stack's operations key, and a created database's own storage key: one line in the
    // single-database form, as it always printed; with several shares the database's key is its share's.
    if (single) lines.push({ row: ["KMS keys", provider.database.create ? 2 : 1, "kmsKeyMonth"] });
    else if (provider.database.create) lines.push(...of(share, [["database KMS key", 1, "kmsKeyMonth"]]));
    lines.push(...of(share, [["dashboard", 1, "dashboardMonth"]]));
    // Cross-account parameters must be advanced: the owner pays its storage; each reader pays its own calls.
    lines.push(...of(share, [["descriptor (advanced SSM parameter)", 1, "ssmAdvancedParameterMonth"]]));
  }
  if (!single) {
    lines.push({ row: ["operations KMS key", 1, "kmsKeyMonth"] });
    lines.push({ row: ["dashboard of every share", 1, "dashboardMonth"] });
  }
  lines.push({ row: ["logs ingested (GB)", a.logGbPerStack, "logIngestGb"] });
  const stacks = [priced("provider", app.provider.account.region, lines, table)];

  for (const consumer of app.consumers) {
    const reaches = consumer.shares.map((name) => {
      const share = app.shares.find((s) => s.name === name)!;
      // The consumer as this share sees it: its privateZone, memberPorts and the like of this share.
      return { name, config: share.config, seen: share.config.consumers.find((c) => c.name === consumer.name)! };
    });
    stacks.push(consumerStack(consumer, reaches, single, a, table));
  }
  return stacks;
}

/** One share a consumer stack reaches, as the cost of its side sees it. */
interface CostReach {
  readonly name: string;
  readonly config: SharedView;
  readonly seen: ConsumerConfig;
}

/** One consumer stack's lines: the same whether the provider's config or the consumer's own gives it. */
function consumerStack(
  consumer: Pick<AppConsumer, "name" | "network" | "account">,
  reaches: CostReach[],
  single: boolean,
  a: Assumptions,
  table: PriceTable,
): StackEstimate {
  const rows: Row[] = [];
  const zones = azCount(consumer.network);
  for (const { name, config, seen } of reaches) {
    const share = (list: CostRow[]): Row[] => list.map((row) => ({ row, share: single ? undefined : name }));
    const { endpoint, names } = costOf(config.provider.transport).consumer(config, seen, a, zones);
    rows.push(...share(endpoint));
    if (single) rows.push({ row: ["KMS keys", 1, "kmsKeyMonth"] });
    if (seen.privateZone) rows.push(...share([["private hosted zone", 1, "hostedZoneMonth"]]));
    rows.push(...share(names));
  }
  // One operations key per consumer stack, whatever it reaches.
  if (!single) rows.push({ row: ["operations KMS key", 1, "kmsKeyMonth"] });
  // Only a created VPC has this project's flow log; the consumer stack has no other log group.
  if (consumer.network.create) rows.push({ row: ["logs ingested (GB)", a.logGbPerStack, "logIngestGb"] });
  return priced(`consumer-${consumer.name}`, consumer.account.region, rows, table);
}

/**
 * A consumer-only config's one stack: the lines the provider's config would give the same
 * consumer (its stack is the same), and per share when it reaches shares of a config of several.
 * The provider's lines are the provider's bill, not this team's: there are none.
 */
export function estimateConsumerOnly(
  config: ConsumerOnlyConfig,
  assumptions: Assumptions,
  table: PriceTable,
): Estimate {
  const single = config.shares.length === 1 && !config.shares[0].scoped;
  const stack = consumerStack(
    config.consumer,
    config.shares.map((s) => ({ name: s.name, config: s.config, seen: s.consumer })),
    single,
    assumptions,
    table,
  );
  const forShare = (share?: string) => (line: Line) => line.share === share;
  return {
    assumptions,
    stacks: [stack],
    usd: stack.usd,
    unknown: stack.unknown,
    ...(single
      ? {}
      : {
          shares: config.shares.map(({ name }) => ({
            share: name,
            ...subtotal(stack.lines.filter(forShare(name))),
            stacks: [{ stack: stack.stack, usd: subtotal(stack.lines.filter(forShare(name))).usd }],
          })),
          everyShare: subtotal(stack.lines.filter(forShare(undefined))),
        }),
  };
}

function priced(stack: string, region: string, rows: Row[], table: PriceTable): StackEstimate {
  const lines = rows.map(({ row: [item, quantity, key], share }): Line => {
    const price = table.prices[key];
    return {
      item,
      quantity,
      unit: price.unit,
      price: key,
      usd: price.usd === null ? null : quantity * price.usd,
      ...(share === undefined ? {} : { share }),
    };
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
export function azCount(network: NetworkConfig): number {
  if (network.existing) return network.existing.subnetIds.length;
  return network.create!.azIds?.length ?? network.create!.azCount;
}

/**
 * The config with one more consumer like the last: its own keys, the shares it reaches and its
 * settings of each. With no consumer: one in the provider's region, two AZs, reaching every share.
 */
function withOneMoreConsumer(app: AppConfig): { app: AppConfig; reaching: string[] } {
  const last = app.consumers[app.consumers.length - 1];
  const name = last ? `${last.name}-next` : "next";
  const fresh = {
    name,
    account: { region: app.provider.account.region },
    network: { create: { cidr: "10.0.0.0/16", azCount: 2, flowLogRetentionDays: 30 } },
  };
  const next = (last ? { ...last, name } : { ...fresh, shares: app.shares.map((s) => s.name) }) as AppConsumer;
  const shares = app.shares.map((share): ShareConfig => {
    if (!next.shares.includes(share.name)) return share;
    const seen = last
      ? { ...share.config.consumers.find((c) => c.name === last.name)!, name }
      : (fresh as ConsumerConfig);
    return { ...share, config: { ...share.config, consumers: [...share.config.consumers, seen] } };
  });
  return { app: { ...app, shares, consumers: [...app.consumers, next] }, reaching: next.shares };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const unique = (values: string[]) => [...new Set(values)];
