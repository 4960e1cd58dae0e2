// npm run cost: the arithmetic on small configs and on a config with several shares, the price
// table's sources, the flags, and that the counts it prices are the counts the stacks synthesize.
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { isConsumerOnlyConfig, loadAnyConfigFile, validateConfig } from "../../config/load";
import { estimate, estimateConsumerOnly, onlyTheShare } from "../../scripts/cost/estimate";
import { type Assumptions, DEFAULT_ASSUMPTIONS, type PriceKey, type PriceTable } from "../../scripts/cost/prices";
import { formatEstimate, loadPrices, parseCostArgs } from "../../scripts/cost";
import { COST_BY_TRANSPORT } from "../../scripts/cost/transports";
import { TRANSPORTS } from "../../config/schema";
import { demoInput, type Json, resources, synthesize } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";
import { HANG_GUARD_MS } from "../support/limits";

const table = loadPrices();
const configOf = (mutate: (c: Json) => void = () => undefined) => {
  const c = demoInput();
  mutate(c);
  return validateConfig(c);
};
const run = (mutate?: (c: Json) => void, a: Partial<Assumptions> = {}) =>
  estimate(configOf(mutate), { ...DEFAULT_ASSUMPTIONS, ...a }, table);
const lineUsd = (stack: Json, item: string) => stack.lines.find((l: Json) => l.item.startsWith(item))?.usd;

/** Runs a month at the default schedule: one every 60.5 s (0.5 s of work, then the default 60 s watch). */
const RUNS = (730 * 3600) / 60.5;

