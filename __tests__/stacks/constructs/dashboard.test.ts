// The dashboard, in the provider stack it belongs to: every widget's metric names a resource of
// this stack by reference, every target group and alarm is on it, and in resource mode only what
// that transport has.
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { EXISTING_NETWORK, type Json, resources, synthesize } from "../../helpers";
import { toResourceTransport } from "../../terraform/matrix";

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g;

function dashboardOf(provider: Json): { widgets: Json[]; references: string[]; body: string } {
  const [dashboard] = resources(provider, CloudwatchDashboard.tfResourceType);
  const body: string = dashboard.dashboard_body;
  const references = [...body.matchAll(REFERENCE)].map((m) => `${m[1]}.${m[2]}`);
  return { widgets: JSON.parse(body).widgets, references, body };
}

/** The resources (type.name) a stack declares. */
function declared(provider: Json): Set<string> {
  const names = new Set<string>();
  for (const [type, byName] of Object.entries(provider.resource ?? {}))
    for (const name of Object.keys(byName as object)) names.add(`${type}.${name}`);
  return names;
}

/** Every metric row of every metric widget, without its options object. */
function metricRows(widgets: Json[]): string[][] {
  return widgets
    .filter((w) => w.type === "metric")
    .flatMap((w) => w.properties.metrics.map((row: Json[]) => row.filter((x) => typeof x === "string")));
}

describe("dashboard, endpoint-service transport (demo: a cluster with two member slots)", () => {
  // Two slots, so that the figures below stay readable: the default is 16 (fields.ts).
  const provider = synthesize((c) => (c.provider.failover.memberSlots = 2)).json.provider;
  const { widgets, references, body } = dashboardOf(provider);

  it("is named <name>-privatelink and its console address is an output", () => {
    const [dashboard] = resources(provider, CloudwatchDashboard.tfResourceType);
    expect(dashboard.dashboard_name).toBe("orders-privatelink-us-east-1");
    expect(provider.output.dashboard_url.value).toBe(
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/orders-privatelink-us-east-1",
    );
  });

  it("refers only to resources of this stack, and types no ARN, id or name by hand", () => {
    const inStack = declared(provider);
    expect(references.length).toBeGreaterThan(20);
    expect(references.filter((r) => !inStack.has(r))).toEqual([]);
    expect(body).not.toMatch(/arn:aws|vpce-svc-|targetgroup\/|orders-failover/);
    for (const row of metricRows(widgets)) {
      // namespace, metric name, then dimension name/value pairs: each value is a reference,
      // or the function's fixed service dimension.
      for (let i = 3; i < row.length; i += 2) expect(row[i]).toMatch(/^\$\{[^}]+\}$|^failover-sync$/);
    }
  });

  it("shows healthy and unhealthy targets of every target group that holds targets, and not the fence group", () => {
    const all = Object.keys(provider.resource.aws_lb_target_group);
    // The fence group never holds a target: a chart of it would always read zero.
    expect(all.filter((name) => name.startsWith("LoadBalancer_FenceTargetGroup_"))).toHaveLength(1);
    const groups = all
      .filter((name) => !name.startsWith("LoadBalancer_FenceTargetGroup_"))
      .map((name) => `\${aws_lb_target_group.${name}.arn_suffix}`);
    expect(groups).toHaveLength(4);
    for (const metric of ["HealthyHostCount", "UnHealthyHostCount"]) {
      const shown = metricRows(widgets)
        .filter((r) => r[1] === metric)
        .map((r) => r[r.indexOf("TargetGroup") + 1]);
      expect(shown.sort()).toEqual([...groups].sort());
    }
  });

  it("shows the load balancer's flows and bytes, traffic per listener port, and connections and bytes per consumer endpoint", () => {
    const rows = metricRows(widgets);
    expect(rows.filter((r) => r[0] === "AWS/NetworkELB").map((r) => r[1])).toEqual(
      expect.arrayContaining(["ActiveFlowCount_TCP", "NewFlowCount_TCP", "ProcessedBytes_TCP"]),
    );
    const log = widgets.find((w) => w.type === "log");
    expect(log.properties.query).toMatch(
      /^SOURCE '\$\{aws_cloudwatch_log_group\.Network_FlowLog_LogGroup_[A-F0-9]+\.name\}'/,
    );
    expect(log.properties.query).toContain("dstPort in [3306, 3307, 3316, 3317, 3318, 3319]");
    const searches = widgets
      .flatMap((w) => (w.properties.metrics ?? []).flat())
      .filter((m: Json) => m?.expression)
      .map((m: Json) => m.expression);
    expect(searches).toHaveLength(3);
    for (const metric of ["ActiveConnections", "NewConnections", "BytesProcessed"]) {
      expect(searches).toContainEqual(
        expect.stringContaining(
          `{AWS/PrivateLinkServices,"Service Id","VPC Endpoint Id"} MetricName="${metric}" "Service Id"="\${aws_vpc_endpoint_service.`,
        ),
      );
    }
  });

  it("shows the failover function's runs, errors, own metrics and dead-letter depth", () => {
    const rows = metricRows(widgets);
    const names = rows.map((r) => `${r[0]}/${r[1]}`);
    for (const name of ["AWS/Lambda/Invocations", "AWS/Lambda/Errors", "AWS/SQS/ApproximateNumberOfMessagesVisible"])
      expect(names).toContain(name);
    for (const metric of [
      "SyncErrors",
      "WriterChanged",
      "SyncDurationMs",
      "ListenerSwitches",
      "TargetsRegistered",
      "TargetsDeregistered",
      "WriterFallbackRegistrations",
    ]) {
      expect(names).toContain(`RdsPrivateLink/${metric}`);
    }
    // The function's dimensions, exactly as the alarms name them.
    const alarm = resources(provider, "aws_cloudwatch_metric_alarm").find((a) => a.metric_name === "SyncErrors");
    const row = rows.find((r) => r[1] === "SyncErrors")!;
    expect({ service: row[3], Database: row[5] }).toEqual(alarm.dimensions);
  });

  it("shows the state of every alarm", () => {
    const alarmWidget = widgets.find((w) => w.type === "alarm");
    const alarms = Object.keys(provider.resource.aws_cloudwatch_metric_alarm).map(
      (name) => `\${aws_cloudwatch_metric_alarm.${name}.arn}`,
    );
    expect(alarms.length).toBeGreaterThanOrEqual(5);
    expect([...alarmWidget.properties.alarms].sort()).toEqual(alarms.sort());
  });
});

