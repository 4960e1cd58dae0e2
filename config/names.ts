// Names that AWS keeps unique beyond one stack: IAM role names and CloudWatch dashboards per
// account (every region), KMS aliases per account and region. Two rules keep them apart:
//   - the region is part of every IAM role and dashboard name, so one share name in two
//     regions of one account makes two of each;
//   - a consumer's names join the share and the consumer with a character that neither name
//     may contain ("." in role names, "/" in aliases), so share "orders" with consumer
//     "app-eu" and share "orders-app" with consumer "eu" can never give the same name;
//   - one of several shares (provider.shares) joins the config's name and its own with "_",
//     which no name may contain either: config "platform" with share "orders" and a config
//     named "platform-orders" give different names.
// Within one config the loader also checks every such name against the others
// (globalNameCollisions); another config's names cannot be seen from here, which is why the
// scheme itself must be collision-free.
import { createHash } from "node:crypto";

/** IAM role names have at most 64 characters (IAM quotas). */
export const IAM_ROLE_NAME_LIMIT = 64;
/** KMS alias names have at most 256 characters, "alias/" included (KMS CreateAlias). */
export const KMS_ALIAS_LIMIT = 256;

/** Whose names: the provider side of a share, or one consumer of it. */
export interface NameScope {
  readonly share: string;
  /** The share within the config, when it holds several (provider.shares); joined with "_", which no name may contain. */
  readonly part?: string;
  /** Absent on the provider side. */
  readonly consumer?: string;
  readonly region: string;
}

/**
 * Keeps a name within a limit: a longer one keeps its beginning and ends with 8 hex digits of
 * the whole name's SHA-256, so two different long names still differ.
 */
/** A config's name, and the share within it: what a share's constructs pass on to the names below. */
export type ShareNames = Pick<NameScope, "share" | "part">;

/** The config's name, or <config>_<share> for one of several shares. */
const owner = (scope: ShareNames) => (scope.part === undefined ? scope.share : `${scope.share}_${scope.part}`);

export function fitName(full: string, limit: number): string {
  if (full.length <= limit) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, limit - hash.length - 1)}-${hash}`;
}

/** An IAM role of one purpose ("failover-sync", "vpc-flow-log"): orders-failover-sync-us-east-1, orders.app-vpc-flow-log-eu-west-1. */
export function iamRoleName(scope: NameScope, purpose: string): string {
  const who = scope.consumer === undefined ? owner(scope) : `${scope.share}.${scope.consumer}`;
  return fitName(`${who}-${purpose}-${scope.region}`, IAM_ROLE_NAME_LIMIT);
}

/** A created proxy's read-only endpoint: the proxy's name and "-ro" (at most 63 characters: the proxy's is at most 30). */
export function proxyReadOnlyEndpointName(proxyName: string): string {
  return `${proxyName}-ro`;
}

/** A KMS alias of one purpose ("operations", "database"): alias/orders-operations, alias/orders/app/operations. */
export function kmsAliasName(scope: Omit<NameScope, "region"> & { readonly region?: string }, purpose: string): string {
  return fitName(
    scope.consumer === undefined
      ? `alias/${owner(scope)}-${purpose}`
      : `alias/${scope.share}/${scope.consumer}/${purpose}`,
    KMS_ALIAS_LIMIT,
  );
}

/** A CloudWatch dashboard: "All dashboards in your account are global, not region-specific" (CloudWatch PutDashboard). */
export function dashboardName(scope: NameScope): string {
  return fitName(`${owner(scope)}-privatelink-${scope.region}`, 255);
}

/** One global name a stack creates, and where AWS keeps it unique. */
export interface GlobalName {
  readonly kind: "IAM role" | "KMS alias" | "dashboard";
  readonly name: string;
  /** Who creates it, as the config says: "provider" or "consumers[1] (app)". */
  readonly party: string;
  /** The account as far as the config tells it: its id, else its profile and role. */
  readonly account: string;
  /** Absent for names unique per account across regions (IAM). */
  readonly region?: string;
}

/** Every pair of entries that AWS would refuse as one name, as messages naming both parties and the fix. */
export function globalNameCollisions(names: readonly GlobalName[]): string[] {
  const seen = new Map<string, GlobalName>();
  const problems: string[] = [];
  for (const n of names) {
    const key = [n.kind, n.account, n.region ?? "", n.name].join("\u0000");
    const first = seen.get(key);
    if (!first) {
      seen.set(key, n);
      continue;
    }
    const where = n.region ? `account ${n.account}, region ${n.region}` : `account ${n.account}`;
    problems.push(
      `${first.party} and ${n.party} would both create the ${n.kind} ${n.name} in ${where}; rename one of them or put them in different accounts`,
    );
  }
  return problems;
}