describe("cost estimate", () => {
  it("prices the demo share line by line: NLB hours and NLCUs, the function, alarms, key, dashboard, logs; the consumer's endpoint AZ-hours and data", () => {
    const e = run();
    const [provider, consumer] = e.stacks;
    expect(provider.lines.map((l) => [l.item, l.quantity])).toEqual([
      ["load balancer hours", 730],
      // 100 GB over 730 hours is 0.137 GB an hour, above 100 connections / 100,000 flows.
      ["load balancer capacity units (NLCU-hours)", 100],
      // Each run watches for the default 60 s after its 0.5 s: runs never overlap, so one starts every 60.5 s.
      ["failover function runs (millions)", RUNS / 1e6],
      ["failover function compute (GB-seconds)", RUNS * 0.5 * 0.25],
      // Each run then watches for the default 60 s at the function's 256 MB.
      ["failover function watching (GB-seconds)", RUNS * 60 * 0.25],
      ["failover function metrics", 8],
      ["alarms", 5],
      // The operations key and the created database's storage key.
      ["KMS keys", 2],
      ["dashboard", 1],
      // The share descriptor, an advanced SSM parameter (cross-account sharing needs the tier).
      ["descriptor (advanced SSM parameter)", 1],
      ["logs ingested (GB)", 1],
    ]);
    expect(provider.usd).toBeCloseTo(
      730 * 0.0225 +
        100 * 0.006 +
        (RUNS / 1e6) * 0.2 +
        RUNS * 0.5 * 0.25 * 0.0000133334 +
        RUNS * 60 * 0.25 * 0.0000133334 +
        8 * 0.3 +
        5 * 0.1 +
        2 +
        3 +
        0.05 +
        0.5,
      6,
    );
    expect(consumer.lines.map((l) => [l.item, l.quantity, l.usd])).toEqual([
      ["interface endpoint hours (2 AZs)", 1460, expect.closeTo(14.6, 9)],
      ["data processed (GB)", 100, expect.closeTo(1, 9)],
      ["KMS keys", 1, 1],
      ["private hosted zone", 1, 0.5],
      ["RDS name hosted zones (writer, reader)", 2, 1],
      ["logs ingested (GB)", 1, 0.5],
    ]);
    expect(e.usd).toBeCloseTo(provider.usd + 18.6, 9);
    expect(e.unknown).toEqual([]);
    // One more consumer like "app": its stack, plus the NLCUs of its 100 GB.
    expect(e.oneMoreConsumer).toEqual({ like: "consumer-app", usd: expect.closeTo(18.6 + 0.6, 9), unknown: [] });
  });

  it("prices the watch of every run on a line of its own, which watchSeconds 0 brings to nothing", () => {
    const watching = (e: ReturnType<typeof run>) =>
      e.stacks[0].lines.find((l) => l.item === "failover function watching (GB-seconds)")!;
    // 43,438 runs a month, 60 s each at 0.25 GB: $8.69 at the arm64 GB-second price.
    expect(watching(run())).toMatchObject({
      quantity: RUNS * 60 * 0.25,
      price: "lambdaArmGbSecond",
      usd: expect.closeTo(RUNS * 60 * 0.25 * 0.0000133334, 9),
    });
    expect(formatEstimate(run(), table)).toMatch(
      /^ {2}failover function watching \(GB-seconds\) +651570\.25 {2}\$8\.69$/m,
    );
    const off = run((c) => (c.provider.failover.watchSeconds = 0));
    expect(watching(off)).toMatchObject({ quantity: 0, usd: 0 });
    // Off, runs start every 60 s instead of every 60.5 s: a few more of them, and no watch.
    const usd = (e: ReturnType<typeof run>, item: string) => e.stacks[0].lines.find((l) => l.item === item)!.usd!;
    const moreRuns = ["failover function runs (millions)", "failover function compute (GB-seconds)"].reduce(
      (n, item) => n + usd(off, item) - usd(run(), item),
      0,
    );
    expect(moreRuns).toBeGreaterThan(0);
    expect(run().usd - off.usd).toBeCloseTo(watching(run()).usd! - moreRuns, 9);
    // A Multi-AZ instance is watched too.
    expect(
      watching(run((c) => (c.provider.database = { engine: "postgres", create: { deletionProtection: false } })))
        .quantity,
    ).toBe(RUNS * 60 * 0.25);
    // A slower schedule runs, and so watches, less often.
    expect(watching(run((c) => (c.provider.failover.reconcileEveryMinutes = 5))).quantity).toBeCloseTo(
      (730 * 60 * 60 * 0.25) / 5,
      6,
    );
  });

  it("never bills more run time than the month has: runs are serial, and one that outlasts the schedule's minute serves the runs queued meanwhile", () => {
    const e = run((c) => (c.provider.failover.watchSeconds = 240));
    const line = (item: string) => e.stacks[0].lines.find((l) => l.item === item)!.quantity;
    const runs = (730 * 3600) / 240.5;
    expect(line("failover function runs (millions)")).toBeCloseTo(runs / 1e6, 12);
    expect(
      (line("failover function compute (GB-seconds)") + line("failover function watching (GB-seconds)")) / 0.25,
    ).toBeCloseTo(730 * 3600, 6);
  });

  it("keeps the single-database form's result as it was: no share on any line, no per-share subtotals", () => {
    const e = run();
    expect(Object.keys(e)).toEqual(["assumptions", "stacks", "usd", "unknown", "oneMoreConsumer"]);
    expect(Object.keys(e.oneMoreConsumer ?? {})).toEqual(["like", "usd", "unknown"]);
    for (const line of e.stacks.flatMap((s) => s.lines))
      expect(Object.keys(line)).toEqual(["item", "quantity", "unit", "price", "usd"]);
    expect(formatEstimate(e, table)).not.toMatch(/share|Per share/);
  });

  it("follows the flags: GB per consumer, connections and hours", () => {
    const e = run(undefined, { gbPerConsumer: 1460, hours: 730 });
    expect(lineUsd(e.stacks[0], "load balancer capacity units")).toBeCloseTo(2 * 730 * 0.006, 9);
    expect(lineUsd(e.stacks[1], "data processed")).toBeCloseTo(14.6, 9);
    // 250,000 pooled connections outweigh 1 GB a month: 2.5 NLCUs every hour.
    const busy = run(undefined, { gbPerConsumer: 1, connectionsPerConsumer: 250_000 });
    expect(busy.stacks[0].lines[1].quantity).toBeCloseTo(2.5 * 730, 9);
    const halfMonth = run(undefined, { hours: 365 });
    expect(lineUsd(halfMonth.stacks[0], "load balancer hours")).toBeCloseTo(365 * 0.0225, 9);
    expect(lineUsd(halfMonth.stacks[1], "interface endpoint hours")).toBeCloseTo(2 * 365 * 0.01, 9);
  });

  it("counts one AZ-hour per consumer subnet, and no zone or flow log where the consumer brings its own VPC", () => {
    const e = run((c) => {
      c.consumers[0].network = {
        existing: {
          vpcId: "vpc-0123456789abcdef0",
          subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
        },
      };
      delete c.consumers[0].privateZone;
    });
    expect(e.stacks[1].lines.map((l) => l.item)).toEqual([
      "interface endpoint hours (3 AZs)",
      "data processed (GB)",
      "KMS keys",
      "RDS name hosted zones (writer, reader)",
    ]);
    expect(e.stacks[1].usd).toBeCloseTo(3 * 730 * 0.01 + 1 + 1 + 1, 9);
  });

  it("prices a Multi-AZ instance's four alarms", () => {
    const e = run((c) => (c.provider.database = { engine: "postgres", create: { deletionProtection: false } }));
    expect(e.stacks[0].lines.find((l) => l.item === "alarms")!.quantity).toBe(4);
  });

  it("says unknown for the resource transport's hourly prices and leaves them out of the total, never guessing", () => {
    const e = run(toResourceTransport);
    const [provider, consumer] = e.stacks;
    expect(provider.lines.map((l) => [l.item, l.usd])).toEqual([
      ["resource gateway hours", null],
      ["resource gateway data processed (GB)", expect.closeTo(1, 9)],
      ["KMS keys", 2],
      ["dashboard", 3],
      ["descriptor (advanced SSM parameter)", 0.05],
      ["logs ingested (GB)", 0.5],
    ]);
    // One endpoint of the database's ARN-type configuration (the default); its private DNS zones are AWS's.
    expect(consumer.lines[0]).toMatchObject({
      item: "resource endpoint hours (1 endpoint, 2 AZs)",
      quantity: 730,
      usd: null,
    });
    expect(e.unknown).toEqual(["resource gateway hours", "resource endpoint hours (1 endpoint, 2 AZs)"]);
    expect(e.usd).toBeCloseTo(1 + 2 + 3 + 0.05 + 0.5 + 1 + 1 + 0.5 + 0.5, 9);
    const text = formatEstimate(e, table);
    expect(text).toContain("unknown (no price found)");
    expect(text).toMatch(/Total: \$9\.55 a month, plus unknown: resource gateway hours, resource endpoint hours/);
  });

  it("says which region a stack is priced as when the table has no prices for its own", () => {
    const e = run((c) => {
      c.consumers[0].account.region = "eu-west-1";
      c.consumers[0].network.create.azIds = ["euw1-az1", "euw1-az2"];
      c.provider.sharing.supportedRegions = ["eu-west-1"];
    });
    expect(e.stacks[0].pricedAs).toBeUndefined();
    expect(e.stacks[1]).toMatchObject({ region: "eu-west-1", pricedAs: "us-east-1" });
    expect(formatEstimate(e, table)).toContain(
      "consumer-app [eu-west-1] (priced as us-east-1: prices.json has no eu-west-1 prices)",
    );
  });

  it("prices a first consumer when the config has none", () => {
    const e = run((c) => (c.consumers = []));
    expect(e.stacks).toHaveLength(1);
    expect(e.stacks[0].lines[1]).toMatchObject({ item: "load balancer capacity units (NLCU-hours)", quantity: 0 });
    // Two AZs of interface endpoint, 100 GB, a key, the writer's and reader's name zones and a flow log; plus 100 GB of NLCUs.
    expect(e.oneMoreConsumer?.usd).toBeCloseTo(14.6 + 1 + 1 + 1 + 0.5 + 0.6, 9);
  });

  it("counts the alarms, keys and dashboard the stacks really synthesize", () => {
    for (const [mutate, kind] of [
      [() => undefined, "cluster"],
      [
        (c: Json) => (c.provider.database = { engine: "aurora-mysql", existing: { clusterIdentifier: "orders" } }),
        "cluster",
      ],
      [(c: Json) => (c.provider.database = { engine: "postgres", create: { deletionProtection: false } }), "instance"],
    ] as const) {
      const { json } = synthesize(mutate);
      const e = run(mutate);
      expect({ kind, alarms: resources(json.provider, CloudwatchMetricAlarm.tfResourceType).length }).toEqual({
        kind,
        alarms: e.stacks[0].lines.find((l) => l.item === "alarms")!.quantity,
      });
      for (const stack of e.stacks) {
        const keys = stack.lines.find((l) => l.item === "KMS keys")!.quantity;
        expect({ stack: stack.stack, keys: resources(json[stack.stack], KmsKey.tfResourceType).length }).toEqual({
          stack: stack.stack,
          keys,
        });
      }
      expect(resources(json.provider, "aws_cloudwatch_dashboard")).toHaveLength(1);
      // The friendly zone and one per RDS name: as many zones as the estimate prices.
      const zones = e.stacks[1].lines.filter((l) => l.price === "hostedZoneMonth").reduce((n, l) => n + l.quantity, 0);
      expect(resources(json["consumer-app"], "aws_route53_zone")).toHaveLength(zones);
    }
  });
});

