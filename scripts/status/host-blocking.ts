// MySQL host blocking, the check of the database's parameter groups that a transport fronting
// the database with a load balancer's health checks composes (transports/endpoint-service.ts):
// the read through the RDS API, and the decision over what it returned.
import {
  DescribeDBClusterParametersCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBParametersCommand,
  type Parameter,
  type RDSClient,
} from "@aws-sdk/client-rds";
import { type CurrentTarget, isDraining } from "../../functions/failover-sync/plan";
import {
  ENGINE_DEFAULT_MAX_CONNECT_ERRORS,
  MAX_CONNECT_ERRORS,
  MAX_CONNECT_ERRORS_PARAMETER,
} from "../../stacks/constructs/instance-parameters";
import type { Finding, FixContext } from "./finding";
import type { ProviderObservationBase } from "./transports/transport";

/**
 * max_connect_errors as one parameter group of the database holds it (MySQL family only): each
 * NLB node's TCP health checks count against it, so a low value gets node addresses blocked.
 */
export interface ObservedConnectErrors {
  /** "db": a DB parameter group (Aurora MySQL's instance level, an RDS for MySQL instance); "cluster": a Multi-AZ DB cluster's. */
  readonly kind: "db" | "cluster";
  readonly group: string;
  /** The instances that use the group (for a Multi-AZ DB cluster, the cluster). */
  readonly usedBy: string[];
  /** What the server runs with: the group's value, or the engine default when the group leaves it to the engine. null when it is not a whole number. */
  readonly value: number | null;
  /** The group's value as RDS returns it; undefined when RDS returns none (engine default). */
  readonly raw?: string;
  /** As RDS reports it: user, system or engine-default. */
  readonly source: string;
  /** Users whose instance has not applied the group yet, with RDS's ParameterApplyStatus (pending-reboot, applying, ...). */
  readonly notApplied: Array<{ readonly instance: string; readonly status: string }>;
}

export interface ObservedHostBlocking {
  /** Whether this project created the database (a deploy restores the value) or looks it up. */
  readonly created: boolean;
  readonly groups: ObservedConnectErrors[];
  /** Why the groups could not be read (the error of the call). */
  readonly unread?: string;
}

/** What the decision needs of the provider: its database, its members and the groups its health checks probe from. */
export type HostBlockingScope = Pick<ProviderObservationBase, "stack" | "database" | "topology"> & {
  readonly groups: ReadonlyArray<{ readonly targets: readonly CurrentTarget[] }>;
};

/**
 * max_connect_errors of every parameter group the database's instances use. Aurora MySQL and a
 * Multi-AZ instance keep it in the instances' DB parameter groups (Aurora: an instance-level
 * parameter); a Multi-AZ DB cluster in its DB cluster parameter group, which applies to all
 * its instances. A call that fails is reported, not thrown: the other checks still stand.
 */
export async function readHostBlocking(
  rds: RDSClient,
  db: {
    readonly kind: "cluster" | "instance";
    readonly identifier: string;
    readonly engine: string;
    readonly created: boolean;
  },
): Promise<ObservedHostBlocking> {
  try {
    if (db.kind === "cluster" && db.engine === "mysql") {
      const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: db.identifier })))
        .DBClusters?.[0];
      const group = cluster?.DBClusterParameterGroup;
      if (!group)
        return {
          created: db.created,
          groups: [],
          unread: `cluster ${db.identifier} reports no DB cluster parameter group`,
        };
      const notApplied = (cluster.DBClusterMembers ?? [])
        .filter((m) => m.DBClusterParameterGroupStatus && m.DBClusterParameterGroupStatus !== "in-sync")
        .map((m) => ({ instance: m.DBInstanceIdentifier ?? "?", status: m.DBClusterParameterGroupStatus! }));
      const parameter = await findParameter((Marker) =>
        rds.send(
          new DescribeDBClusterParametersCommand({ DBClusterParameterGroupName: group, Filters: byName, Marker }),
        ),
      );
      return { created: db.created, groups: [connectErrors("cluster", group, [db.identifier], parameter, notApplied)] };
    }
    const instances =
      (
        await rds.send(
          db.kind === "cluster"
            ? new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: [db.identifier] }] })
            : new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.identifier }),
        )
      ).DBInstances ?? [];
    const byGroup = new Map<string, { usedBy: string[]; notApplied: Array<{ instance: string; status: string }> }>();
    for (const instance of instances) {
      const id = instance.DBInstanceIdentifier ?? "?";
      for (const g of instance.DBParameterGroups ?? []) {
        if (!g.DBParameterGroupName) continue;
        const entry = byGroup.get(g.DBParameterGroupName) ?? { usedBy: [], notApplied: [] };
        entry.usedBy.push(id);
        if (g.ParameterApplyStatus && g.ParameterApplyStatus !== "in-sync")
          entry.notApplied.push({ instance: id, status: g.ParameterApplyStatus });
        byGroup.set(g.DBParameterGroupName, entry);
      }
    }
    const groups: ObservedConnectErrors[] = [];
    for (const [group, { usedBy, notApplied }] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
      const parameter = await findParameter((Marker) =>
        rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: group, Filters: byName, Marker })),
      );
      groups.push(connectErrors("db", group, usedBy.sort(), parameter, notApplied));
    }
    return { created: db.created, groups };
  } catch (e) {
    return { created: db.created, groups: [], unread: (e as Error).message.split("\n")[0] };
  }
}

