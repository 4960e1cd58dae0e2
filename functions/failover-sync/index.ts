// The Lambda handler: a thin shell that reads the environment, builds the clients, runs one
// sync, logs the report, emits the run's metrics once, and throws on any problem so Lambda
// retries and the alarms fire.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { randomUUID } from "crypto";
import { ENV, parseEnvironment } from "./environment";
import { isQueueBatch, runEvent } from "./events";
import { DEFAULT_TIMING, Report, sync, SyncError, SyncSettings } from "./sync";
import { METRIC_NAMESPACE, METRICS, runMetrics, SERVICE_NAME } from "./telemetry";
import { Resolve, resolverFromEnv } from "./topology";

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

/** What the handler takes from the world. Lambda gets the real ones; a simulation its own. */
export interface HandlerDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly clients: () => { rds: RDSClient; elb: ElasticLoadBalancingV2Client };
  readonly resolve?: Resolve;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const LAMBDA: HandlerDeps = {
  get env() {
    return process.env;
  },
  clients: awsClients,
  now: Date.now,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** The handler over the given world; `handler` is this over Lambda's. */
export function createHandler(deps: HandlerDeps = LAMBDA): (event: unknown, context?: LambdaContext) => Promise<Report> {
  return (event, context = {}) => run(event, context, deps);
}

export const handler = createHandler();

async function run(event: unknown, context: LambdaContext, deps: HandlerDeps): Promise<Report> {
  const env = deps.env;
  const database = env[ENV.clusterIdentifier] || env[ENV.instanceIdentifier] || "unknown";
  const logger = new Logger({ serviceName: SERVICE_NAME, persistentKeys: { correlationId: context.awsRequestId ?? randomUUID(), database } });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME, defaultDimensions: { Database: database } });
  const started = deps.now();
  let report: Report | undefined;
  let failed = false;
  try {
    const settings = settingsFromEnv(env);
    // Leave 15 s of the function's timeout for the apply after polling and settling.
    const remaining = context.getRemainingTimeInMillis?.();
    const cap = (ms: number) => (remaining ? Math.min(ms, Math.max(0, remaining - 15_000)) : ms);
    // The run queue delivers batches of EventBridge events: one run acts on the most urgent.
    report = await sync(runEvent(event), { ...settings, pollDeadlineMs: cap(settings.pollDeadlineMs), settleDeadlineMs: cap(settings.settleDeadlineMs) }, {
      ...deps.clients(),
      resolve: deps.resolve ?? resolverFromEnv(env),
      log: { info: (m, f = {}) => logger.info(m, f), error: (m, f = {}) => logger.error(m, f) },
      now: deps.now,
      sleep: deps.sleep,
    });
    logger.info("failover sync report", { report });
    return report;
  } catch (e) {
    failed = true;
    report = e instanceof SyncError ? e.report : undefined;
    if (report) logger.info("failover sync report", { report });
    logger.error("failover sync failed", { error: (e as Error).message, name: (e as Error).name });
    // A run from the run queue that got as far as its report has applied what it could; its
    // problems are in the log and in SyncErrors, which the sync-errors alarm watches. Failing the
    // batch would hold every later event of the one message group back for the visibility
    // timeout, while the schedule tries again within reconcileEveryMinutes. Anything else (an
    // API that kept failing) fails the batch: the queue redelivers it, then dead-letters it.
    if (report && isQueueBatch(event)) return report;
    throw e;
  } finally {
    // Once per run, whatever happened: a failed run is counted, never written twice.
    for (const [name, value] of Object.entries(runMetrics(report, deps.now() - started, failed))) {
      metrics.addMetric(name, name === METRICS.duration ? MetricUnit.Milliseconds : MetricUnit.Count, value);
    }
    metrics.publishStoredMetrics();
  }
}