describe("each transport's cost part", () => {
  it("is registered for every transport the config accepts", () => {
    expect(Object.keys(COST_BY_TRANSPORT).sort()).toEqual([...TRANSPORTS].sort());
  });
});

describe("price table", () => {
  it("names a source, a date and a unit for every price, and lists its regions", () => {
    expect(table.regions).toEqual(["us-east-1"]);
    for (const [key, price] of Object.entries(table.prices)) {
      expect({
        key,
        source: price.source.length > 10,
        date: /^\d{4}(-\d{2}(-\d{2})?)?$/.test(price.date),
        unit: price.unit.length > 2,
      }).toEqual({ key, source: true, date: true, unit: true });
      if (price.usd === null) expect(price.source).toMatch(/^not found/);
    }
  });

  it("has every price the estimate uses", () => {
    const used = new Set<PriceKey>();
    for (const mutate of [undefined, toResourceTransport])
      for (const s of run(mutate).stacks) for (const l of s.lines) used.add(l.price);
    expect([...used].filter((k) => !(k in (table as PriceTable).prices))).toEqual([]);
  });
});

describe("cost flags", () => {
  it("reads a config path, the assumptions and --json", () => {
    const args = parseCostArgs(["examples/two-consumers/config.json", "--gb", "50", "--hours=720", "--json"], {});
    expect(args.configFile).toMatch(/examples\/two-consumers\/config\.json$/);
    expect(args.assumptions).toEqual({ ...DEFAULT_ASSUMPTIONS, gbPerConsumer: 50, hours: 720 });
    expect(args.json).toBe(true);
  });

  it.each([
    [
      ["--gb", "lots"],
      /^--gb: "lots" is not a number of GB per consumer per month; give a number of 0 or more, for example --gb 100$/,
    ],
    [["--gb"], /^--gb: "" is not a number/],
    [["--hours", "1000"], /^--hours: 1000 is not an hour count of a month; give 1 to 744/],
    [
      ["--verbose"],
      /^--verbose: unknown flag; the flags are --gb, --connections, --hours, --log-gb, --function-ms, --share, --json, --help$/,
    ],
    [["a.json", "b.json"], /^b\.json: one config file only/],
  ])("refuses %j with an error that names the flag and the fix", (argv, message) => {
    expect(() => parseCostArgs(argv as string[], {})).toThrow(message);
  });
});