const byName = [{ Name: "parameter-name", Values: [MAX_CONNECT_ERRORS_PARAMETER] }];

/** The parameter from every page; the name is matched here too, in case a filter is not applied. */
async function findParameter(
  page: (marker?: string) => Promise<{ Parameters?: Parameter[]; Marker?: string }>,
): Promise<Parameter | undefined> {
  let marker: string | undefined;
  do {
    const out = await page(marker);
    const found = (out.Parameters ?? []).find((p) => p.ParameterName === MAX_CONNECT_ERRORS_PARAMETER);
    if (found) return found;
    marker = out.Marker;
  } while (marker);
  return undefined;
}

/** What the server runs with: RDS returns no value for a parameter the group leaves to the engine. */
export function connectErrors(
  kind: "db" | "cluster",
  group: string,
  usedBy: string[],
  parameter: Parameter | undefined,
  notApplied: Array<{ instance: string; status: string }>,
): ObservedConnectErrors {
  const raw = parameter?.ParameterValue;
  if (raw === undefined || raw === "")
    return {
      kind,
      group,
      usedBy,
      value: ENGINE_DEFAULT_MAX_CONNECT_ERRORS,
      source: parameter?.Source ?? "engine-default",
      notApplied,
    };
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : null;
  return { kind, group, usedBy, value, raw, source: parameter?.Source ?? "user", notApplied };
}

const UNBLOCK =
  "a node address already blocked stays blocked until the master user runs TRUNCATE TABLE performance_schema.host_cache (FLUSH HOSTS before MySQL 8.0.23)";

/**
 * max_connect_errors against the NLB's health checks: each node probes every target from its
 * own address (the address PrivateLink clients arrive from), and MySQL counts every probe as a
 * connect error; below the value a created database ships, an idle node gets blocked.
 */