describe("dashboard, other layouts", () => {
  it("shows a Multi-AZ instance's writer and reader groups by role", () => {
    const provider = synthesize((c) => {
      c.provider.database = { engine: "postgres", create: { deletionProtection: false } };
      c.provider.ports = { writer: 5432, reader: 5433 };
    }).json.provider;
    const { widgets } = dashboardOf(provider);
    const health = widgets.find((w) => w.properties.title === "Healthy targets per target group");
    expect(health.properties.metrics.map((r: Json[]) => r[r.length - 1].label)).toEqual(["writer", "reader"]);
  });

  it("leaves the flow-log widget out for an existing VPC, whose flow log this stack does not own", () => {
    const provider = synthesize((c) => (c.provider.network = EXISTING_NETWORK)).json.provider;
    expect(dashboardOf(provider).widgets.map((w) => w.type)).not.toContain("log");
  });

  it("in resource mode, shows the database and its port's traffic, and nothing of a load balancer, function or alarm", () => {
    const provider = synthesize(toResourceTransport).json.provider;
    const { widgets, references } = dashboardOf(provider);
    const inStack = declared(provider);
    expect(references.filter((r) => !inStack.has(r))).toEqual([]);
    expect(widgets.map((w) => w.properties.title)).toEqual([
      "Traffic to the database port (VPC flow log)",
      "Database connections",
    ]);
    expect(widgets[0].properties.query).toContain("dstPort in [3306]");
    expect(provider.output.dashboard_url.value).toContain("#dashboards/dashboard/orders-privatelink-us-east-1");
  });
});