/** The catalogue's config (three shares, three consumers), as JSON to vary. */
const catalogueInput = (): Json =>
  JSON.parse(readFileSync(path.join(__dirname, "..", "..", "examples", "platform-catalogue", "config.json"), "utf8"));
const catalogue = (mutate: (c: Json) => void = () => undefined, a: Partial<Assumptions> = {}) => {
  const input = catalogueInput();
  mutate(input);
  return estimate(validateConfig(input), { ...DEFAULT_ASSUMPTIONS, ...a }, table);
};
/** The catalogue without one share: out of provider.shares and out of every consumer's list. */
const withoutShare = (name: string) => (c: Json) => {
  c.provider.shares = c.provider.shares.filter((s: Json) => s.name !== name);
  for (const consumer of c.consumers)
    consumer.shares = consumer.shares?.filter((e: Json) => (typeof e === "string" ? e : e.name) !== name);
};
const usdOf = (lines: Json[]) => lines.reduce((n, l) => n + (l.usd ?? 0), 0);

describe("cost estimate of several shares", () => {
  const e = catalogue();
  const provider = e.stacks[0];

  it("totals its stacks, and its shares' subtotals with the stacks' own lines", () => {
    expect(e.stacks.map((s) => s.stack)).toEqual([
      "provider",
      "consumer-storefront",
      "consumer-analytics",
      "consumer-warehouse",
    ]);
    for (const s of e.stacks) expect(s.usd).toBeCloseTo(usdOf(s.lines), 9);
    expect(e.usd).toBeCloseTo(
      e.stacks.reduce((n, s) => n + s.usd, 0),
      9,
    );
    expect(e.shares!.map((s) => s.share)).toEqual(["orders", "billing", "inventory"]);
    expect(e.usd).toBeCloseTo(e.shares!.reduce((n, s) => n + s.usd, 0) + e.everyShare!.usd, 9);
    // Each share's subtotal is its lines in every stack, and each stack's part of it is listed.
    for (const s of e.shares!) {
      expect(s.usd).toBeCloseTo(usdOf(e.stacks.flatMap((t) => t.lines.filter((l) => l.share === s.share))), 9);
      expect(s.usd).toBeCloseTo(
        s.stacks.reduce((n, t) => n + t.usd, 0),
        9,
      );
    }
    expect(e.shares!.find((s) => s.share === "orders")!.stacks.map((t) => t.stack)).toEqual([
      "provider",
      "consumer-storefront",
      "consumer-warehouse",
    ]);
    // The resource share's hourly prices are unknown: its subtotal says so, the others do not.
    expect(e.shares!.map((s) => [s.share, s.unknown])).toEqual([
      ["orders", []],
      ["billing", []],
      ["inventory", ["resource gateway hours", "resource endpoint hours (1 endpoint, 2 AZs)"]],
    ]);
    expect(e.everyShare!.unknown).toEqual([]);
  });

  it("prices each share's own provider lines once per share, and the stack's operations key and logs once", () => {
    const count = (item: string) => provider.lines.filter((l) => l.item === item).map((l) => l.share);
    expect(count("dashboard")).toEqual(["orders", "billing", "inventory"]);
    expect(count("load balancer hours")).toEqual(["orders", "billing"]);
    expect(count("alarms")).toEqual(["orders", "billing"]);
    expect(count("resource gateway hours")).toEqual(["inventory"]);
    // Only orders creates its database, so only it has a storage key.
    expect(count("database KMS key")).toEqual(["orders"]);
    expect(count("operations KMS key")).toEqual([undefined]);
    expect(count("logs ingested (GB)")).toEqual([undefined]);
    // Each share's NLCUs and gateway GB follow the consumers that reach it: 2, 3 and 3 of them.
    const nlcu = provider.lines
      .filter((l) => l.item.startsWith("load balancer capacity units"))
      .map((l) => [l.share, l.quantity]);
    expect(nlcu).toEqual([
      ["orders", 200],
      ["billing", 300],
    ]);
    expect(provider.lines.find((l) => l.item === "resource gateway data processed (GB)")).toMatchObject({
      share: "inventory",
      quantity: 300,
    });
  });

  it("gives a consumer one endpoint's lines per share it reaches, its names per share, and one key", () => {
    const analytics = e.stacks.find((s) => s.stack === "consumer-analytics")!;
    expect(analytics.lines.map((l) => [l.share, l.item, l.quantity])).toEqual([
      ["billing", "interface endpoint hours (2 AZs)", 1460],
      ["billing", "data processed (GB)", 100],
      // Its memberPorts of billing: writer, reader and the 3 member slots' zones.
      ["billing", "RDS name hosted zones (writer, reader, 3 instances)", 5],
      ["inventory", "resource endpoint hours (1 endpoint, 2 AZs)", 730],
      ["inventory", "data processed (GB)", 100],
      [undefined, "operations KMS key", 1],
      [undefined, "logs ingested (GB)", 1],
    ]);
    const storefront = e.stacks.find((s) => s.stack === "consumer-storefront")!;
    // A private zone for each share it names one for; warehouse names none.
    expect(storefront.lines.filter((l) => l.item === "private hosted zone").map((l) => l.share)).toEqual([
      "orders",
      "billing",
      "inventory",
    ]);
    expect(
      e.stacks.find((s) => s.stack === "consumer-warehouse")!.lines.filter((l) => l.item === "private hosted zone"),
    ).toEqual([]);
  });

  it.each(["orders", "billing", "inventory"])("costs exactly %s's lines less without it", (name) => {
    const without = catalogue(withoutShare(name));
    const share = e.shares!.find((s) => s.share === name)!;
    expect(without.shares!.map((s) => s.share)).toEqual(e.shares!.map((s) => s.share).filter((s) => s !== name));
    expect(without.usd).toBeCloseTo(e.usd - share.usd, 9);
    // The other shares' subtotals and the stacks' own lines do not move.
    for (const s of without.shares!) expect(s.usd).toBeCloseTo(e.shares!.find((t) => t.share === s.share)!.usd, 9);
    expect(without.everyShare!.usd).toBeCloseTo(e.everyShare!.usd, 9);
  });

  it("adds for one more consumer what a consumer like the last, reaching the same shares, adds to the config", () => {
    expect(e.oneMoreConsumer).toMatchObject({
      like: "consumer-warehouse",
      reaching: ["orders", "billing", "inventory"],
      unknown: ["resource endpoint hours (1 endpoint, 2 AZs)"],
    });
    const withAnother = catalogue((c) =>
      c.consumers.push({
        ...c.consumers[2],
        name: "warehouse-two",
        network: { create: { cidr: "10.2.0.0/16", azIds: ["use1-az1", "use1-az2"] } },
        allowedCidrs: ["10.2.0.0/16"],
      }),
    );
    expect(e.oneMoreConsumer?.usd).toBeCloseTo(withAnother.usd - e.usd, 9);
    // Like analytics: billing with its member ports and inventory, and no orders.
    const likeAnalytics = catalogue((c) => c.consumers.splice(2, 1));
    const analyticsTwice = catalogue((c) => c.consumers.splice(2, 1, { ...c.consumers[1], name: "analytics-two" }));
    expect(likeAnalytics.oneMoreConsumer).toMatchObject({
      like: "consumer-analytics",
      reaching: ["billing", "inventory"],
    });
    expect(likeAnalytics.oneMoreConsumer?.usd).toBeCloseTo(analyticsTwice.usd - likeAnalytics.usd, 9);
  });

  it("estimates one share alone with --share: its lines and the stacks' own, with the consumers that reach it", () => {
    const app = validateConfig(catalogueInput());
    const alone = estimate(onlyTheShare(app, "orders"), DEFAULT_ASSUMPTIONS, table);
    expect(alone.stacks.map((s) => s.stack)).toEqual(["provider", "consumer-storefront", "consumer-warehouse"]);
    expect(
      alone.stacks.flatMap((s) => s.lines.map((l) => l.share)).filter((s) => s !== undefined && s !== "orders"),
    ).toEqual([]);
    expect(alone.shares).toEqual([e.shares![0]]);
    // Three stacks' keys and logs: $1.50 each; and the provider's dashboard of every share, $3.00.
    expect(alone.usd).toBeCloseTo(e.shares![0].usd + 3 * 1.5 + 3, 9);
    expect(() => onlyTheShare(app, "payments")).toThrow(
      /^--share: "payments" names no share of the config; the shares are orders, billing, inventory$/,
    );
  });

  it("prints each stack's lines under their share, each share's subtotal over the stacks, and the total", () => {
    const text = formatEstimate(e, table);
    expect(text).toContain(
      "consumer-analytics [us-east-1]: $20.60 + unknown\n  share billing: $18.10\n    interface endpoint hours (2 AZs)",
    );
    expect(text).toContain("  the stack's own, for every share: $1.50\n    operations KMS key ");
    const money = (n: number) => `$${n.toFixed(2)}`;
    for (const s of e.shares!)
      expect(text).toMatch(
        new RegExp(`^  ${s.share} +\\${money(s.usd)}${s.unknown.length ? " \\+ unknown" : ""}  \\(provider \\$`, "m"),
      );
    expect(text).toContain(
      `The stacks' own lines (operations keys, logs, the dashboard of every share): ${money(e.everyShare!.usd)}`,
    );
    expect(text).toContain(
      `Total: ${money(e.usd)} a month, plus unknown: resource gateway hours, resource endpoint hours (1 endpoint, 2 AZs)`,
    );
    expect(text).toContain("One more consumer like consumer-warehouse (reaching orders, billing, inventory) adds");
    // Quantities stand in one column in every stack, whatever the longest item.
    const columns = text
      .split("\n")
      .filter((l) => /^ {4}\S/.test(l))
      .map((l) => l.search(/\d+(\.\d+)? {2}(\$|unknown)/) + l.match(/\d+(\.\d+)? {2}(\$|unknown)/)![0].indexOf("  "));
    expect(new Set(columns).size).toBe(1);
  });

  it("is what docs/operations.md shows for the catalogue, per share and in total", () => {
    const text = formatEstimate(e, table);
    const summary = text.slice(text.indexOf("Per share, its lines in every stack:"), text.indexOf("\n\nPrices:"));
    expect(summary.split("\n")).toHaveLength(7);
    expect(readFileSync(path.join(__dirname, "..", "..", "docs", "operations.md"), "utf8")).toContain(
      `\`\`\`text\n${summary}\n\`\`\``,
    );
    expect(
      estimate(onlyTheShare(validateConfig(catalogueInput()), "orders"), DEFAULT_ASSUMPTIONS, table).usd.toFixed(2),
    ).toBe("74.54");
  });

  it("counts the keys, dashboards, alarms and hosted zones the stacks really synthesize", () => {
    const { json } = synthesize((c) => {
      for (const k of Object.keys(c)) delete c[k];
      Object.assign(c, catalogueInput());
    });
    const quantity = (stack: Json, price: PriceKey) =>
      stack.lines.filter((l: Json) => l.price === price).reduce((n: number, l: Json) => n + l.quantity, 0);
    expect(Object.keys(json).sort()).toEqual(e.stacks.map((s) => s.stack).sort());
    expect(resources(json.provider, "aws_cloudwatch_dashboard")).toHaveLength(quantity(provider, "dashboardMonth"));
    expect(resources(json.provider, CloudwatchMetricAlarm.tfResourceType)).toHaveLength(
      quantity(provider, "alarmMonth"),
    );
    // analytics's member ports of billing: one zone per instance name, a resource over the
    // provider's instance_names whose count is known at apply; the estimate takes one per member slot.
    const slots = validateConfig(catalogueInput()).shares.find((s) => s.name === "billing")!.config.provider.ports
      .members.length;
    expect(slots).toBe(3);
    for (const stack of e.stacks) {
      const zones = resources(json[stack.stack], "aws_route53_zone");
      const perInstance = zones.filter((z) => z.for_each !== undefined).length;
      expect({ stack: stack.stack, perInstance }).toEqual({
        stack: stack.stack,
        perInstance: stack.stack === "consumer-analytics" ? 1 : 0,
      });
      expect({ stack: stack.stack, keys: resources(json[stack.stack], KmsKey.tfResourceType).length }).toEqual({
        stack: stack.stack,
        keys: quantity(stack, "kmsKeyMonth"),
      });
      expect({ stack: stack.stack, zones: zones.length - perInstance + perInstance * slots }).toEqual({
        stack: stack.stack,
        zones: quantity(stack, "hostedZoneMonth"),
      });
    }
  });
});

