// The Lambda handler: a thin shell that reads the environment, builds the clients, runs one
// sync, logs the report and metrics, and throws on any problem so Lambda retries and alarms.
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { randomUUID } from "crypto";
import { Resolver } from "dns/promises";
import { parseCidr } from "./ipv4";
import { jsonLogger, Logger } from "./log";
import { DEFAULT_TIMING, Report, sync, SyncError, SyncSettings } from "./sync";

export interface LambdaContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

/** Settings from the environment; every missing or malformed variable is named. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): SyncSettings {
  const problems: string[] = [];
  const cluster = env.DB_CLUSTER_IDENTIFIER?.trim();
  const instance = env.DB_INSTANCE_IDENTIFIER?.trim();
  if (!cluster === !instance) problems.push("set exactly one of DB_CLUSTER_IDENTIFIER or DB_INSTANCE_IDENTIFIER");
  const writerTargetGroupArn = env.WRITER_TARGET_GROUP_ARN?.trim() ?? "";
  if (!writerTargetGroupArn.startsWith("arn:")) problems.push("WRITER_TARGET_GROUP_ARN must be a target group ARN");
  const readerTargetGroupArn = env.READER_TARGET_GROUP_ARN?.trim() || undefined;
  if (readerTargetGroupArn && !readerTargetGroupArn.startsWith("arn:")) problems.push("READER_TARGET_GROUP_ARN must be a target group ARN when set");
  const port = Number(env.TARGET_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push("TARGET_PORT must be a port number");
  const cidrTexts = (env.ALLOWED_CIDRS ?? "").split(",").map((c) => c.trim()).filter(Boolean);
  const allowedCidrs = cidrTexts.map(parseCidr);
  if (cidrTexts.length === 0 || allowedCidrs.some((c) => c === undefined)) problems.push("ALLOWED_CIDRS must be comma-separated IPv4 CIDRs");
  if (problems.length > 0) throw new Error(`failover-sync misconfigured: ${problems.join("; ")}`);
  return {
    database: cluster ? { clusterIdentifier: cluster } : { instanceIdentifier: instance! },
    writerTargetGroupArn,
    readerTargetGroupArn,
    port,
    allowedCidrs: allowedCidrs.map((c) => c!),
    ...DEFAULT_TIMING,
  };
}

/** A resolver that asks DNS_SERVERS (ip[:port], comma-separated) when set, else the system's. */
export function resolverFromEnv(env: NodeJS.ProcessEnv): (host: string) => Promise<string> {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  const servers = (env.DNS_SERVERS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (servers.length > 0) resolver.setServers(servers);
  return async (host) => {
    const ips = await resolver.resolve4(host);
    if (ips.length === 0) throw new Error(`no A record for ${host}`);
    return ips[0];
  };
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
  const correlationId = context.awsRequestId ?? randomUUID();
  const database = env.DB_CLUSTER_IDENTIFIER || env.DB_INSTANCE_IDENTIFIER || "unknown";
  const log = jsonLogger({ correlationId, database });
  const started = Date.now();
  try {
    const settings = settingsFromEnv(env);
    // Leave 15 s of the function's timeout for the apply after polling.
    const remaining = context.getRemainingTimeInMillis?.();
    const pollDeadlineMs = remaining ? Math.min(settings.pollDeadlineMs, Math.max(0, remaining - 15_000)) : settings.pollDeadlineMs;
    const report = await sync(event, { ...settings, pollDeadlineMs }, {
      ...awsClients(),
      resolve: resolverFromEnv(env),
      log,
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    finish(log, report);
    return report;
  } catch (e) {
    const report = e instanceof SyncError ? e.report : undefined;
    if (report) finish(log, report);
    log.error("failover sync failed", { error: (e as Error).message, name: (e as Error).name });
    log.metrics({ SyncErrors: 1, SyncDurationMs: Date.now() - started });
    throw e;
  }
}

function finish(log: Logger, report: Report): void {
  log.info("failover sync report", { report });
  const registered = report.writerTargets.registered.length + (report.readerTargets?.registered.length ?? 0);
  const deregistered = report.writerTargets.deregistered.length + (report.readerTargets?.deregistered.length ?? 0);
  log.metrics({
    TargetsRegistered: registered,
    TargetsDeregistered: deregistered,
    WriterChanged: report.writerChanged ? 1 : 0,
    SyncDurationMs: report.durationMs,
    ...(report.problems.length === 0 ? { SyncErrors: 0 } : {}),
  });
}
