// A cluster's Blue/Green deployment, as the function needs it: the green members' addresses
// long before the switchover, so they sit registered and healthy in spare member slots when RDS
// hands them the names, and the switchover moves listeners only.
//
// What RDS documents (RDS API Reference, BlueGreenDeployment and SwitchoverDetail; RDS User
// Guide, "Switching a blue/green deployment"):
// - DescribeBlueGreenDeployments names the source (blue) and target (green) and, per member,
//   SwitchoverDetails with the SourceMember and TargetMember ARNs and a status;
// - a deployment is PROVISIONING, AVAILABLE, SWITCHOVER_IN_PROGRESS, SWITCHOVER_COMPLETED,
//   SWITCHOVER_FAILED, INVALID_CONFIGURATION or DELETING;
// - at the switchover the blue resources are renamed with an -old1 suffix and the green ones
//   take their names; the old blue primary "only allows read operations until it is rebooted".
// What is not documented: how soon each renamed endpoint's DNS record follows. So a member's
// address comes from what the run recorded of the green member before the switchover, and a
// DNS answer that names an address of the other environment is taken as stale.
import {
  type BlueGreenDeployment,
  type DBInstance,
  DescribeBlueGreenDeploymentsCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from "@aws-sdk/client-rds";

/** A deployment's status, as the API gives it. */
export type BlueGreenStatus =
  | "PROVISIONING"
  | "AVAILABLE"
  | "SWITCHOVER_IN_PROGRESS"
  | "SWITCHOVER_COMPLETED"
  | "SWITCHOVER_FAILED"
  | "INVALID_CONFIGURATION"
  | "DELETING"
  | string;

/** An instance of the other environment: green before the switchover, the renamed blue after it. */
export interface OtherMember {
  readonly instance: string;
  /** The member of this cluster it pairs with (SwitchoverDetails), by identifier. */
  readonly pairedWith: string;
  readonly ip: string;
  /** DbiResourceId: it stays with the instance through the rename. */
  readonly resourceId?: string;
}

export interface BlueGreen {
  readonly id: string;
  readonly status: BlueGreenStatus;
  /** The switchover is under way: the writer port is fenced until RDS has renamed the members. */
  readonly switching: boolean;
  /** The switchover is over: this cluster's names now belong to what was green. */
  readonly switched: boolean;
  /** The other environment's instances that have an address; green first-writer-first before the switchover. */
  readonly others: readonly OtherMember[];
  /** Why some were left out (no endpoint yet, DNS failed). */
  readonly problems: readonly string[];
}

const INSTANCE_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:db:(.+)$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:(.+)$/;
/** The identifier an instance ARN names. */
export const instanceIdOf = (arn: string | undefined): string | undefined =>
  arn ? INSTANCE_ARN.exec(arn)?.[1] : undefined;
/** The identifier a cluster ARN names. */
export const clusterIdOf = (arn: string | undefined): string | undefined =>
  arn ? CLUSTER_ARN.exec(arn)?.[1] : undefined;

/**
 * Pairs by RDS's naming when SwitchoverDetails lists the clusters alone: a green instance is
 * named "<blue>-green-<random>" and, after the switchover, the old blue one "<name>-old1" (RDS
 * User Guide, "Creating a blue/green deployment" and "Switching a blue/green deployment").
 */
export function pairByName(
  ours: readonly string[],
  others: readonly string[],
): Array<{ other: string; pairedWith: string }> {
  const pairs: Array<{ other: string; pairedWith: string }> = [];
  for (const other of others) {
    const base = other.replace(/-green-[a-z0-9]+$/, "").replace(/-old\d+$/, "");
    if (base !== other && ours.includes(base)) pairs.push({ other, pairedWith: base });
  }
  return pairs;
}

/** Statuses in which a deployment is over or on its way out: nothing to prepare, nothing to fence. */
const INACTIVE = new Set(["DELETING"]);

/**
 * The deployment this cluster takes part in, as blue (its source) or, after the switchover,
 * under either ARN: one unfiltered DescribeBlueGreenDeployments, matched here, because whether
 * Source and Target follow the rename is not documented.
 */
export async function findDeployment(rds: RDSClient, clusterArn: string): Promise<BlueGreenDeployment | undefined> {
  const found: BlueGreenDeployment[] = [];
  let marker: string | undefined;
  do {
    const page = await rds.send(new DescribeBlueGreenDeploymentsCommand({ Marker: marker }));
    for (const d of page.BlueGreenDeployments ?? [])
      if ((d.Source === clusterArn || d.Target === clusterArn) && !INACTIVE.has(d.Status ?? "")) found.push(d);
    marker = page.Marker;
  } while (marker);
  // The newest, should an old one linger.
  found.sort((a, b) => (b.CreateTime?.getTime() ?? 0) - (a.CreateTime?.getTime() ?? 0));
  return found[0];
}

/**
 * The deployment of this cluster with the other environment's members and addresses; null when
 * there is none. `members` are this cluster's member identifiers now.
 */
export async function readBlueGreen(
  rds: RDSClient,
  resolve: (host: string) => Promise<string>,
  clusterArn: string,
  members: readonly string[],
): Promise<BlueGreen | null> {
  const d = await findDeployment(rds, clusterArn);
  if (!d) return null;
  const status = d.Status ?? "unknown";
  const ours = new Set(members);
  const pairs: Array<{ other: string; pairedWith: string }> = [];
  for (const s of d.SwitchoverDetails ?? []) {
    const [source, target] = [instanceIdOf(s.SourceMember), instanceIdOf(s.TargetMember)];
    if (!source || !target) continue; // the cluster's own pair
    // Before the switchover ours are the sources; after it the names moved: whichever side is not ours now.
    if (ours.has(source) && !ours.has(target)) pairs.push({ other: target, pairedWith: source });
    else if (ours.has(target) && !ours.has(source)) pairs.push({ other: source, pairedWith: target });
  }
  const problems: string[] = [];
  const others: OtherMember[] = [];
  let instances: DBInstance[] = [];
  if (pairs.length > 0) {
    instances =
      (
        await rds.send(
          new DescribeDBInstancesCommand({ Filters: [{ Name: "db-instance-id", Values: pairs.map((p) => p.other) }] }),
        )
      ).DBInstances ?? [];
  }
  const found = new Set(instances.map((i) => i.DBInstanceIdentifier ?? ""));
  if (pairs.length === 0 || pairs.some((p) => !found.has(p.other))) {
    // Only the clusters are paired, or the pairs still name the members as they were before the
    // rename (whether SwitchoverDetails follows it is not documented): list the other cluster's
    // members and pair them by name.
    const listed = clusterIdOf(d.Source === clusterArn ? d.Target : d.Source);
    // After the switchover, if Source and Target did not follow the rename, the old blue cluster is "<name>-old1".
    const candidates = [
      listed,
      ...(status === "SWITCHOVER_COMPLETED" ? [`${clusterIdOf(clusterArn)}-old1`] : []),
    ].filter((c): c is string => c !== undefined);
    for (const otherCluster of [...new Set(candidates)]) {
      instances =
        (
          await rds.send(
            new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: [otherCluster] }] }),
          )
        ).DBInstances ?? [];
      pairs.splice(
        0,
        pairs.length,
        ...pairByName(
          members,
          instances.map((i) => i.DBInstanceIdentifier ?? ""),
        ),
      );
      if (pairs.length > 0) break;
    }
  }
  if (pairs.length > 0) {
    const byId = new Map<string, DBInstance>(instances.map((i) => [i.DBInstanceIdentifier ?? "", i]));
    for (const p of pairs) {
      const address = byId.get(p.other)?.Endpoint?.Address;
      if (!address) {
        problems.push(`Blue/Green ${d.BlueGreenDeploymentIdentifier}: ${p.other} has no endpoint address yet`);
        continue;
      }
      try {
        others.push({
          instance: p.other,
          pairedWith: p.pairedWith,
          ip: await resolve(address),
          resourceId: byId.get(p.other)?.DbiResourceId,
        });
      } catch (e) {
        problems.push(
          `Blue/Green ${d.BlueGreenDeploymentIdentifier}: DNS lookup of ${address} (${p.other}) failed: ${(e as Error).message}`,
        );
      }
    }
  }
  return {
    id: d.BlueGreenDeploymentIdentifier ?? d.BlueGreenDeploymentName ?? "unknown",
    status,
    switching: status === "SWITCHOVER_IN_PROGRESS",
    switched: status === "SWITCHOVER_COMPLETED",
    others,
    problems,
  };
}
