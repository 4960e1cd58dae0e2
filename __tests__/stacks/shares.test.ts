// Several databases in one config: one provider stack with a Share per database, consumer stacks
// reaching some or all of them. A share added or removed touches no other share's resources,
// and every name AWS keeps unique stays unique across shares.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { validateConfig } from "../../config/load";
import { buildApp } from "../../stacks/app";
import { type Json, resources } from "../helpers";

const CATALOGUE = path.join(__dirname, "..", "..", "examples", "platform-catalogue", "config.json");
const catalogue = (): Json => JSON.parse(readFileSync(CATALOGUE, "utf8"));

function synth(input: Json): Record<string, Json> {
  const app = Testing.app();
  const stacks = buildApp(validateConfig(input), app);
  app.synth();
  return Object.fromEntries(
    [stacks.provider, ...stacks.consumers].map((s) => [
      s.node.id,
      JSON.parse(readFileSync(path.join(app.outdir, "stacks", s.node.id, "cdk.tf.json"), "utf8")),
    ]),
  );
}

/** Every block of a stack by its address (resource, data source, output, local, moved), without cdktf's "//" comments. */
function blocks(stack: Json): Map<string, string> {
  const out = new Map<string, string>();
  const strip = (v: Json): Json =>
    Array.isArray(v)
      ? v.map(strip)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => k !== "//")
              .map(([k, x]) => [k, strip(x)]),
          )
        : v;
  for (const kind of ["resource", "data"])
    for (const [type, byName] of Object.entries(stack[kind] ?? {}))
      for (const [name, body] of Object.entries(byName as Json))
        out.set(`${kind}.${type}.${name}`, JSON.stringify(strip(body)));
  for (const kind of ["output", "locals", "provider", "terraform"])
    for (const [name, body] of Object.entries(stack[kind] ?? {}))
      out.set(`${kind}.${name}`, JSON.stringify(strip(body)));
  return out;
}

/** The billing share, removed from the catalogue and from every consumer that names it. */
function withoutBilling(input: Json): Json {
  input.provider.shares = input.provider.shares.filter((s: Json) => s.name !== "billing");
  for (const c of input.consumers)
    if (c.shares) c.shares = c.shares.filter((e: Json) => (typeof e === "string" ? e : e.name) !== "billing");
  return input;
}

const LEDGER = {
  name: "ledger",
  database: {
    engine: "aurora-postgresql",
    existing: { clusterIdentifier: "ledger-prod", securityGroupId: "sg-0a1b2c3d4e5f60730" },
  },
  sharing: { allowedPrincipals: ["arn:aws:iam::222222222222:root", "arn:aws:iam::444444444444:root"] },
};