describe("cost of one share from the command line", () => {
  it("reads --share NAME and --share=NAME, and refuses a missing or repeated one", () => {
    expect(parseCostArgs(["--share", "orders"], {}).share).toBe("orders");
    expect(parseCostArgs(["--share=billing", "--json"], {})).toMatchObject({ share: "billing", json: true });
    expect(parseCostArgs([], {})).not.toHaveProperty("share");
    expect(() => parseCostArgs(["--share"], {})).toThrow(
      /^--share: give the name of one of the config's shares \(provider\.shares\[\]\.name\), for example --share orders$/,
    );
    expect(() => parseCostArgs(["--share", "--json"], {})).toThrow(/^--share: give the name/);
    expect(() => parseCostArgs(["--share", "a", "--share", "b"], {})).toThrow(
      /^--share: one share only \(already given: a\)/,
    );
  });

  it("exits 2 on a share the config does not have, naming its shares", () => {
    const r = spawnSync(
      process.execPath,
      ["--require", "tsx/cjs", "scripts/cost.ts", "examples/platform-catalogue/config.json", "--share", "payments"],
      { cwd: path.join(__dirname, "..", ".."), encoding: "utf8", timeout: HANG_GUARD_MS },
    );
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({
      status: 2,
      stderr: '--share: "payments" names no share of the config; the shares are orders, billing, inventory\n',
      stdout: "",
    });
  });
});

