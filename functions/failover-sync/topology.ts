// Who is the writer, who are the other members, and their IPs: from the RDS API and a fresh DNS
// lookup of each instance's own address. The cluster endpoint's DNS answer is read too, never to
// choose the writer (it flips late) but as a second witness of a writer change: how consistent one
// DescribeDBClusters answer is, AWS does not document.
import { DBCluster, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { Resolver } from "dns/promises";
import { DatabaseRef, ENV } from "./environment";
import { Member } from "./plan";

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
}

/** A cluster's status, writer and members from DescribeDBClusters alone: what a watching run polls. */
export interface ClusterHead {
  readonly status: string;
  readonly signature: string;
}

export type Resolve = (hostname: string) => Promise<string>;

/** A resolver that asks DNS_SERVERS (ip[:port], comma-separated) when set, else the system's. */
export function resolverFromEnv(env: NodeJS.ProcessEnv): Resolve {
  const resolver = new Resolver({ timeout: 2000, tries: 2 });
  const servers = (env[ENV.dnsServers] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (servers.length > 0) resolver.setServers(servers);
  return async (host) => {
    const ips = await resolver.resolve4(host);
    if (ips.length === 0) throw new Error(`no A record for ${host}`);
    return ips[0];
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

export async function readTopology(rds: RDSClient, resolve: Resolve, db: DatabaseRef): Promise<Topology> {
  return db.kind === "cluster" ? readCluster(rds, resolve, db.identifier) : readInstance(rds, resolve, db.identifier);
}

function signatureOf(cluster: DBCluster): string {
  const members = (cluster.DBClusterMembers ?? []).map((m) => `${m.DBInstanceIdentifier}${m.IsClusterWriter ? "*" : ""}`).sort();
  return `${cluster.Status ?? "unknown"}|${members.join(",")}`;
}

/** One DescribeDBClusters call: enough to see a failover start, a writer change or a member come or go. */
export async function readClusterHead(rds: RDSClient, id: string): Promise<ClusterHead | null> {
  const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];
  return cluster ? { status: cluster.Status ?? "unknown", signature: signatureOf(cluster) } : null;
}

async function readCluster(rds: RDSClient, resolve: Resolve, id: string): Promise<Topology> {
  const clusters = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
  const cluster = clusters.DBClusters?.[0];
  if (!cluster) return { status: "missing", writer: null, members: null, problems: [`cluster ${id} not found`] };
  const status = cluster.Status ?? "unknown";
  const signature = signatureOf(cluster);
  if (status === "failing-over") {
    return { status, writer: null, members: null, problems: [`cluster ${id} is failing over; waiting for the new writer`], signature };
  }
  const endpointIp = cluster.Endpoint ? await resolve(cluster.Endpoint).catch(() => null) : null;
  // One call for every member, filtered by cluster: the steady state stays small.
  const instances = await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: [id] }] }));
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
  const ranked = [...listed].sort((a, b) => (a.PromotionTier ?? 15) - (b.PromotionTier ?? 15) || (a.DBInstanceIdentifier ?? "").localeCompare(b.DBInstanceIdentifier ?? ""));
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
    const member = await lookup(resolve, instanceId, address, problems, state);
    // A member that cannot be resolved makes the set unknown: never drop a live member on a guess.
    if (member === null) members = null;
    else members?.push(member);
    if (isWriter) writer = member;
  }
  // A reader that cannot be resolved holds membership changes back, never the writer's switch.
  return { status, writer, members: writer ? members : null, problems, endpointIp, signature };
}

async function readInstance(rds: RDSClient, resolve: Resolve, id: string): Promise<Topology> {
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
  return { status, writer, members: writer ? [writer] : null, problems };
}

async function lookup(resolve: Resolve, instance: string, address: string, problems: string[], state: string): Promise<Member | null> {
  try {
    return { instance, ip: await resolve(address), ...(state ? { state } : {}) };
  } catch (e) {
    problems.push(`DNS lookup of ${address} (${instance}) failed: ${(e as Error).message}`);
    return null;
  }
}