describe("a share added to or removed from the config", () => {
  const all = synth(catalogue());
  const fewer = synth(withoutBilling(catalogue()));
  const withLedger = catalogue();
  withLedger.provider.shares.push(LEDGER);
  const more = synth(withLedger);

  /** What changed between two syntheses of a stack: blocks only in one, and blocks in both that differ. */
  function changes(before: Json, after: Json) {
    const [a, b] = [blocks(before), blocks(after)];
    return {
      gone: [...a.keys()].filter((k) => !b.has(k)),
      added: [...b.keys()].filter((k) => !a.has(k)),
      differ: [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)),
    };
  }

  /**
   * The blocks of the whole config that list the shares: the dashboard of every share, and the
   * operations key, whose policy lets each share's descriptor readers decrypt it (in place).
   */
  const CATALOGUE = /^resource\.(aws_cloudwatch_dashboard\.CatalogueDashboard_|aws_kms_key\.OperationsKey_)/;
  const keyStatements = (stacks: Record<string, Json>) =>
    JSON.parse(
      (resources(stacks.provider, "aws_kms_key") as Json[]).find((k) => /operational/.test(k.description)).policy,
    ).Statement as Json[];
  const catalogueBody = (stacks: Record<string, Json>) =>
    (
      resources(stacks.provider, "aws_cloudwatch_dashboard").find(
        (d: Json) => d.dashboard_name === "platform-privatelink-us-east-1",
      ) as Json
    ).dashboard_body as string;

  it("removing billing removes only billing's blocks, in the provider and in every consumer that reached it", () => {
    expect(Object.keys(fewer).sort()).toEqual(Object.keys(all).sort());
    for (const stack of Object.keys(all)) {
      const { gone, added, differ } = changes(all[stack], fewer[stack]);
      expect({ stack, added, differ: differ.filter((k) => !CATALOGUE.test(k)) }).toEqual({
        stack,
        added: [],
        differ: [],
      });
      expect(gone.filter((k) => !/billing/i.test(k))).toEqual([]);
    }
    // It was there to remove: the provider's and two consumers' billing blocks went.
    expect(changes(all.provider, fewer.provider).gone.length).toBeGreaterThan(40);
    for (const consumer of ["consumer-storefront", "consumer-analytics", "consumer-warehouse"])
      expect(changes(all[consumer], fewer[consumer]).gone.length).toBeGreaterThan(5);
  });

  it("adding ledger adds only ledger's blocks, and only where it is reached", () => {
    for (const stack of Object.keys(all)) {
      const { gone, added, differ } = changes(all[stack], more[stack]);
      expect({ stack, gone, differ: differ.filter((k) => !CATALOGUE.test(k)) }).toEqual({
        stack,
        gone: [],
        differ: [],
      });
      expect(added.filter((k) => !/ledger/i.test(k))).toEqual([]);
    }
    expect(changes(all.provider, more.provider).added.length).toBeGreaterThan(40);
    // warehouse reaches every share by default; analytics names its two.
    expect(changes(all["consumer-warehouse"], more["consumer-warehouse"]).added.length).toBeGreaterThan(5);
    expect(changes(all["consumer-analytics"], more["consumer-analytics"]).added).toEqual([]);
  });

  it("changes the operations key's policy only by the share's own descriptor readers", () => {
    const sids = (stacks: Record<string, Json>) => keyStatements(stacks).map((st) => st.Sid as string);
    expect(sids(all).filter((sid) => !sids(fewer).includes(sid))).toEqual(["ReadPlatformBillingDescriptorAccounts"]);
    expect(sids(more).filter((sid) => !sids(all).includes(sid))).toEqual(["ReadPlatformLedgerDescriptorAccounts"]);
    const kept = (stacks: Record<string, Json>) => keyStatements(stacks).filter((st) => !/Billing|Ledger/.test(st.Sid));
    expect(kept(fewer)).toEqual(kept(all));
    expect(kept(more)).toEqual(kept(all));
  });

  it("changes the dashboard of every share only by the share's own entries", () => {
    expect(catalogueBody(all)).toContain("billing");
    expect(catalogueBody(fewer)).not.toContain("billing");
    expect(catalogueBody(more)).toContain("platform_ledger-privatelink-us-east-1");
  });
});

