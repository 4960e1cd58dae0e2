// The one contract between the construct that deploys the function and the handler that runs
// it: the variable names, how the construct writes them (toEnvironment) and how the handler
// reads them back (parseEnvironment). Nothing else names these variables.
import { type Cidr, parseCidr } from "./ipv4";
import type { TargetLayout } from "./layout";

export const ENV = {
  clusterIdentifier: "DB_CLUSTER_IDENTIFIER",
  instanceIdentifier: "DB_INSTANCE_IDENTIFIER",
  targetPort: "TARGET_PORT",
  allowedCidrs: "ALLOWED_CIDRS",
  writerListenerArn: "WRITER_LISTENER_ARN",
  readerListenerArn: "READER_LISTENER_ARN",
  memberTargetGroups: "MEMBER_TARGET_GROUPS",
  readerSetTargetGroups: "READER_SET_TARGET_GROUPS",
  warmReaderSets: "WARM_READER_SETS",
  fenceTargetGroup: "FENCE_TARGET_GROUP",
  watchSeconds: "WATCH_SECONDS",
  writerTargetGroupArn: "WRITER_TARGET_GROUP_ARN",
  /** Multi-AZ DB instance: "1" registers the standby's network interface beside the primary (topology.ts, findStandby). */
  standbyDiscovery: "STANDBY_DISCOVERY",
  readerTargetGroupArn: "READER_TARGET_GROUP_ARN",
  /** RDS Proxy mode: the proxy whose endpoints' addresses the writer and reader groups hold (proxy.ts). */
  proxyName: "DB_PROXY_NAME",
  /** RDS Proxy mode: the proxy's read-only endpoint, whose addresses the reader group holds; unset: the proxy's own endpoint. */
  proxyReaderEndpoint: "DB_PROXY_READER_ENDPOINT",
  /** Test only: ip[:port] of DNS servers to ask instead of the system's. */
  dnsServers: "DNS_SERVERS",
} as const;

/** Lambda refuses an environment larger than 4 KB (all names and values together). */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

export type DatabaseRef =
  | { readonly kind: "cluster"; readonly identifier: string }
  | { readonly kind: "instance"; readonly identifier: string };

/** The layout as the function reads it: every group and listener by its ARN. */
export type TargetArns = TargetLayout<string, string>;

export interface FunctionEnvironment {
  readonly database: DatabaseRef;
  readonly targets: TargetArns;
  /** The database port: every target is registered on it. */
  readonly port: number;
  /** Only IPs inside these are ever registered. */
  readonly allowedCidrs: readonly Cidr[];
  /** Cluster only: how many reader sets are kept populated (provider.failover.warmReaderSets); undefined: all. */
  readonly warmReaderSets?: number;
  /** How long a run of the run queue keeps watching the database (provider.failover.watchSeconds); undefined: not at all. */
  readonly watchSeconds?: number;
  /** Multi-AZ DB instance: find the standby's address and keep it registered (provider.failover.standbyDiscovery). */
  readonly standbyDiscovery?: boolean;
  /**
   * RDS Proxy mode: the groups (an instance layout) hold the proxy's addresses, and the proxy
   * follows the database's failovers itself; the database is named for the report and metrics only.
   */
  readonly proxy?: ProxyRef;
}

/** The proxy in front of the database, by name, and its read-only endpoint when the reader port uses one. */
export interface ProxyRef {
  readonly name: string;
  readonly readerEndpoint?: string;
}

/** A target group as the construct holds it; LbTargetGroup fits. */
export interface GroupArn {
  readonly arn: string;
  /** targetgroup/<name>/<id>: a cluster's groups are passed so (see EnvironmentInput). */
  readonly arnSuffix: string;
}

/**
 * What the construct writes. Values may be Terraform tokens. Target groups of a cluster are
 * passed as ARN suffixes (targetgroup/<name>/<id>) and rebuilt from the listener's ARN: 32
 * full ARNs would not fit Lambda's 4 KB.
 */
export interface EnvironmentInput {
  readonly database: DatabaseRef;
  readonly port: string;
  readonly allowedCidrs: readonly string[];
  /** The load balancer's layout (LoadBalancer.targets fits). */
  readonly targets: TargetLayout<GroupArn, { readonly arn: string }>;
  /** Written for a cluster with a reader port only: the other layouts have no reader sets. */
  readonly warmReaderSets?: number;
  readonly watchSeconds?: number;
  /** Multi-AZ DB instance only. */
  readonly standbyDiscovery?: boolean;
  /** RDS Proxy mode, with an instance layout: the groups hold the proxy's addresses. */
  readonly proxy?: ProxyRef;
}

