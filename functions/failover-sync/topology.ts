// Who is the writer, who are the other members, and their IPs: from the RDS API and a fresh DNS
// lookup of each instance's own address. The cluster endpoint's DNS answer is read too, never to
// choose the writer (it flips late) but as a second witness of a writer change: how consistent one
// DescribeDBClusters answer is, AWS does not document.
import type { EC2Client } from "@aws-sdk/client-ec2";
import {
  type DBCluster,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from "@aws-sdk/client-rds";
import { Resolver } from "node:dns/promises";
import { type DatabaseRef, ENV } from "./environment";
import type { Member } from "./plan";
import { findStandby, type StandbyFinding } from "./standby";
import { type BlueGreen, readBlueGreen } from "./blue-green";

/** What a run remembers between its reads: the green members' addresses by DbiResourceId, recorded before a switchover. */
export type RecordedAddresses = Map<string, string>;

export interface Topology {
  /** Cluster or instance status, e.g. available or failing-over. */
  readonly status: string;
  /** null when the writer cannot be determined: then nothing is changed. */
  readonly writer: Member | null;
  /**
   * Every member that has not left (the writer included, transient states too, each with its
   * state), best failover candidate first: by promotion tier, then identifier. null when the
   * set cannot be determined.
   */
  readonly members: Member[] | null;
  /** What kept the writer or members unknown; any entry makes the run fail loudly. */
  readonly problems: string[];
  /** Cluster only: the IP the cluster (writer) endpoint resolves to now; null when unknown. */
  readonly endpointIp?: string | null;
  /** What a watching run compares between polls: status, writer and members as one string. */
  readonly signature?: string;
  /** Multi-AZ DB instance with standby discovery: the standby's address, or why none was taken. */
  readonly standby?: StandbyFinding;
  /** Cluster: its Blue/Green deployment, when it has one. */
  readonly blueGreen?: BlueGreen;
  /** Cluster: its ARN, by which its Blue/Green deployment is found. */
  readonly arn?: string;
}

/** A cluster's status, writer and members from DescribeDBClusters alone: what a watching run polls. */
export interface ClusterHead {
  readonly status: string;
  readonly signature: string;
}

export type Resolve = (hostname: string) => Promise<string>;
/** Every address a name resolves to now: an RDS Proxy endpoint has one per subnet of the proxy. */
export type ResolveAll = (hostname: string) => Promise<string[]>;

/** A resolver that asks DNS_SERVERS (ip[:port], comma-separated) when set, else the system's. */
export function resolverFromEnv(env: NodeJS.ProcessEnv): Resolve {
  const all = resolveAllFromEnv(env);
  return async (host) => (await all(host))[0];
}

/** resolverFromEnv's lookup, answering every A record, in DNS's order. */
export function resolveAllFromEnv(env: NodeJS.ProcessEnv): ResolveAll {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  const servers = (env[ENV.dnsServers] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (servers.length > 0) resolver.setServers(servers);
  return async (host) => {
    const ips = await resolver.resolve4(host);
    if (ips.length === 0) throw new Error(`no A record for ${host}`);
    return ips;
  };
}

// A member in these states has left, or cannot serve until someone acts: it is neither a writer
// nor a reader, and its targets go. Every other state (available, modifying, rebooting,
// upgrading, backing-up, configuring-*, maintenance, ...) is transient: the member keeps its
// targets, and the NLB's health checks decide whether it serves (RDS User Guide, "Viewing
// Amazon RDS DB instance status").
const GONE_STATES = new Set([
  "deleting",
  "failed",
  "stopped",
  "stopping",
  "inaccessible-encryption-credentials",
  "inaccessible-encryption-credentials-recoverable",
  "incompatible-network",
  "incompatible-option-group",
  "incompatible-parameters",
  "incompatible-restore",
  "restore-error",
  "storage-full",
]);

/** Multi-AZ DB instance: the EC2 client that finds the standby's interface; absent: discovery is off. */
export async function readTopology(
  rds: RDSClient,
  resolve: Resolve,
  db: DatabaseRef,
  ec2?: EC2Client,
  recorded: RecordedAddresses = new Map(),
): Promise<Topology> {
  return db.kind === "cluster"
    ? readCluster(rds, resolve, db.identifier, recorded)
    : readInstance(rds, resolve, db.identifier, ec2);
}

function signatureOf(cluster: DBCluster): string {
  const members = (cluster.DBClusterMembers ?? [])
    .map((m) => `${m.DBInstanceIdentifier}${m.IsClusterWriter ? "*" : ""}`)
    .sort();
  // The resource ID changes when a Blue/Green switchover hands the cluster's name to green, whose members carry the same names.
  return `${cluster.Status ?? "unknown"}|${cluster.DbClusterResourceId ?? ""}|${members.join(",")}`;
}

/** One DescribeDBClusters call: enough to see a failover start, a writer change or a member come or go. */
export async function readClusterHead(rds: RDSClient, id: string): Promise<ClusterHead | null> {
  const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];
  return cluster ? { status: cluster.Status ?? "unknown", signature: signatureOf(cluster) } : null;
}

async function readCluster(
  rds: RDSClient,
  resolve: Resolve,
  id: string,
  recorded: RecordedAddresses,
): Promise<Topology> {
  const clusters = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
  const cluster = clusters.DBClusters?.[0];
  if (!cluster) return { status: "missing", writer: null, members: null, problems: [`cluster ${id} not found`] };
  const status = cluster.Status ?? "unknown";
  const signature = signatureOf(cluster);
  if (status === "failing-over") {
    return {
      status,
      writer: null,
      members: null,
      problems: [`cluster ${id} is failing over; waiting for the new writer`],
      signature,
    };
  }
  const listedIds = (cluster.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? "").filter(Boolean);
  const blueGreen = cluster.DBClusterArn
    ? ((await readBlueGreen(rds, resolve, cluster.DBClusterArn, listedIds)) ?? undefined)
    : undefined;
  const arn = cluster.DBClusterArn;
  if (blueGreen?.switching) {
    return {
      status: "switching-over",
      writer: null,
      members: null,
      problems: [
        `cluster ${id} is switching over to its Blue/Green deployment ${blueGreen.id}; waiting for RDS to hand the names to green`,
      ],
      signature,
      blueGreen,
      arn,
    };
  }
  // After the switchover, an address of the other environment in a member's DNS answer is a stale record.
  const otherIps = blueGreen?.switched
    ? new Map(blueGreen.others.map((o) => [o.ip, o.instance]))
    : new Map<string, string>();
  const endpointIp = cluster.Endpoint ? await resolve(cluster.Endpoint).catch(() => null) : null;
  // One call for every member, filtered by cluster: the steady state stays small.
  const instances = await rds.send(
    new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: [id] }] }),
  );
  const byId = new Map((instances.DBInstances ?? []).map((i) => [i.DBInstanceIdentifier ?? "", i]));
  const problems: string[] = [];
  const listed = cluster.DBClusterMembers ?? [];
  const writerId = listed.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
  if (!writerId) {
    // A global database's secondary cluster (or a cross-region replica cluster) has no writer in
    // this region: nothing is changed, so the writer port keeps its last target, now read-only.
    const secondary = cluster.ReplicationSourceIdentifier || cluster.GlobalWriteForwardingStatus;
    problems.push(
      secondary
        ? `cluster ${id} reports no writer: it is a secondary (replicating from ${cluster.ReplicationSourceIdentifier ?? "a global database's primary"}); the writer port keeps its last target, which is read-only now. Point writers at the primary's share, or fail the global database back`
        : `cluster ${id} reports no writer`,
    );
  }

  let writer: Member | null = null;
  let members: Member[] | null = [];
  let staleWriter = false;
  const ranked = [...listed].sort(
    (a, b) =>
      (a.PromotionTier ?? 15) - (b.PromotionTier ?? 15) ||
      (a.DBInstanceIdentifier ?? "").localeCompare(b.DBInstanceIdentifier ?? ""),
  );
  for (const m of ranked) {
    const instanceId = m.DBInstanceIdentifier;
    if (!instanceId) continue;
    const instance = byId.get(instanceId);
    const state = instance?.DBInstanceStatus ?? "";
    const address = instance?.Endpoint?.Address;
    const isWriter = instanceId === writerId;
    if (isWriter && !address) problems.push(`writer ${instanceId} has no endpoint address yet`);
    else if (isWriter && GONE_STATES.has(state)) problems.push(`writer ${instanceId} is ${state}`);
    if (!address || GONE_STATES.has(state)) continue;
    const known = instance?.DbiResourceId ? recorded.get(instance.DbiResourceId) : undefined;
    let member = known
      ? { instance: instanceId, ip: known, ...(state ? { state } : {}) }
      : await lookup(resolve, instanceId, address, problems, state);
    if (member && !known && otherIps.has(member.ip)) {
      problems.push(
        `DNS of ${address} (${instanceId}) still answers ${member.ip}, the address of ${otherIps.get(member.ip)} of the old environment: waiting for the record to follow the Blue/Green switchover`,
      );
      member = null;
      if (isWriter) staleWriter = true;
    }
    // A member that cannot be resolved makes the set unknown: never drop a live member on a guess.
    if (member === null) members = null;
    else members?.push(member);
    if (isWriter) writer = member;
  }
  // A writer whose name still resolves to the old environment is unknown: the planner fences the port if it serves the old environment, and holds it otherwise.
  if (staleWriter)
    return {
      status,
      writer: null,
      members: null,
      problems,
      endpointIp,
      signature,
      arn,
      ...(blueGreen ? { blueGreen } : {}),
    };
  // A reader that cannot be resolved holds membership changes back, never the writer's switch.
  return {
    status,
    writer,
    members: writer ? members : null,
    problems,
    endpointIp,
    signature,
    arn,
    ...(blueGreen ? { blueGreen } : {}),
  };
}

