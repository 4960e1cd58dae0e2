// Who is the writer, who are the readers, and their IPs: from the RDS API and a fresh DNS
// lookup of each instance's own address. Cluster DNS is never used: it flips late.
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { Member } from "./plan";

export type DatabaseRef = { readonly clusterIdentifier: string } | { readonly instanceIdentifier: string };

export interface Topology {
  /** Cluster or instance status, e.g. available or failing-over. */
  readonly status: string;
  /** null when the writer cannot be determined; its target group is then left alone. */
  readonly writer: Member | null;
  /** null when the reader set cannot be determined; its target group is then left alone. */
  readonly readers: Member[] | null;
  /** What kept the writer or readers unknown; any entry makes the run fail loudly. */
  readonly problems: string[];
}

export type Resolve = (hostname: string) => Promise<string>;

// Members in these states serve no traffic and are not readers.
const READER_STATES = new Set(["available"]);
// A writer in these states is gone or going; registering it would help no one.
const DEAD_WRITER_STATES = new Set(["deleting", "failed", "stopped", "stopping", "inaccessible-encryption-credentials", "incompatible-network"]);

export async function readTopology(rds: RDSClient, resolve: Resolve, db: DatabaseRef): Promise<Topology> {
  return "clusterIdentifier" in db ? readCluster(rds, resolve, db.clusterIdentifier) : readInstance(rds, resolve, db.instanceIdentifier);
}

async function readCluster(rds: RDSClient, resolve: Resolve, id: string): Promise<Topology> {
  const clusters = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
  const cluster = clusters.DBClusters?.[0];
  if (!cluster) return { status: "missing", writer: null, readers: null, problems: [`cluster ${id} not found`] };
  const status = cluster.Status ?? "unknown";
  // One call for every member, filtered by cluster: the steady state stays at 4 AWS calls.
  const instances = await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: [id] }] }));
  const byId = new Map((instances.DBInstances ?? []).map((i) => [i.DBInstanceIdentifier ?? "", i]));
  const problems: string[] = [];
  if (status === "failing-over") {
    return { status, writer: null, readers: null, problems: [`cluster ${id} is failing over; waiting for the new writer`] };
  }
  const members = cluster.DBClusterMembers ?? [];
  const writerId = members.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
  let writer: Member | null = null;
  if (!writerId) {
    problems.push(`cluster ${id} reports no writer`);
  } else {
    const instance = byId.get(writerId);
    const address = instance?.Endpoint?.Address;
    if (!address) problems.push(`writer ${writerId} has no endpoint address yet`);
    else if (DEAD_WRITER_STATES.has(instance?.DBInstanceStatus ?? "")) problems.push(`writer ${writerId} is ${instance?.DBInstanceStatus}`);
    else writer = await lookup(resolve, writerId, address, problems);
  }
  let readers: Member[] | null = [];
  for (const m of members) {
    const instanceId = m.DBInstanceIdentifier;
    if (!instanceId || instanceId === writerId) continue;
    const instance = byId.get(instanceId);
    const address = instance?.Endpoint?.Address;
    if (!address || !READER_STATES.has(instance?.DBInstanceStatus ?? "")) continue;
    const member = await lookup(resolve, instanceId, address, problems);
    // A reader that cannot be resolved makes the set unknown: never drop a live reader on a guess.
    if (member === null) readers = null;
    else if (readers !== null) readers.push(member);
  }
  return { status, writer, readers, problems };
}

async function readInstance(rds: RDSClient, resolve: Resolve, id: string): Promise<Topology> {
  const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  const instance = out.DBInstances?.[0];
  if (!instance) return { status: "missing", writer: null, readers: null, problems: [`instance ${id} not found`] };
  const status = instance.DBInstanceStatus ?? "unknown";
  const problems: string[] = [];
  const address = instance.Endpoint?.Address;
  let writer: Member | null = null;
  if (!address) problems.push(`instance ${id} has no endpoint address yet`);
  else if (DEAD_WRITER_STATES.has(status)) problems.push(`instance ${id} is ${status}`);
  // A Multi-AZ instance keeps its name across a failover; its address moves to the standby.
  else writer = await lookup(resolve, id, address, problems);
  return { status, writer, readers: [], problems };
}

async function lookup(resolve: Resolve, instance: string, address: string, problems: string[]): Promise<Member | null> {
  try {
    return { instance, ip: await resolve(address) };
  } catch (e) {
    problems.push(`DNS lookup of ${address} (${instance}) failed: ${(e as Error).message}`);
    return null;
  }
}
