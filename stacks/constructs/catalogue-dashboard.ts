// The dashboard of the whole config when it holds several shares (provider.shares): a link to
// each share's own dashboard, and side by side what tells an operator which share needs a look:
// database connections, the failover functions' errors and dead letters, and every share's
// alarms. The single-database form has no such dashboard: its share's dashboard is the config's.
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Construct } from "constructs";
import { dashboardName } from "../../config/names";
import { type Dashboard, dashboardUrl, type Widget } from "./dashboard";
import type { DatabaseRef } from "./database";

/** What the catalogue shows of one share. */
export interface CatalogueEntry {
  readonly name: string;
  readonly database: DatabaseRef;
  readonly dashboard: Dashboard;
  /** endpoint-service: the failover function and its dead-letter queue. */
  readonly failover?: { readonly functionName: string; readonly deadLetterQueueName: string };
  readonly alarmArns?: string[];
}

export interface CatalogueDashboardProps {
  /** The config's name: the dashboard is <name>-privatelink-<region>, which no share's (<name>_<share>-...) can be. */
  readonly name: string;
  readonly region: string;
  readonly shares: CatalogueEntry[];
}

const PERIOD = 60;

export class CatalogueDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly dashboardName: string;
  readonly url: string;
  readonly widgets: Widget[] = [];

  constructor(scope: Construct, id: string, props: CatalogueDashboardProps) {
    super(scope, id);
    const { region, shares } = props;
    this.dashboardName = dashboardName({ share: props.name, region });
    const links = shares.map(
      (s) =>
        `- [${s.name}](#dashboards/dashboard/${s.dashboard.dashboardName}): ${s.database.kind} ${s.database.identifier}`,
    );
    this.widgets.push({
      type: "text",
      width: 24,
      height: 2 + shares.length,
      properties: { markdown: `## ${props.name}: ${shares.length} shares\n${links.join("\n")}` },
    });
    const metric = (title: string, metrics: unknown[][], stat: string) =>
      this.widgets.push({
        type: "metric",
        width: 12,
        height: 6,
        properties: { title, region, view: "timeSeries", period: PERIOD, stat, metrics },
      });
    metric(
      "Database connections per share",
      shares.map((s) => [
        "AWS/RDS",
        "DatabaseConnections",
        s.database.kind === "cluster" ? "DBClusterIdentifier" : "DBInstanceIdentifier",
        s.database.identifier,
        { label: s.name },
      ]),
      "Average",
    );
    const failover = shares.filter((s) => s.failover);
    if (failover.length > 0) {
      metric(
        "Failover function errors per share",
        failover.map((s) => ["AWS/Lambda", "Errors", "FunctionName", s.failover!.functionName, { label: s.name }]),
        "Sum",
      );
      metric(
        "Dead-letter queue depth per share",
        failover.map((s) => [
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          "QueueName",
          s.failover!.deadLetterQueueName,
          { label: s.name },
        ]),
        "Maximum",
      );
    }
    const alarms = shares.flatMap((s) => s.alarmArns ?? []);
    if (alarms.length > 0)
      this.widgets.push({
        type: "alarm",
        width: 24,
        height: 3,
        properties: { title: "Alarms of every share", alarms },
      });
    this.dashboard = new CloudwatchDashboard(this, "Dashboard", {
      dashboardName: this.dashboardName,
      dashboardBody: JSON.stringify({ widgets: this.widgets }),
    });
    this.url = dashboardUrl(region, this.dashboardName);
  }
}
