// Structured JSON logs with a correlation id, and metrics as CloudWatch EMF log lines.

export const METRIC_NAMESPACE = "RdsPrivateLink";

export type Metrics = Partial<Record<"TargetsRegistered" | "TargetsDeregistered" | "SyncErrors" | "WriterChanged" | "SyncDurationMs", number>>;

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  metrics(values: Metrics): void;
}

export function jsonLogger(context: { correlationId: string; database: string }, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ level, message, timestamp: new Date().toISOString(), correlationId: context.correlationId, database: context.database, ...fields }));
  return {
    info: (m, f) => line("INFO", m, f),
    error: (m, f) => line("ERROR", m, f),
    metrics: (values) =>
      write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [
              {
                Namespace: METRIC_NAMESPACE,
                Dimensions: [["Database"]],
                Metrics: Object.keys(values).map((Name) => ({ Name, Unit: Name === "SyncDurationMs" ? "Milliseconds" : "Count" })),
              },
            ],
          },
          Database: context.database,
          correlationId: context.correlationId,
          ...values,
        }),
      ),
  };
}