describe("the names of several shares", () => {
  const stacks = synth(catalogue());
  const provider = stacks.provider;
  const names = (type: string, field: string) => resources(provider, type).map((r: Json) => r[field]);

  it.each([
    ["aws_lb", "name"],
    ["aws_lb_target_group", "name"],
    ["aws_iam_role", "name"],
    ["aws_lambda_function", "function_name"],
    ["aws_sqs_queue", "name"],
    ["aws_sns_topic", "name"],
    ["aws_cloudwatch_dashboard", "dashboard_name"],
    ["aws_cloudwatch_metric_alarm", "alarm_name"],
    ["aws_cloudwatch_event_rule", "name"],
    ["aws_cloudwatch_log_group", "name"],
    ["aws_security_group", "name"],
    ["aws_kms_alias", "name"],
    ["aws_vpclattice_resource_gateway", "name"],
  ])("keeps every %s %s unique in the provider stack, and within AWS's limits", (type, field) => {
    const list = names(type, field);
    expect(list.length).toBeGreaterThan(0);
    expect(new Set(list).size).toBe(list.length);
    if (type === "aws_lb" || type === "aws_lb_target_group")
      for (const n of list) expect(n.length).toBeLessThanOrEqual(32);
  });

  it("names each share's resources <config>-<share>, and its global names <config>_<share>, which no single-database config can take", () => {
    expect(names("aws_lb", "name").sort()).toEqual(["platform-billing-nlb", "platform-orders-nlb"]);
    expect(names("aws_cloudwatch_dashboard", "dashboard_name").sort()).toEqual([
      "platform-privatelink-us-east-1",
      "platform_billing-privatelink-us-east-1",
      "platform_inventory-privatelink-us-east-1",
      "platform_orders-privatelink-us-east-1",
    ]);
    expect(names("aws_iam_role", "name").sort()).toEqual([
      "platform-vpc-flow-log-us-east-1",
      "platform_billing-failover-sync-us-east-1",
      "platform_orders-failover-sync-us-east-1",
    ]);
    expect(names("aws_kms_alias", "name").sort()).toEqual([
      "alias/platform-operations",
      "alias/platform_orders-database",
    ]);
  });

  it("has a dashboard of every share that links to each share's and shows each share's database and alarms", () => {
    const dashboards = resources(provider, "aws_cloudwatch_dashboard");
    expect(dashboards).toHaveLength(4);
    const body = JSON.parse(
      (dashboards.find((d: Json) => d.dashboard_name === "platform-privatelink-us-east-1") as Json).dashboard_body,
    );
    const text = body.widgets[0].properties.markdown as string;
    for (const share of ["orders", "billing", "inventory"])
      expect(text).toContain(`(#dashboards/dashboard/platform_${share}-privatelink-us-east-1)`);
    const connections = body.widgets.find((w: Json) => w.properties.title === "Database connections per share")
      .properties.metrics;
    expect(connections.map((m: Json[]) => [m[2], (m[4] as Json).label])).toEqual([
      ["DBClusterIdentifier", "orders"],
      ["DBClusterIdentifier", "billing"],
      ["DBInstanceIdentifier", "inventory"],
    ]);
    // The resource transport has no failover function and no alarms: only the endpoint-service shares' appear.
    const errors = body.widgets.find((w: Json) => w.properties.title === "Failover function errors per share")
      .properties.metrics;
    expect(errors.map((m: Json[]) => (m[4] as Json).label)).toEqual(["orders", "billing"]);
    const alarms = body.widgets.find((w: Json) => w.type === "alarm").properties.alarms as string[];
    expect(alarms).toHaveLength(resources(provider, "aws_cloudwatch_metric_alarm").length);
    expect(provider.output.catalogue_dashboard_name.value).toMatch(/CatalogueDashboard/);
  });

  it("holds one archive provider and one function package for every share's function", () => {
    expect(Object.keys(provider.provider).sort()).toEqual(["archive", "aws"]);
    expect(provider.provider.archive).toHaveLength(1);
    const archives = resources(provider, "archive_file");
    expect(archives).toHaveLength(1);
    const functions = resources(provider, "aws_lambda_function");
    expect(functions).toHaveLength(2);
    for (const f of functions) expect(f.filename).toBe(`\${archive_file.Archive.output_path}`);
  });

  it("prefixes each share's outputs with its name, in the provider and in each consumer", () => {
    // The stack's own: the dashboard of every share.
    const outputs = Object.keys(provider.output).filter(
      (o) => !o.startsWith("cross-stack-output-") && !o.startsWith("catalogue_dashboard_"),
    );
    expect(outputs.every((o) => /^(orders|billing|inventory)_/.test(o))).toBe(true);
    expect(outputs).toEqual(
      expect.arrayContaining([
        "orders_service_name",
        "billing_service_name",
        "inventory_resource_share_arn",
        "orders_writer_name",
        "billing_reader_name",
        "inventory_writer_name",
      ]),
    );
    expect(Object.keys(stacks["consumer-analytics"].output).sort()).toEqual(
      expect.arrayContaining(["billing_writer_connection", "billing_member_ports", "inventory_writer_connection"]),
    );
    expect(Object.keys(stacks["consumer-analytics"].output).some((o) => o.startsWith("orders_"))).toBe(false);
  });

  it("connects each consumer endpoint to its own share's service", () => {
    const endpoints = resources(stacks["consumer-storefront"], "aws_vpc_endpoint");
    const services = endpoints
      .filter((e: Json) => e.vpc_endpoint_type === "Interface")
      .map((e: Json) => e.service_name)
      .sort();
    expect(services).toHaveLength(2);
    expect(services[0]).toMatch(/billing_EndpointService/);
    expect(services[1]).toMatch(/orders_EndpointService/);
    const resource = endpoints.filter((e: Json) => e.vpc_endpoint_type === "Resource");
    expect(resource.map((e: Json) => e.resource_configuration_arn)).toEqual([
      expect.stringMatching(/inventory_ResourceShare_Database/),
    ]);
    // One private zone per friendly name the consumer chose, one per share.
    const zones = resources(stacks["consumer-storefront"], "aws_route53_zone").map((z: Json) => z.name);
    expect(zones).toEqual(
      expect.arrayContaining(["orders.db.internal", "billing.db.internal", "inventory.db.internal"]),
    );
  });
});
