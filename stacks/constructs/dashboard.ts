// The share's CloudWatch dashboard: target health, traffic, the failover function and its alarms.
// Every metric names a resource of this stack by reference; nothing is typed in by hand.
//
// Where the numbers come from (AWS docs, as read for this construct):
// - The load balancer's metrics come from the load balancer (load-balancer-metrics.ts, which
//   says what AWS publishes). None is per listener, so traffic per listener port comes from the
//   VPC flow log.
// - AWS/PrivateLinkServices publishes connections and bytes per endpoint service and per
//   consumer endpoint ("CloudWatch metrics for AWS PrivateLink"); a search expression lists
//   every endpoint, so a new consumer shows up without a new deploy.
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { dashboardName, type ShareNames } from "../../config/names";
import { Construct } from "constructs";
import { METRIC_NAMESPACE, metricDimensions, METRICS } from "../../functions/failover-sync/telemetry";
import { GROUP_LABELS } from "../group-labels";
import type { DatabaseRef } from "./database";
import type { ProxyMetrics } from "./database-proxy";
import type { LoadBalancer } from "./load-balancer";
import { metricRow } from "./metric";

export interface DashboardProps {
  /** Whose names AWS keeps unique beyond the stack (config/names.ts): the config, and the share within it. */
  readonly nameScope: ShareNames;
  readonly region: string;
  readonly database: DatabaseRef;
  /** Listener ports, for the flow-log query: writer, reader, then member and reader-set ports. */
  readonly ports: number[];
  /** The provider VPC's flow log group; without it (an existing VPC) the traffic-per-port widget is left out. */
  readonly flowLogGroupName?: string;
  /** endpoint-service transport. */
  readonly loadBalancer?: LoadBalancer;
  readonly endpointServiceId?: string;
  readonly failover?: { readonly functionName: string; readonly deadLetterQueueName: string };
  readonly alarmArns?: string[];
  /** resource transport: the database port the resource gateway reaches. */
  readonly databasePort?: number;
  /** endpoint-service transport behind an RDS Proxy: the proxy's metrics. */
  readonly proxy?: ProxyMetrics;
}

/** What a transport gives the dashboard (stacks/transports/); the provider stack adds the rest. */
export type TransportDashboard = Omit<DashboardProps, "nameScope" | "region" | "database" | "flowLogGroupName">;

/** A metric widget's row: namespace, name, dimension pairs and options, or a search expression. */
type MetricRow = (string | Record<string, unknown>)[];
export interface Widget {
  readonly type: "metric" | "alarm" | "log" | "text";
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

const PERIOD = 60;

export class Dashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly dashboardName: string;
  /** The console address of the dashboard. */
  readonly url: string;
  /** The widgets as written into the body, in order. */
  readonly widgets: Widget[] = [];

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { region, loadBalancer } = props;
    // Dashboards are global per account: the region keeps one share's two regions apart.
    this.dashboardName = dashboardName({ ...props.nameScope, region });
    const metric = (title: string, metrics: MetricRow[], extra: Record<string, unknown> = {}) =>
      this.add("metric", { title, region, view: "timeSeries", period: PERIOD, metrics, ...extra });

