// One CloudWatch metric in the shape alarms and dashboards share. A resource that publishes
// metrics hands them out in this shape (load-balancer-metrics.ts), so that its namespace and
// dimensions are written in one place.

/** Where a metric lives and what it is about. The statistic and period are the reader's choice. */
export interface Metric {
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension name to value, in the order a dashboard row lists them. */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A dashboard widget's metric row: namespace, name, each dimension's name and value, then the options. */
export function metricRow(metric: Metric, options: Record<string, unknown>): (string | Record<string, unknown>)[] {
  return [metric.namespace, metric.metricName, ...Object.entries(metric.dimensions).flat(), options];
}