async function readInstance(rds: RDSClient, resolve: Resolve, id: string, ec2?: EC2Client): Promise<Topology> {
  const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  const instance = out.DBInstances?.[0];
  if (!instance) return { status: "missing", writer: null, members: null, problems: [`instance ${id} not found`] };
  const status = instance.DBInstanceStatus ?? "unknown";
  const problems: string[] = [];
  const address = instance.Endpoint?.Address;
  let writer: Member | null = null;
  if (!address) problems.push(`instance ${id} has no endpoint address yet`);
  else if (GONE_STATES.has(status)) problems.push(`instance ${id} is ${status}`);
  // A Multi-AZ instance keeps its name across a failover; its address moves to the standby.
  else writer = await lookup(resolve, id, address, problems, status);
  // Whatever the primary's DNS answer (before or after a failover, fresh or a TTL old), the two
  // interfaces are the same pair: the standby's target is registered long before it is needed.
  const standby = ec2 && writer ? await findStandby(ec2, instance, writer.ip) : undefined;
  return { status, writer, members: writer ? [writer] : null, problems, ...(standby ? { standby } : {}) };
}

async function lookup(
  resolve: Resolve,
  instance: string,
  address: string,
  problems: string[],
  state: string,
): Promise<Member | null> {
  try {
    return { instance, ip: await resolve(address), ...(state ? { state } : {}) };
  } catch (e) {
    problems.push(`DNS lookup of ${address} (${instance}) failed: ${(e as Error).message}`);
    return null;
  }
}