describe("npm run cost of a consumer-only config (examples/consumer-self-service)", () => {
  const example = path.join(__dirname, "..", "..", "examples", "consumer-self-service");
  const own = loadAnyConfigFile(example);
  if (!isConsumerOnlyConfig(own)) throw new Error("the example is not a consumer-only config");
  const mine = estimateConsumerOnly(own, DEFAULT_ASSUMPTIONS, table);

  it("prices its one stack as the provider's config prices the same consumer, and nothing of the provider's", () => {
    const whole = run((c) => {
      const { consumer } = JSON.parse(readFileSync(path.join(example, "config.json"), "utf8"));
      const { shares, ...keys } = consumer;
      c.consumers.push({ ...keys, privateZone: shares[0].privateZone });
      c.provider.sharing.allowedPrincipals.push("arn:aws:iam::333333333333:root");
    });
    expect(mine.stacks).toEqual([whole.stacks.find((s) => s.stack === "consumer-reports")]);
    expect(mine.usd).toBe(mine.stacks[0].usd);
    expect(mine.oneMoreConsumer).toBeUndefined();
    expect(mine.stacks[0].lines.map((l) => l.item)).toContain("private hosted zone");
  });

  it("prints that stack and says the provider's stack is not in it; --share names the descriptors' shares", () => {
    const cost = (...args: string[]) =>
      spawnSync(process.execPath, ["--require", "tsx/cjs", "scripts/cost.ts", example, ...args], {
        cwd: path.join(__dirname, "..", ".."),
        encoding: "utf8",
        timeout: HANG_GUARD_MS,
      });
    const r = cost();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`consumer-reports [us-east-1]: $${mine.usd.toFixed(2)}`);
    expect(r.stdout).toContain(`Total: $${mine.usd.toFixed(2)} a month`);
    expect(r.stdout).toContain("a consumer-only config prices this consumer's stack alone");
    expect(r.stdout).not.toContain("provider [");
    const other = cost("--share", "billing");
    expect({ status: other.status, stderr: other.stderr.split("\n").slice(-2) }).toEqual({
      status: 2,
      stderr: ['--share: "billing" names no share of the config; its descriptors describe orders', ""],
    });
  });
});
