// npm run status behind an RDS Proxy: the proxy's endpoints and their addresses (as the failover
// function reads them), its targets' health (DescribeDBProxyTargets), and whether the load
// balancer's groups hold exactly those addresses, healthy. Read by the endpoint-service
// transport's status (transports/endpoint-service.ts) when the share has database.proxy.
import { DescribeDBProxyTargetsCommand, type RDSClient } from "@aws-sdk/client-rds";
import type { ProxyRef } from "../../functions/failover-sync/environment";
import { isDraining } from "../../functions/failover-sync/plan";
import { type ProxyTopology, readProxy } from "../../functions/failover-sync/proxy";
import type { ResolveAll } from "../../functions/failover-sync/topology";
import type { Finding, FixContext } from "./finding";

/** One target of the proxy's default target group, as DescribeDBProxyTargets reports it (RDS API Reference, DBProxyTarget). */
export interface ObservedProxyTarget {
  readonly id: string;
  readonly type: string;
  readonly role: string;
  /** REGISTERING, AVAILABLE, UNAVAILABLE or UNUSED. */
  readonly state: string;
  readonly reason?: string;
  readonly description?: string;
}

export interface ObservedProxy {
  readonly read: ProxyTopology;
  readonly targets: ObservedProxyTarget[];
}

export async function observeProxy(rds: RDSClient, resolveAll: ResolveAll, ref: ProxyRef): Promise<ObservedProxy> {
  const [read, out] = await Promise.all([
    readProxy(rds, resolveAll, ref),
    rds.send(new DescribeDBProxyTargetsCommand({ DBProxyName: ref.name })),
  ]);
  const targets = (out.Targets ?? []).map((t) => ({
    id: t.RdsResourceId ?? t.Endpoint ?? "unknown",
    type: t.Type ?? "unknown",
    role: t.Role ?? "UNKNOWN",
    state: t.TargetHealth?.State ?? "unknown",
    ...(t.TargetHealth?.Reason ? { reason: t.TargetHealth.Reason } : {}),
    ...(t.TargetHealth?.Description ? { description: t.TargetHealth.Description } : {}),
  }));
  return { read, targets };
}

/** What each TargetHealth reason (RDS API Reference, TargetHealth) asks of the operator. */
function fixFor(reason: string | undefined, databasePort: number): string {
  switch (reason) {
    case "PENDING_PROXY_CAPACITY":
      return "wait: the proxy is scaling to its capacity; run status again in a few minutes";
    case "AUTH_FAILURE":
      return "the proxy's secret does not sign in to the database: check the secret's username and password (provider.database.proxy.create.secretArn, or the database's master secret), and that the proxy's role may read and decrypt it";
    case "UNREACHABLE":
    case "CONNECTION_FAILED":
      return `the database's security group must admit port ${databasePort} from the proxy's security group, and the database must be available`;
    case "INVALID_REPLICATION_STATE":
    case "PROMOTED":
      return "the target's role changed under the proxy (a replica promoted, or replication broken): check the database's topology in the RDS console";
    default:
      return "check the proxy's log group /aws/rds/proxy/<name> and the database's state";
  }
}

export interface ProxyGroups {
  readonly writer?: {
    readonly label: string;
    readonly targets: ReadonlyArray<{ ip: string; port: number; state: string; reason?: string }>;
  };
  readonly reader?: {
    readonly label: string;
    readonly targets: ReadonlyArray<{ ip: string; port: number; state: string; reason?: string }>;
  };
}

export function diagnoseProxy(
  stack: string,
  proxy: ObservedProxy,
  groups: ProxyGroups,
  ports: { readonly proxy: number; readonly database: number },
  sync: string,
  _ctx: FixContext,
): Finding[] {
  const findings: Finding[] = [];
  const ok = (check: string, detail: string) => findings.push({ stack, check, ok: true, detail });
  const bad = (check: string, detail: string, fix: string) => findings.push({ stack, check, ok: false, detail, fix });
  const { read } = proxy;
  const endpoints = [read.proxy, ...(read.reader ? [read.reader] : [])];
  const sick = endpoints.filter((e) => e.status !== "available" || e.addresses === null);
  if (read.problems.length > 0 || sick.length > 0)
    bad(
      `proxy ${read.proxy.name}`,
      [...read.problems, ...sick.map((e) => `${e.name} is ${e.status}`)].join("; "),
      "check the proxy in the RDS console (its status and its subnets' free addresses); the groups keep their last addresses meanwhile",
    );
  else
    ok(
      `proxy ${read.proxy.name}`,
      endpoints.map((e) => `${e.name} ${e.status} at ${e.addresses?.join(", ")}`).join("; "),
    );
  if (proxy.targets.length === 0)
    bad(
      "proxy targets",
      "the proxy has no target",
      "deploy the provider stack: it registers the database with the proxy",
    );
  for (const t of proxy.targets) {
    const check = `proxy target ${t.id} (${t.role})`;
    if (t.state === "AVAILABLE") ok(check, "available");
    else
      bad(
        check,
        `${t.state}${t.reason ? ` (${t.reason}${t.description ? `: ${t.description}` : ""})` : ""}`,
        fixFor(t.reason, ports.database),
      );
  }
  const port = (role: "writer" | "reader", group: ProxyGroups["writer"], want: string[] | null, endpoint: string) => {
    const check = `${role} port`;
    if (!group) return;
    if (want === null) {
      bad(check, `the addresses of ${endpoint} are unknown, so ${group.label} cannot be checked`, "run status again");
      return;
    }
    const live = group.targets.filter((x) => !isDraining(x.state) && x.port === ports.proxy);
    const missing = want.filter((ip) => !live.some((x) => x.ip === ip));
    const extra = live.filter((x) => !want.includes(x.ip));
    const healthy = live.filter((x) => want.includes(x.ip) && x.state === "healthy");
    if (missing.length > 0) bad(check, `${group.label} lacks ${missing.join(", ")} of ${endpoint}`, sync);
    else if (healthy.length === 0)
      bad(
        check,
        `${group.label} holds ${endpoint}'s addresses, none healthy: ${live.map((x) => `${x.ip} ${x.state}${x.reason ? ` (${x.reason})` : ""}`).join(", ")}`,
        `the proxy's security group must admit port ${ports.proxy} from the load balancer's group (output nlb_security_group_id)`,
      );
    else
      ok(
        check,
        `${group.label}: ${endpoint} at ${want.join(", ")}, ${healthy.length} healthy${extra.length > 0 ? `; ${extra.map((x) => x.ip).join(", ")} still registered until a new address is healthy (make before break)` : ""}`,
      );
  };
  port("writer", groups.writer, read.proxy.addresses, read.proxy.name);
  port(
    "reader",
    groups.reader,
    read.reader ? read.reader.addresses : read.proxy.addresses,
    (read.reader ?? read.proxy).name,
  );
  return findings;
}
