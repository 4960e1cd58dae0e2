// The Lambda handler: a thin shell that reads the environment, builds the clients, runs one
// sync, logs the report and emits the run's metrics once. A run of the run queue never fails
// its batch for a fault (throttling, 5xx, a timeout, a bug): a failed batch would hold the
// queue's one message group, and with it every later event and the schedule, for the
// visibility timeout. It reports, alarms through SyncErrors and lets the batch go; the next
// trigger starts over. Only a misconfigured environment, which no run can get past, fails the
// batch, so that its messages end in the dead-letter queue. A direct invocation (the deploy, an
// operator) throws on any problem, so the caller sees it.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { randomUUID } from "node:crypto";
import { ENV, MisconfiguredError, parseEnvironment } from "./environment";
import { isQueueBatch, runEvent } from "./events";
import { DEFAULT_TIMING, type Report, sync, SyncError, type SyncSettings } from "./sync";
import { METRIC_NAMESPACE, METRICS, runMetrics, SERVICE_NAME } from "./telemetry";
import { type Resolve, type ResolveAll, resolveAllFromEnv, resolverFromEnv } from "./topology";
import { RetryUntilDeadline } from "./retry";

export interface LambdaContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

/** Settings from the environment; every missing or malformed variable is named. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): SyncSettings {
  return { ...parseEnvironment(env), ...DEFAULT_TIMING };
}

/** Time kept back from Lambda's timeout: the run stops starting calls this long before it. */
export const DEADLINE_MARGIN_MS = 15_000;
/** A call that takes longer than this is abandoned and retried (a timeout is a transient error). */
export const REQUEST_TIMEOUT_MS = 5000;

export interface AwsClients {
  readonly rds: RDSClient;
  readonly elb: ElasticLoadBalancingV2Client;
  /**
   * Finds a Multi-AZ DB instance's standby interface (provider.failover.standbyDiscovery). A
   * factory: the EC2 client's module is most of the bundle's start-up time, and only a run that
   * looks for a standby loads it.
   */
  readonly ec2?: () => EC2Client;
  /** Calls retried so far by the clients' retry strategy. */
  readonly retries?: () => number;
}

// Clients live across invocations of a warm container; AWS_REGION and AWS_ENDPOINT_URL are
// honoured by the SDK itself. Their retries read the running invocation's deadline.
let clients: AwsClients | undefined;
let runDeadline = Infinity;
function awsClients(deadline: number): AwsClients {
  runDeadline = deadline;
  if (!clients) {
    const retryStrategy = new RetryUntilDeadline({
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      deadline: () => runDeadline,
    });
    const config = { retryStrategy, requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: 2000 } };
    let ec2: EC2Client | undefined;
    clients = {
      rds: new RDSClient(config),
      elb: new ElasticLoadBalancingV2Client(config),
      // Required on first use, so a cold start without standby discovery never evaluates it (bench/function.ts).
      ec2: () =>
        (ec2 ??= new (require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2")).EC2Client(config)),
      retries: () => retryStrategy.retries,
    };
  }
  return clients;
}

/** What the handler takes from the world. Lambda gets the real ones; a simulation its own. */
export interface HandlerDeps {
  readonly env: NodeJS.ProcessEnv;
  /** The clients for one run; their retries stop at `deadline` (epoch ms). */
  readonly clients: (deadline: number) => AwsClients;
  readonly resolve?: Resolve;
  readonly resolveAll?: ResolveAll;
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
export function createHandler(
  deps: HandlerDeps = LAMBDA,
): (event: unknown, context?: LambdaContext) => Promise<Report | undefined> {
  return (event, context = {}) => run(event, context, deps);
}

export const handler = createHandler();

async function run(event: unknown, context: LambdaContext, deps: HandlerDeps): Promise<Report | undefined> {
  const env = deps.env;
  const database = env[ENV.clusterIdentifier] || env[ENV.instanceIdentifier] || "unknown";
  const logger = new Logger({
    serviceName: SERVICE_NAME,
    persistentKeys: { correlationId: context.awsRequestId ?? randomUUID(), database },
  });
  const metrics = new Metrics({
    namespace: METRIC_NAMESPACE,
    serviceName: SERVICE_NAME,
    defaultDimensions: { Database: database },
  });
  const started = deps.now();
  let report: Report | undefined;
  let failed = false;
  try {
    const settings = settingsFromEnv(env);
    const remaining = context.getRemainingTimeInMillis?.();
    const deadline = remaining === undefined ? Infinity : started + Math.max(0, remaining - DEADLINE_MARGIN_MS);
    // The run queue delivers batches of EventBridge events: one run acts on the most urgent.
    // Only a run of the run queue watches: the next one is queued behind it. A direct caller
    // (the deploy, an operator) waits for the answer.
    const watchSeconds = isQueueBatch(event) ? settings.watchSeconds : 0;
    report = await sync(
      runEvent(event),
      { ...settings, watchSeconds, deadline },
      {
        ...deps.clients(deadline),
        resolve: deps.resolve ?? resolverFromEnv(env),
        resolveAll: deps.resolveAll ?? resolveAllFromEnv(env),
        log: { info: (m, f = {}) => logger.info(m, f), error: (m, f = {}) => logger.error(m, f) },
        now: deps.now,
        sleep: deps.sleep,
      },
    );
    logger.info("failover sync report", { report });
    return report;
  } catch (e) {
    failed = true;
    report = e instanceof SyncError ? e.report : undefined;
    if (report) logger.info("failover sync report", { report });
    logger.error("failover sync failed", { error: (e as Error).message, name: (e as Error).name });
    if (isQueueBatch(event) && !(e instanceof MisconfiguredError)) return report;
    throw e;
  } finally {
    // Once per run, whatever happened: a failed run is counted, never written twice.
    for (const [name, value] of Object.entries(runMetrics(report, deps.now() - started, failed))) {
      metrics.addMetric(name, name === METRICS.duration ? MetricUnit.Milliseconds : MetricUnit.Count, value);
    }
    metrics.publishStoredMetrics();
  }
}
