// npm run cost: the arithmetic on small configs, the price table's sources, the flags, and that
// the counts it prices are the counts the stacks synthesize.
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { validateConfig } from "../../config/load";
import { Assumptions, DEFAULT_ASSUMPTIONS, estimate, PriceKey, PriceTable } from "../../scripts/cost/estimate";
import { formatEstimate, loadPrices, parseCostArgs } from "../../scripts/cost";
import { demoInput, Json, resources, synthesize } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";

const table = loadPrices();
const configOf = (mutate: (c: Json) => void = () => undefined) => {
  const c = demoInput();
  mutate(c);
  return validateConfig(c);
};
const run = (mutate?: (c: Json) => void, a: Partial<Assumptions> = {}) => estimate(configOf(mutate), { ...DEFAULT_ASSUMPTIONS, ...a }, table);
const lineUsd = (stack: Json, item: string) => stack.lines.find((l: Json) => l.item.startsWith(item))?.usd;

describe("cost estimate", () => {
  it("prices the demo share line by line: NLB hours and NLCUs, the function, alarms, key, dashboard, logs; the consumer's endpoint AZ-hours and data", () => {
    const e = run();
    const [provider, consumer] = e.stacks;
    expect(provider.lines.map((l) => [l.item, l.quantity])).toEqual([
      ["load balancer hours", 730],
      // 100 GB over 730 hours is 0.137 GB an hour, above 100 connections / 100,000 flows.
      ["load balancer capacity units (NLCU-hours)", 100],
      ["failover function runs (millions)", (730 * 60) / 1e6],
      ["failover function compute (GB-seconds)", 730 * 60 * 0.5 * 0.25],
      ["failover function metrics", 8],
      ["alarms", 5],
      // The operations key and the created database's storage key.
      ["KMS keys", 2],
      ["dashboard", 1],
      ["logs ingested (GB)", 1],
    ]);
    expect(provider.usd).toBeCloseTo(730 * 0.0225 + 100 * 0.006 + 0.0438 * 0.2 + 5475 * 0.0000133334 + 8 * 0.3 + 5 * 0.1 + 2 + 3 + 0.5, 6);
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
      c.consumers[0].network = { existing: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"] } };
      delete c.consumers[0].privateZone;
    });
    expect(e.stacks[1].lines.map((l) => l.item)).toEqual(["interface endpoint hours (3 AZs)", "data processed (GB)", "KMS keys", "RDS name hosted zones (writer, reader)"]);
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
      ["logs ingested (GB)", 0.5],
    ]);
    // One endpoint of the database's ARN-type configuration (the default); its private DNS zones are AWS's.
    expect(consumer.lines[0]).toMatchObject({ item: "resource endpoint hours (1 endpoint, 2 AZs)", quantity: 730, usd: null });
    expect(e.unknown).toEqual(["resource gateway hours", "resource endpoint hours (1 endpoint, 2 AZs)"]);
    expect(e.usd).toBeCloseTo(1 + 2 + 3 + 0.5 + 1 + 1 + 0.5 + 0.5, 9);
    const text = formatEstimate(e, table);
    expect(text).toContain("unknown (no price found)");
    expect(text).toMatch(/Total: \$9\.50 a month, plus unknown: resource gateway hours, resource endpoint hours/);
  });

  it("says which region a stack is priced as when the table has no prices for its own", () => {
    const e = run((c) => {
      c.consumers[0].account.region = "eu-west-1";
      c.consumers[0].network.create.azIds = ["euw1-az1", "euw1-az2"];
      c.provider.sharing.supportedRegions = ["eu-west-1"];
    });
    expect(e.stacks[0].pricedAs).toBeUndefined();
    expect(e.stacks[1]).toMatchObject({ region: "eu-west-1", pricedAs: "us-east-1" });
    expect(formatEstimate(e, table)).toContain("consumer-app [eu-west-1] (priced as us-east-1: prices.json has no eu-west-1 prices)");
  });

  it("prices a first consumer when the config has none", () => {
    const e = run((c) => (c.consumers = []));
    expect(e.stacks).toHaveLength(1);
    expect(e.stacks[0].lines[1]).toMatchObject({ item: "load balancer capacity units (NLCU-hours)", quantity: 0 });
    // Two AZs of interface endpoint, 100 GB, a key, the writer's and reader's name zones and a flow log; plus 100 GB of NLCUs.
    expect(e.oneMoreConsumer.usd).toBeCloseTo(14.6 + 1 + 1 + 1 + 0.5 + 0.6, 9);
  });

  it("counts the alarms, keys and dashboard the stacks really synthesize", () => {
    for (const [mutate, kind] of [
      [() => undefined, "cluster"],
      [(c: Json) => (c.provider.database = { engine: "aurora-mysql", existing: { clusterIdentifier: "orders" } }), "cluster"],
      [(c: Json) => (c.provider.database = { engine: "postgres", create: { deletionProtection: false } }), "instance"],
    ] as const) {
      const { json } = synthesize(mutate);
      const e = run(mutate);
      expect({ kind, alarms: resources(json.provider, CloudwatchMetricAlarm.tfResourceType).length }).toEqual({ kind, alarms: e.stacks[0].lines.find((l) => l.item === "alarms")!.quantity });
      for (const stack of e.stacks) {
        const keys = stack.lines.find((l) => l.item === "KMS keys")!.quantity;
        expect({ stack: stack.stack, keys: resources(json[stack.stack], KmsKey.tfResourceType).length }).toEqual({ stack: stack.stack, keys });
      }
      expect(resources(json.provider, "aws_cloudwatch_dashboard")).toHaveLength(1);
      // The friendly zone and one per RDS name: as many zones as the estimate prices.
      const zones = e.stacks[1].lines.filter((l) => l.price === "hostedZoneMonth").reduce((n, l) => n + l.quantity, 0);
      expect(resources(json["consumer-app"], "aws_route53_zone")).toHaveLength(zones);
    }
  });
});

describe("price table", () => {
  it("names a source, a date and a unit for every price, and lists its regions", () => {
    expect(table.regions).toEqual(["us-east-1"]);
    for (const [key, price] of Object.entries(table.prices)) {
      expect({ key, source: price.source.length > 10, date: /^\d{4}(-\d{2}(-\d{2})?)?$/.test(price.date), unit: price.unit.length > 2 }).toEqual({ key, source: true, date: true, unit: true });
      if (price.usd === null) expect(price.source).toMatch(/^not found/);
    }
  });

  it("has every price the estimate uses", () => {
    const used = new Set<PriceKey>();
    for (const mutate of [undefined, toResourceTransport]) for (const s of run(mutate).stacks) for (const l of s.lines) used.add(l.price);
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
    [["--gb", "lots"], /^--gb: "lots" is not a number of GB per consumer per month; give a number of 0 or more, for example --gb 100$/],
    [["--gb"], /^--gb: "" is not a number/],
    [["--hours", "1000"], /^--hours: 1000 is not an hour count of a month; give 1 to 744/],
    [["--verbose"], /^--verbose: unknown flag; the flags are --gb, --connections, --hours, --log-gb, --function-ms, --share, --json, --help$/],
    [["a.json", "b.json"], /^b\.json: one config file only/],
  ])("refuses %j with an error that names the flag and the fix", (argv, message) => {
    expect(() => parseCostArgs(argv as string[], {})).toThrow(message);
  });
});