export function toEnvironment(input: EnvironmentInput): Record<string, string> {
  const { database, targets } = input;
  const env: Record<string, string> = {
    [database.kind === "cluster" ? ENV.clusterIdentifier : ENV.instanceIdentifier]: database.identifier,
    [ENV.targetPort]: input.port,
    [ENV.allowedCidrs]: input.allowedCidrs.join(","),
    ...(input.watchSeconds !== undefined ? { [ENV.watchSeconds]: String(input.watchSeconds) } : {}),
  };
  if (targets.kind === "cluster") {
    env[ENV.writerListenerArn] = targets.writerListener.arn;
    env[ENV.memberTargetGroups] = targets.memberGroups.map((g) => g.arnSuffix).join(",");
    if (targets.fenceGroup) env[ENV.fenceTargetGroup] = targets.fenceGroup.arnSuffix;
    if (targets.readerListener) {
      env[ENV.readerListenerArn] = targets.readerListener.arn;
      env[ENV.readerSetTargetGroups] = targets.readerSetGroups.map((g) => g.arnSuffix).join(",");
      if (input.warmReaderSets !== undefined) env[ENV.warmReaderSets] = String(input.warmReaderSets);
    }
  } else {
    env[ENV.writerTargetGroupArn] = targets.writerGroup.arn;
    if (targets.readerGroup) env[ENV.readerTargetGroupArn] = targets.readerGroup.arn;
    if (input.standbyDiscovery) env[ENV.standbyDiscovery] = "1";
    if (input.proxy) {
      env[ENV.proxyName] = input.proxy.name;
      if (input.proxy.readerEndpoint !== undefined) env[ENV.proxyReaderEndpoint] = input.proxy.readerEndpoint;
    }
  }
  return env;
}