    if (loadBalancer) {
      const lb = loadBalancer.metrics;
      const groups = groupsOf(loadBalancer);
      metric(
        "Healthy targets per target group",
        groups.map(({ label, group }) => metricRow(lb.healthyHostCount(group), { label })),
        { stat: "Minimum" },
      );
      metric(
        "Unhealthy targets per target group",
        groups.map(({ label, group }) => metricRow(lb.unhealthyHostCount(group), { label })),
        { stat: "Maximum" },
      );
      metric("Load balancer flows", [
        metricRow(lb.activeFlowCount(), { label: "active flows", stat: "Average" }),
        metricRow(lb.newFlowCount(), { label: "new flows", stat: "Sum" }),
        metricRow(lb.tcpTargetResetCount(), { label: "target resets", stat: "Sum" }),
      ]);
      metric("Load balancer bytes", [metricRow(lb.processedBytes(), { label: "processed bytes", stat: "Sum" })]);
    }
    if (props.flowLogGroupName) {
      // One row per listener port: accepted flow-log records and their bytes, from the provider VPC.
      const ports = props.databasePort !== undefined ? [props.databasePort] : props.ports;
      this.add("log", {
        title: loadBalancer
          ? "Traffic per listener port (VPC flow log)"
          : "Traffic to the database port (VPC flow log)",
        region,
        view: "table",
        query: `SOURCE '${props.flowLogGroupName}' | filter action = "ACCEPT" and dstPort in [${ports.join(", ")}] | stats count(*) as records, sum(bytes) as bytes by dstPort | sort dstPort`,
      });
    }
    if (props.endpointServiceId) {
      const search = (metricName: string, stat: string, label: string) => ({
        expression: `SEARCH('{AWS/PrivateLinkServices,"Service Id","VPC Endpoint Id"} MetricName="${metricName}" "Service Id"="${props.endpointServiceId}"', '${stat}', ${PERIOD})`,
        label,
        id: metricName === "BytesProcessed" ? "bytes" : metricName === "NewConnections" ? "newconn" : "active",
      });
      metric("Connections per consumer endpoint", [
        [search("ActiveConnections", "Average", "active")],
        [search("NewConnections", "Sum", "new")],
      ]);
      metric("Bytes per consumer endpoint", [[search("BytesProcessed", "Sum", "bytes")]]);
    }
    const database = props.database;
    metric("Database connections", [
      database.kind === "cluster"
        ? [
            "AWS/RDS",
            "DatabaseConnections",
            "DBClusterIdentifier",
            database.identifier,
            { label: "cluster", stat: "Average" },
          ]
        : [
            "AWS/RDS",
            "DatabaseConnections",
            "DBInstanceIdentifier",
            database.identifier,
            { label: "instance", stat: "Average" },
          ],
    ]);
    if (props.proxy) {
      const proxy = props.proxy;
      metric("RDS Proxy connections", [
        metricRow(proxy.clientConnections(), { label: "client connections", stat: "Sum" }),
        metricRow(proxy.databaseConnections(), { label: "database connections", stat: "Sum" }),
        // Pinned sessions keep a database connection each: the proxy cannot share it (docs/proxy.md).
        metricRow(proxy.pinnedSessions(), { label: "pinned sessions", stat: "Sum" }),
      ]);
      metric(
        "RDS Proxy availability (%)",
        [
          metricRow(proxy.availability("READ_WRITE"), { label: "read/write", stat: "Minimum" }),
          metricRow(proxy.availability("READ_ONLY"), { label: "read-only", stat: "Minimum" }),
        ],
        { yAxis: { left: { min: 0, max: 100 } } },
      );
    }
    if (props.failover) {
      const fn = props.failover.functionName;
      const own = (metricName: string, stat: string) => {
        const dims = metricDimensions(database.identifier);
        return [
          METRIC_NAMESPACE,
          metricName,
          "service",
          dims.service,
          "Database",
          dims.Database,
          { label: metricName, stat },
        ];
      };
      metric("Failover function runs and errors", [
        ["AWS/Lambda", "Invocations", "FunctionName", fn, { label: "runs", stat: "Sum" }],
        ["AWS/Lambda", "Errors", "FunctionName", fn, { label: "errors", stat: "Sum" }],
        own(METRICS.errors, "Sum"),
        own(METRICS.writerChanged, "Sum"),
      ]);
      metric("Failover switches and registrations", [
        own(METRICS.switches, "Sum"),
        own(METRICS.registered, "Sum"),
        own(METRICS.deregistered, "Sum"),
        own(METRICS.fallback, "Sum"),
      ]);
      metric("Failover run duration (ms) and healthy writer targets", [
        own(METRICS.duration, "Maximum"),
        own(METRICS.writerHealthy, "Minimum"),
      ]);
      metric("Dead-letter queue depth", [
        [
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          "QueueName",
          props.failover.deadLetterQueueName,
          { label: "failed events waiting", stat: "Maximum" },
        ],
      ]);
    }
    if (props.alarmArns && props.alarmArns.length > 0) {
      this.add("alarm", { title: "Alarms", alarms: props.alarmArns }, 24, 3);
    }

    this.dashboard = new CloudwatchDashboard(this, "Dashboard", {
      dashboardName: this.dashboardName,
      // Plain JSON with Terraform references inside its strings: the body reads as CloudWatch
      // documents it, and a test can parse it to check every reference.
      dashboardBody: JSON.stringify({ widgets: this.widgets }),
    });
    this.url = dashboardUrl(region, this.dashboardName);
  }

  private add(type: Widget["type"], properties: Record<string, unknown>, width = 12, height = 6): void {
    this.widgets.push({ type, width, height, properties });
  }
}

/** The CloudWatch console's address of a dashboard. */
export function dashboardUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${name}`;
}

/** Every target group with the name an operator knows it by: member slot i, reader set i, writer, reader. */
export function groupsOf(loadBalancer: LoadBalancer): Array<{ label: string; group: LbTargetGroup }> {
  const layout = loadBalancer.targets;
  if (layout.kind === "cluster") {
    return [
      ...layout.memberGroups.map((group, i) => ({ label: GROUP_LABELS.memberSlot(i), group })),
      ...layout.readerSetGroups.map((group, i) => ({ label: GROUP_LABELS.readerSet(i), group })),
    ];
  }
  return [
    { label: GROUP_LABELS.writer, group: layout.writerGroup },
    ...(layout.readerGroup ? [{ label: GROUP_LABELS.reader, group: layout.readerGroup }] : []),
  ];
}
