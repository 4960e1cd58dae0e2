// The Lambda handler: a thin shell that reads the environment, builds the clients, runs one
// sync, logs the report, emits the run's metrics once, and throws on any problem so Lambda
// retries and the alarms fire.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { randomUUID } from "crypto";
import { ENV, parseEnvironment } from "./environment";
import { runEvent } from "./events";
import { DEFAULT_TIMING, Report, sync, SyncError, SyncSettings } from "./sync";
import { METRIC_NAMESPACE, METRICS, runMetrics, SERVICE_NAME } from "./telemetry";
import { resolverFromEnv } from "./topology";

export interface LambdaContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

/** Settings from the environment; every missing or malformed variable is named. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): SyncSettings {
  return { ...parseEnvironment(env), ...DEFAULT_TIMING };
}

// Clients live across invocations of a warm container; AWS_REGION and AWS_ENDPOINT_URL
// are honoured by the SDK itself. Standard retries back off on throttling and 5xx.
let clients: { rds: RDSClient; elb: ElasticLoadBalancingV2Client } | undefined;
function awsClients() {
  clients ??= { rds: new RDSClient({ maxAttempts: 5 }), elb: new ElasticLoadBalancingV2Client({ maxAttempts: 5 }) };
  return clients;
}

export async function handler(event: unknown, context: LambdaContext = {}): Promise<Report> {
  const env = process.env;
  const database = env[ENV.clusterIdentifier] || env[ENV.instanceIdentifier] || "unknown";
  const logger = new Logger({ serviceName: SERVICE_NAME, persistentKeys: { correlationId: context.awsRequestId ?? randomUUID(), database } });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME, defaultDimensions: { Database: database } });
  const started = Date.now();
  let report: Report | undefined;
  let failed = false;
  try {
    const settings = settingsFromEnv(env);
    // Leave 15 s of the function's timeout for the apply after polling.
    const remaining = context.getRemainingTimeInMillis?.();
    const pollDeadlineMs = remaining ? Math.min(settings.pollDeadlineMs, Math.max(0, remaining - 15_000)) : settings.pollDeadlineMs;
    // The run queue delivers batches of EventBridge events: one run acts on the most urgent.
    report = await sync(runEvent(event), { ...settings, pollDeadlineMs }, {
      ...awsClients(),
      resolve: resolverFromEnv(env),
      log: { info: (m, f = {}) => logger.info(m, f), error: (m, f = {}) => logger.error(m, f) },
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    logger.info("failover sync report", { report });
    return report;
  } catch (e) {
    failed = true;
    report = e instanceof SyncError ? e.report : undefined;
    if (report) logger.info("failover sync report", { report });
    logger.error("failover sync failed", { error: (e as Error).message, name: (e as Error).name });
    throw e;
  } finally {
    // Once per run, whatever happened: a failed run is counted, never written twice.
    for (const [name, value] of Object.entries(runMetrics(report, Date.now() - started, failed))) {
      metrics.addMetric(name, name === METRICS.duration ? MetricUnit.Milliseconds : MetricUnit.Count, value);
    }
    metrics.publishStoredMetrics();
  }
}