const isArn = (s: string, resource: string) =>
  new RegExp(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:${resource}/`).test(s);
const list = (s: string | undefined) =>
  (s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** Reads the environment back; every missing or malformed variable is named in one error. */
export function parseEnvironment(env: NodeJS.ProcessEnv): FunctionEnvironment {
  const problems: string[] = [];
  const get = (name: string) => env[name]?.trim() || undefined;
  const cluster = get(ENV.clusterIdentifier);
  const instance = get(ENV.instanceIdentifier);
  if (!cluster === !instance) problems.push(`set exactly one of ${ENV.clusterIdentifier} or ${ENV.instanceIdentifier}`);
  const port = Number(get(ENV.targetPort));
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`${ENV.targetPort} must be a port number`);
  const cidrTexts = list(get(ENV.allowedCidrs));
  const allowedCidrs = cidrTexts.map(parseCidr);
  if (cidrTexts.length === 0 || allowedCidrs.some((c) => c === undefined))
    problems.push(`${ENV.allowedCidrs} must be comma-separated IPv4 CIDRs`);

  let targets: TargetArns;
  let warmReaderSets: number | undefined;
  // With a proxy, a cluster too has the two groups of an instance layout: the proxy follows its writer.
  const proxyName = get(ENV.proxyName);
  if (cluster && proxyName === undefined) {
    const writerListenerArn = get(ENV.writerListenerArn) ?? "";
    if (!isArn(writerListenerArn, "listener")) problems.push(`${ENV.writerListenerArn} must be a listener ARN`);
    const readerListenerArn = get(ENV.readerListenerArn);
    if (readerListenerArn && !isArn(readerListenerArn, "listener"))
      problems.push(`${ENV.readerListenerArn} must be a listener ARN when set`);
    // Target groups live in the listener's account and region: rebuild their ARNs from its prefix.
    const prefix = writerListenerArn.split(":").slice(0, 5).join(":");
    const groups = (name: string) => {
      const suffixes = list(get(name));
      if (suffixes.some((s) => !/^targetgroup\/[\w-]{1,32}\/[0-9a-f]+$/.test(s)))
        problems.push(`${name} must be comma-separated target group ARN suffixes (targetgroup/<name>/<id>)`);
      return suffixes.map((s) => `${prefix}:${s}`);
    };
    const memberGroups = groups(ENV.memberTargetGroups);
    if (memberGroups.length === 0)
      problems.push(`${ENV.memberTargetGroups} must list at least one member target group`);
    const readerSetGroups = readerListenerArn ? groups(ENV.readerSetTargetGroups) : [];
    if (readerListenerArn && (readerSetGroups.length === 0 || readerSetGroups.length > memberGroups.length)) {
      problems.push(
        `${ENV.readerSetTargetGroups} must list from 1 to ${memberGroups.length} reader-set groups (one per member target group at most)`,
      );
    }
    const fenceGroups = get(ENV.fenceTargetGroup) === undefined ? [] : groups(ENV.fenceTargetGroup);
    if (fenceGroups.length > 1) problems.push(`${ENV.fenceTargetGroup} must be one target group ARN suffix`);
    const warmText = get(ENV.warmReaderSets);
    warmReaderSets = warmText === undefined ? undefined : Number(warmText);
    if (warmReaderSets !== undefined && (!Number.isInteger(warmReaderSets) || warmReaderSets < 1))
      problems.push(`${ENV.warmReaderSets} must be a whole number of at least 1 when set`);
    targets = {
      kind: "cluster",
      writerListener: writerListenerArn,
      readerListener: readerListenerArn,
      memberGroups,
      readerSetGroups,
      ...(fenceGroups[0] ? { fenceGroup: fenceGroups[0] } : {}),
    };
  } else {
    const writerTargetGroupArn = get(ENV.writerTargetGroupArn) ?? "";
    if (!isArn(writerTargetGroupArn, "targetgroup"))
      problems.push(`${ENV.writerTargetGroupArn} must be a target group ARN`);
    const readerTargetGroupArn = get(ENV.readerTargetGroupArn);
    if (readerTargetGroupArn && !isArn(readerTargetGroupArn, "targetgroup"))
      problems.push(`${ENV.readerTargetGroupArn} must be a target group ARN when set`);
    targets = { kind: "instance", writerGroup: writerTargetGroupArn, readerGroup: readerTargetGroupArn };
  }
  const watchText = get(ENV.watchSeconds);
  const watchSeconds = watchText === undefined ? undefined : Number(watchText);
  if (watchSeconds !== undefined && (!Number.isInteger(watchSeconds) || watchSeconds < 0))
    problems.push(`${ENV.watchSeconds} must be a whole number of seconds, 0 or more, when set`);
  const standby = get(ENV.standbyDiscovery);
  if (standby !== undefined && (standby !== "1" || cluster))
    problems.push(`${ENV.standbyDiscovery} must be "1" when set, and only for a Multi-AZ DB instance`);
  const proxyReaderEndpoint = get(ENV.proxyReaderEndpoint);
  // RDS names: a letter first, then letters, digits and single hyphens, at most 63 (RDS API Reference, CreateDBProxy, CreateDBProxyEndpoint).
  const rdsName = (s: string) => /^[A-Za-z](?:-?[A-Za-z0-9])*$/.test(s) && s.length <= 63;
  if (proxyName !== undefined && !rdsName(proxyName))
    problems.push(`${ENV.proxyName} must be a DB proxy name when set`);
  if (proxyReaderEndpoint !== undefined && (!rdsName(proxyReaderEndpoint) || proxyName === undefined))
    problems.push(
      `${ENV.proxyReaderEndpoint} must be a DB proxy endpoint name when set, and only with ${ENV.proxyName}`,
    );
  if (proxyName !== undefined && standby !== undefined)
    problems.push(
      `${ENV.standbyDiscovery} does not apply with ${ENV.proxyName}: the groups hold the proxy's addresses`,
    );
  if (problems.length > 0) throw new MisconfiguredError(`failover-sync misconfigured: ${problems.join("; ")}`);
  return {
    database: cluster ? { kind: "cluster", identifier: cluster } : { kind: "instance", identifier: instance! },
    targets,
    port,
    allowedCidrs: allowedCidrs.map((c) => c!),
    ...(warmReaderSets !== undefined ? { warmReaderSets } : {}),
    ...(watchSeconds !== undefined ? { watchSeconds } : {}),
    ...(standby === "1" ? { standbyDiscovery: true } : {}),
    ...(proxyName !== undefined
      ? {
          proxy: {
            name: proxyName,
            ...(proxyReaderEndpoint !== undefined ? { readerEndpoint: proxyReaderEndpoint } : {}),
          },
        }
      : {}),
  };
}

/** The function's environment is wrong: no run can succeed until a deploy fixes it. */
export class MisconfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MisconfiguredError";
  }
}
