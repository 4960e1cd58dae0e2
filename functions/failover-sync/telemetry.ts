// What a run tells the outside: the log interface the core writes to, and the metrics a report
// turns into. The handler feeds both to Powertools; the alarms read the same names.

export const METRIC_NAMESPACE = "RdsPrivateLink";
/** Powertools adds it as the "service" dimension of every metric, next to Database. */
export const SERVICE_NAME = "failover-sync";

export const METRICS = {
  registered: "TargetsRegistered",
  deregistered: "TargetsDeregistered",
  switches: "ListenerSwitches",
  writerChanged: "WriterChanged",
  fallback: "WriterFallbackRegistrations",
  writerHealthy: "WriterHealthyTargets",
  errors: "SyncErrors",
  duration: "SyncDurationMs",
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];
export type MetricValues = Partial<Record<MetricName, number>>;

/** The dimensions of every metric the function emits: the alarms must name the same. */
export function metricDimensions(databaseIdentifier: string): Record<string, string> {
  return { service: SERVICE_NAME, Database: databaseIdentifier };
}

export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const SILENT: Log = { info: () => undefined, error: () => undefined };

/** The metrics of one run, finished or failed; emitted once per run. */
export function runMetrics(
  report:
    | {
        readonly registrations: number;
        readonly deregistrations: number;
        readonly switches: readonly unknown[];
        readonly writerChanged: boolean;
        readonly fallback: string | null;
        readonly writerHealthyTargets: number;
        readonly problems: readonly string[];
        readonly durationMs: number;
      }
    | undefined,
  failedAfterMs: number,
  failed: boolean,
): MetricValues {
  if (!report) return { [METRICS.errors]: 1, [METRICS.duration]: failedAfterMs };
  return {
    [METRICS.registered]: report.registrations,
    [METRICS.deregistered]: report.deregistrations,
    [METRICS.switches]: report.switches.length,
    [METRICS.writerChanged]: report.writerChanged ? 1 : 0,
    [METRICS.fallback]: report.fallback ? 1 : 0,
    [METRICS.writerHealthy]: report.writerHealthyTargets,
    [METRICS.errors]: failed || report.problems.length > 0 ? 1 : 0,
    [METRICS.duration]: report.durationMs,
  };
}