export function diagnoseHostBlocking(o: HostBlockingScope, h: ObservedHostBlocking, ctx: FixContext): Finding[] {
  const check = (group?: string) => `max_connect_errors${group ? `: ${group}` : ""}`;
  if (h.unread) {
    return [
      {
        stack: o.stack,
        check: check(),
        ok: false,
        detail: `could not read the database's parameter groups: ${h.unread}`,
        fix: "allow the caller rds:DescribeDBInstances, rds:DescribeDBParameters (and for a Multi-AZ DB cluster rds:DescribeDBClusters, rds:DescribeDBClusterParameters), then run status again",
      },
    ];
  }
  // How many health checks per interval each node sends an instance: one per group holding it.
  const ipOf = new Map((o.topology.members ?? []).map((m) => [m.instance, m.ip]));
  const groupsHolding = (instance: string) => {
    const ip = ipOf.get(instance);
    return ip === undefined
      ? undefined
      : o.groups.filter((g) => g.targets.some((t) => t.ip === ip && !isDraining(t.state))).length;
  };
  return h.groups.map((g): Finding => {
    const what = g.kind === "db" ? "DB parameter group" : "DB cluster parameter group";
    const users = g.usedBy.join(", ");
    const value =
      g.value === null ? `"${g.raw}"` : `${g.value}${g.source === "engine-default" ? " (the engine default)" : ""}`;
    if (g.value !== null && g.value >= MAX_CONNECT_ERRORS) {
      if (g.notApplied.length === 0)
        return {
          stack: o.stack,
          check: check(g.group),
          ok: true,
          detail: `${value} in ${what} ${g.group} of ${users}: the load balancer's health checks cannot block its addresses`,
        };
      return {
        stack: o.stack,
        check: check(g.group),
        ok: false,
        detail: `${value} in ${what} ${g.group}, but not applied yet on ${g.notApplied.map((n) => `${n.instance} (${n.status})`).join(", ")}: they still run with their earlier setting`,
        fix: `a newly associated parameter group applies at the next reboot: reboot each at a quiet time, e.g. ${g.notApplied.map((n) => (g.kind === "db" ? `aws rds reboot-db-instance --db-instance-identifier ${n.instance} ${ctx.providerCli}` : `aws rds reboot-db-cluster --db-cluster-identifier ${n.instance} ${ctx.providerCli}`)).join("; ")}`,
      };
    }
    const probes = g.usedBy.map((u) => [u, groupsHolding(u)] as const).filter(([, n]) => n !== undefined && n > 0);
    const rate = probes.length
      ? ` (${probes.map(([u, n]) => `${u} is a target of ${n} group(s): ${n} check(s) per interval from each node`).join("; ")})`
      : "";
    const detail = `${value} in ${what} ${g.group} of ${users}: every NLB node TCP-health-checks each target from its own address, the one PrivateLink clients arrive from${rate}, and MySQL counts each check as a connect error; after ${g.value ?? "that many"} without a successful login through a node, it refuses that node's address`;
    const set = `ParameterName=max_connect_errors,ParameterValue=${MAX_CONNECT_ERRORS},ApplyMethod=immediate`;
    let fix: string;
    if (h.created) {
      fix = `deploy the provider stack again (npx cdktf deploy provider): it sets max_connect_errors to ${MAX_CONNECT_ERRORS} in ${g.group}; or at once: aws rds modify-db-parameter-group --db-parameter-group-name ${g.group} --parameters "${set}" ${ctx.providerCli}`;
    } else if (g.group.startsWith("default.")) {
      // A default group cannot be modified: a custom one of the same family takes its place.
      const family = g.group.slice("default.".length);
      const name = `${o.database.identifier}-connect-errors`;
      fix =
        g.kind === "db"
          ? `default groups cannot be changed, so create one: aws rds create-db-parameter-group --db-parameter-group-name ${name} --db-parameter-group-family ${family} --description "max_connect_errors for the load balancer's health checks" ${ctx.providerCli}; aws rds modify-db-parameter-group --db-parameter-group-name ${name} --parameters "${set}" ${ctx.providerCli}; then for each of ${users}: aws rds modify-db-instance --db-instance-identifier <instance> --db-parameter-group-name ${name} --apply-immediately ${ctx.providerCli}, and reboot it at a quiet time (a newly associated group applies at the next reboot)`
          : `default groups cannot be changed, so create one: aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name ${name} --db-parameter-group-family ${family} --description "max_connect_errors for the load balancer's health checks" ${ctx.providerCli}; aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name ${name} --parameters "${set}" ${ctx.providerCli}; aws rds modify-db-cluster --db-cluster-identifier ${o.database.identifier} --db-cluster-parameter-group-name ${name} --apply-immediately ${ctx.providerCli}, then reboot the cluster at a quiet time`;
    } else {
      fix =
        g.kind === "db"
          ? `aws rds modify-db-parameter-group --db-parameter-group-name ${g.group} --parameters "${set}" ${ctx.providerCli} (a dynamic parameter: no reboot); or in the RDS console, Parameter groups > ${g.group} > Edit, max_connect_errors = ${MAX_CONNECT_ERRORS}`
          : `aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name ${g.group} --parameters "${set}" ${ctx.providerCli} (a dynamic parameter: no reboot); or in the RDS console, Parameter groups > ${g.group} > Edit, max_connect_errors = ${MAX_CONNECT_ERRORS}`;
    }
    return { stack: o.stack, check: check(g.group), ok: false, detail, fix: `${fix}; ${UNBLOCK}` };
  });
}
