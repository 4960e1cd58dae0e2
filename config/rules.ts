// Rules that no single field can check: exclusive choices, port clashes, principals, placement.
// They read the raw input defensively (raw.ts), so that they report alongside the schema's own
// errors. The rules every share has are here; each transport's own are a list in
// transports/<name>/rules.ts, which crossCheck picks by the share's transport (RULES_BY_TRANSPORT),
// never asking which one it holds.
import { isIpv4Cidr } from "../functions/failover-sync/ipv4";
import { auroraOf, type Engine, ENGINES, isAurora, proxyRefusesVersion } from "./engines";
import {
  dashboardName,
  type GlobalName,
  globalNameCollisions,
  iamRoleName,
  kmsAliasName,
  type NameScope,
} from "./names";
import { arr, engineOf, exactlyOne, obj, type Problem, type Raw, regionsOf, sharesCluster, valueAt } from "./raw";
import { azIdProblem, isKnownRegion } from "./regions";
import { MAX_WATCH_CALLS_PER_SECOND, RDS_API_SUSTAINED_PER_SECOND, WATCH_INTERVAL_SECONDS } from "./fields";
import {
  AZ_ID,
  CONSUMER_SHARE_KEYS,
  DEFAULT_TRANSPORT,
  MAX_NAME_LENGTH,
  prefixOf,
  PRINCIPAL,
  SHARE_KEYS,
  type TransportName,
  TRANSPORT_SCHEMAS,
  TRANSPORTS,
} from "./schema";
import { accountsOfIamPrincipals } from "./resolve";
import { ENDPOINT_SERVICE_RULES } from "./transports/endpoint-service/rules";
import { RESOURCE_RULES } from "./transports/resource/rules";
import type { ConsumerCheck, ShareCheck, TransportRules } from "./transports/rules";

export type { Problem };

/** Each transport's rules, by the config's provider.transport: the Record fails to compile until every transport has its list. */
export const RULES_BY_TRANSPORT: Readonly<Record<TransportName, TransportRules>> = {
  "endpoint-service": ENDPOINT_SERVICE_RULES,
  resource: RESOURCE_RULES,
};

/** The rules of the transport a raw provider selects. */
const rulesOf = (provider: Raw) => RULES_BY_TRANSPORT[chosenTransport(provider)];

/** The checks of every share, before its transport's (in the single-database form's paths). */
const SHARE_RULES: readonly ShareCheck[] = [checkDatabase, checkTransportKeys];
/** The checks of every consumer's settings of a share, before its transport's. */
const CONSUMER_RULES: readonly ConsumerCheck[] = [
  checkAccountAdmitted,
  checkConsumerTransportKeys,
  checkReaderName,
  checkShareFacts,
];

/**
 * Checks that no single field can make: exclusive choices, port clashes, principal rules.
 * It reads the raw input defensively so that it can report alongside type errors.
 */
export function crossCheck(input: unknown): Problem[] {
  const out: Problem[] = [];
  const root = obj(input);
  if (!root) return out;
  const provider = obj(root.provider);
  if (provider) {
    exactlyOne(provider.network, "provider.network", "create", "existing", out);
    checkAzIds(provider.account, obj(obj(provider.network)?.create)?.azIds, "provider.network.create.azIds", out);
  }
  const consumers = arr(root.consumers);
  const seen = new Map<string, number>();
  consumers.forEach((c, i) => {
    const consumer = obj(c);
    if (!consumer) return;
    const at = `consumers[${i}]`;
    exactlyOne(consumer.network, `${at}.network`, "create", "existing", out);
    if (typeof consumer.name === "string") {
      const first = seen.get(consumer.name);
      if (first !== undefined)
        out.push({
          path: `${at}.name`,
          message: `"${consumer.name}" is already used by consumers[${first}]; consumer names must be unique`,
        });
      else seen.set(consumer.name, i);
    }
    const cidrs = arr(consumer.allowedCidrs);
    const sgs = arr(consumer.allowedSecurityGroupIds);
    if (cidrs.length === 0 && sgs.length === 0) {
      out.push({
        path: at,
        message: "needs allowedCidrs or allowedSecurityGroupIds: without them nothing can reach the endpoint",
      });
    }
    cidrs.forEach((c2, j) => {
      if (typeof c2 === "string" && isIpv4Cidr(c2) && prefixOf(c2) === 0) {
        out.push({
          path: `${at}.allowedCidrs[${j}]`,
          message: `${c2} would open the endpoint to every address; list the client VPC or subnet CIDRs`,
        });
      }
    });
    checkAzIds(consumer.account, obj(obj(consumer.network)?.create)?.azIds, `${at}.network.create.azIds`, out);
    // The provider's AZ IDs as the consumer states them are the provider's region's.
    checkAzIds(provider?.account, consumer.providerAzIds, `${at}.providerAzIds`, out, "the provider's");
  });
  // Each share is checked as the single-database form would be, with its problems reported where
  // its keys are: provider.shares[i] for the share's, consumers[j].shares[k] for a consumer's settings of it.
  const shares = provider ? sharesOf(root, provider, out) : [];
  for (const share of shares) {
    const local: Problem[] = [];
    const rules = rulesOf(share.provider);
    for (const check of [...SHARE_RULES, ...rules.share]) check(share.provider, local);
    for (const { consumer, index, remap } of share.consumers) {
      const at = `consumers[${index}]`;
      const mine: Problem[] = [];
      for (const check of [...CONSUMER_RULES, ...rules.consumer]) check(share.provider, consumer, at, mine);
      local.push(...mine.map(remap));
    }
    out.push(...local.map(share.remap));
  }
  checkWatchRate(shares, out);
  checkGlobalNames(root, out);
  // A problem of the provider's or a consumer's own keys is found once per share: report it once.
  return out.filter((p, i) => out.findIndex((q) => q.path === p.path && q.message === p.message) === i);
}

/**
 * One consumer VPC holds a private zone per friendly zone and per RDS name of every share it
 * reaches: two shares may not ask for the same one (Route 53 refuses a second private zone of one
 * name on the same VPC, ConflictingDomainExists).
 */
function checkDistinctNames(list: Array<{ name: string; settings: Raw; at?: string }>, j: number, out: Problem[]) {
  const seen = new Map<string, string>();
  for (const { name, settings, at } of list) {
    if (!at) continue;
    const zone = obj(settings.privateZone)?.name;
    const names = obj(settings.databaseNames);
    const hosts: Array<[string, unknown]> = [
      ["privateZone.name", zone],
      ["databaseNames.writer", names?.writer],
      ["databaseNames.reader", names?.reader],
      ...arr(names?.instances).map((h, i): [string, unknown] => [`databaseNames.instances[${i}]`, h]),
    ];
    for (const [field, host] of hosts) {
      if (typeof host !== "string") continue;
      const first = seen.get(host);
      if (first !== undefined && first !== name) {
        out.push({
          path: `${at}.${field}`,
          message: `${host} is already a name of share "${first}" in this consumer (consumers[${j}]); each share's names need zones of their own in the consumer's VPC: choose another`,
        });
      } else seen.set(host, name);
    }
  }
}

/** One share as the rules check it: a provider object in the single-database form's shape, and the consumers that reach it. */
interface ShareUnderCheck {
  /** provider.shares[].name; absent in the single-database form. */
  readonly name?: string;
  readonly provider: Raw;
  /** From the single-database form's paths and words to where the share's keys are. */
  readonly remap: (p: Problem) => Problem;
  readonly consumers: Array<{ consumer: Raw; index: number; remap: (p: Problem) => Problem }>;
}

const identity = (p: Problem) => p;

/**
 * The config's shares: the provider itself in the single-database form, else each of
 * provider.shares with the provider's common keys. Checks the shares form's own rules on the way.
 */
function sharesOf(root: Raw, provider: Raw, out: Problem[]): ShareUnderCheck[] {
  const consumers = arr(root.consumers).map(obj);
  const list = provider.shares;
  if (list === undefined) {
    if (provider.database === undefined)
      out.push({
        path: "provider.database",
        message: "is required: the database to share (or list several databases in provider.shares)",
      });
    consumers.forEach((c, j) => {
      if (c?.shares !== undefined)
        out.push({
          path: `consumers[${j}].shares`,
          message:
            "applies only with provider.shares (this config shares one database, which every consumer reaches); remove it",
        });
    });
    const all = consumers.flatMap((consumer, index) => (consumer ? [{ consumer, index, remap: identity }] : []));
    return [{ provider, remap: identity, consumers: all }];
  }
  for (const key of SHARE_KEYS) {
    if (provider[key] === undefined) continue;
    out.push({
      path: `provider.${key}`,
      message:
        key === "database"
          ? "is set beside provider.shares: one database goes here, several go in provider.shares, each with its own database; keep only one of the two"
          : "belongs to one share when provider.shares is set; move it into each entry of provider.shares that needs it",
    });
  }
  const shares = arr(list).map(obj);
  const names = new Map<string, number>();
  shares.forEach((share, i) => {
    if (!share || typeof share.name !== "string") return;
    const first = names.get(share.name);
    if (first !== undefined)
      out.push({
        path: `provider.shares[${i}].name`,
        message: `"${share.name}" is already used by provider.shares[${first}]; share names must be unique`,
      });
    else names.set(share.name, i);
    const prefix = `${root.name}-${share.name}`;
    if (typeof root.name === "string" && prefix.length > MAX_NAME_LENGTH) {
      out.push({
        path: `provider.shares[${i}].name`,
        message: `with the config's name it makes "${prefix}" (${prefix.length} characters), the prefix of the share's resource names; at most ${MAX_NAME_LENGTH} fit, since a load balancer or target group name is at most 32 characters: shorten the share's name or the config's`,
      });
    }
  });
  const known = [...names.keys()];
  /** Each consumer's entries: the share each names, and its settings when it is an object. */
  const entries = consumers.map((consumer, j) => {
    if (!consumer) return [];
    for (const key of CONSUMER_SHARE_KEYS) {
      if (consumer[key] !== undefined) {
        out.push({
          path: `consumers[${j}].${key}`,
          message: `belongs to one share when provider.shares is set; write the share as an object in this consumer's shares, such as { "name": "${known[0] ?? "orders"}", "${key}": ... }`,
        });
      }
    }
    if (consumer.shares === undefined)
      return known.map((name) => ({ name, settings: {} as Raw, at: undefined as string | undefined }));
    const taken = new Map<string, number>();
    return arr(consumer.shares).flatMap((e, k) => {
      const entry = typeof e === "string" ? { name: e } : obj(e);
      if (!entry || typeof entry.name !== "string") return [];
      const at = `consumers[${j}].shares[${k}]${typeof e === "string" ? "" : ".name"}`;
      if (!names.has(entry.name)) {
        out.push({
          path: at,
          message: `"${entry.name}" names no share of provider.shares; ${known.length ? `the shares are ${known.join(", ")}` : "list the share there first"}`,
        });
        return [];
      }
      const first = taken.get(entry.name);
      if (first !== undefined) {
        out.push({
          path: at,
          message: `names share "${entry.name}" again (consumers[${j}].shares[${first}]); keep one entry and put its settings there`,
        });
        return [];
      }
      taken.set(entry.name, k);
      const { name: _name, ...settings } = entry;
      return [{ name: entry.name, settings, at: typeof e === "string" ? undefined : `consumers[${j}].shares[${k}]` }];
    });
  });
  for (const [j, list] of entries.entries()) checkDistinctNames(list, j, out);
  const common = Object.fromEntries(
    Object.entries(provider).filter(([k]) => k !== "shares" && !SHARE_KEYS.includes(k)),
  );
  return shares.flatMap((share, i) => {
    if (!share || typeof share.name !== "string") return [];
    const name = share.name;
    const { name: _name, ...own } = share;
    const words = new RegExp(`\\bprovider\\.(${SHARE_KEYS.join("|")})\\b`, "g");
    const inShare = (t: string) =>
      t.replace(words, `provider.shares[${i}].$1`).replace(/" in provider \(/g, `" in provider.shares[${i}] (`);
    const reaching = consumers.flatMap((consumer, index) => {
      const entry = entries[index].find((e) => e.name === name);
      if (!consumer || !entry) return [];
      const mine = new RegExp(`^consumers\\[${index}\\]\\.(${CONSUMER_SHARE_KEYS.join("|")})\\b`);
      const remap = (p: Problem) => (entry.at ? { ...p, path: p.path.replace(mine, `${entry.at}.$1`) } : p);
      return [{ consumer: { ...consumer, shares: undefined, ...entry.settings }, index, remap }];
    });
    return [
      {
        name,
        provider: { ...common, ...own },
        remap: (p: Problem) => ({ path: inShare(p.path), message: inShare(p.message) }),
        consumers: reaching,
      },
    ];
  });
}

/**
 * Every share whose transport watches its database (the endpoint-service transport's failover
 * function) does so after each run of the run queue, one RDS describe call every WATCH_INTERVAL_SECONDS, all in the provider's account and
 * Region: together they may use a quarter of the RDS API's sustained rate, no more.
 */
function checkWatchRate(shares: ShareUnderCheck[], out: Problem[]) {
  const watching = shares.filter((share) => rulesOf(share.provider).watches(share.provider));
  const rate = watching.length / WATCH_INTERVAL_SECONDS;
  if (rate <= MAX_WATCH_CALLS_PER_SECOND) return;
  const names = watching.map((s) => s.name).filter((n) => n !== undefined);
  out.push({
    path: "provider.shares",
    message:
      `${watching.length} shares watch their database (${names.join(", ")}), each with one RDS describe call every ${WATCH_INTERVAL_SECONDS} s: ${rate} calls a second together, ` +
      `above the ${MAX_WATCH_CALLS_PER_SECOND} a config may use (a quarter of the RDS API's sustained ${RDS_API_SUSTAINED_PER_SECOND} requests a second per account and Region, "Request throttling for the Amazon RDS API"); ` +
      `set "watchSeconds": 0 in the failover of at least ${watching.length - Math.floor(MAX_WATCH_CALLS_PER_SECOND * WATCH_INTERVAL_SECONDS)} of them (provider.shares[].failover.watchSeconds), or move some shares to a config in another account or Region`,
  });
}

/** The account as the config names it: its id when given, else the credentials that reach it. */
function accountKey(account: Raw): string {
  if (typeof account.accountId === "string") return account.accountId;
  const via = [
    typeof account.profile === "string" ? `profile ${account.profile}` : "the default credentials",
    typeof account.assumeRoleArn === "string" ? `role ${account.assumeRoleArn}` : "",
  ];
  return `(${via.filter(Boolean).join(", ")})`;
}

/** The IAM roles and KMS aliases every stack of this config creates, checked against each other. */
function checkGlobalNames(root: Raw, out: Problem[]) {
  const share = root.name;
  if (typeof share !== "string") return;
  const names: GlobalName[] = [];
  const add = (party: string, account: Raw, scope: NameScope, parts: { roles: string[]; aliases: string[] }) => {
    const key = accountKey(account);
    for (const purpose of parts.roles)
      names.push({ kind: "IAM role", name: iamRoleName(scope, purpose), party, account: key });
    for (const purpose of parts.aliases)
      names.push({ kind: "KMS alias", name: kmsAliasName(scope, purpose), party, account: key, region: scope.region });
  };
  const provider = obj(root.provider);
  const providerAccount = obj(provider?.account);
  if (provider && providerAccount && typeof providerAccount.region === "string") {
    const region = providerAccount.region;
    add(
      "provider",
      providerAccount,
      { share, region },
      { roles: obj(obj(provider.network)?.create) ? ["vpc-flow-log"] : [], aliases: ["operations"] },
    );
    // Of several shares, the dashboard of every share takes the config's own dashboard name.
    if (provider.shares !== undefined)
      names.push({
        kind: "dashboard",
        name: dashboardName({ share, region }),
        party: "provider",
        account: accountKey(providerAccount),
      });
    // Each share's own: the single-database form's is the provider itself.
    const shares = provider.shares === undefined ? [provider] : arr(provider.shares).map(obj);
    const named = new Set<string>();
    shares.forEach((s, i) => {
      if (!s) return;
      const part = provider.shares === undefined ? undefined : typeof s.name === "string" ? s.name : undefined;
      // A share without a name, or with another's (reported as such), would only repeat that problem here.
      if (provider.shares !== undefined && (part === undefined || named.has(part))) return;
      if (part !== undefined) named.add(part);
      const party = part === undefined ? "provider" : `provider.shares[${i}] (${part})`;
      names.push({
        kind: "dashboard",
        name: dashboardName({ share, part, region }),
        party,
        account: accountKey(providerAccount),
      });
      add(
        party,
        providerAccount,
        { share, part, region },
        {
          roles: [...rulesOf(s).shareRoles, ...(obj(obj(obj(s.database)?.proxy)?.create) ? [PROXY_ROLE] : [])],
          aliases: obj(obj(s.database)?.create) ? ["database"] : [],
        },
      );
    });
  }
  arr(root.consumers).forEach((c, i) => {
    const consumer = obj(c);
    const account = obj(consumer?.account);
    if (!consumer || !account || typeof consumer.name !== "string" || typeof account.region !== "string") return;
    add(
      `consumers[${i}] (${consumer.name})`,
      account,
      { share, consumer: consumer.name, region: account.region },
      {
        roles: obj(obj(consumer.network)?.create) ? ["vpc-flow-log"] : [],
        aliases: ["operations"],
      },
    );
  });
  for (const message of globalNameCollisions(names)) out.push({ path: "name", message });
}

function checkDatabase(provider: Raw, out: Problem[]) {
  const db = obj(provider.database);
  if (!db) return;
  exactlyOne(db, "provider.database", "create", "existing", out);
  const engine = ENGINES.includes(db.engine as Engine) ? (db.engine as Engine) : undefined;
  const existing = obj(db.existing);
  if (existing) {
    const ids = ["clusterIdentifier", "instanceIdentifier"].filter((k) => existing[k] !== undefined);
    if (ids.length !== 1) {
      out.push({
        path: "provider.database.existing",
        message:
          ids.length === 0
            ? 'needs "clusterIdentifier" or "instanceIdentifier"'
            : 'has both "clusterIdentifier" and "instanceIdentifier"; keep only one',
      });
    }
    if (engine && isAurora(engine) && existing.instanceIdentifier !== undefined) {
      out.push({
        path: "provider.database.existing.instanceIdentifier",
        message: `${engine} is a cluster engine; use clusterIdentifier instead`,
      });
    }
  }
  const create = obj(db.create);
  if (create && engine && !isAurora(engine) && typeof create.readers === "number" && create.readers > 0) {
    out.push({
      path: "provider.database.create.readers",
      message: `${engine} creates a Multi-AZ instance, which has no reader instances; remove readers or use ${auroraOf(engine)}`,
    });
  }
  checkProxy(provider, out);
}

/** The purpose in the name of the IAM role a created proxy assumes (config/names.ts). */
export const PROXY_ROLE = "rds-proxy";

/** database.proxy: one way, a secret to sign in with, a read-only endpoint only where readers are, a version RDS Proxy takes. */
function checkProxy(provider: Raw, out: Problem[]) {
  const db = obj(provider.database);
  const proxy = obj(db?.proxy);
  if (!db || !proxy) return;
  exactlyOne(proxy, "provider.database.proxy", "create", "existing", out);
  const engine = engineOf(provider);
  const cluster = sharesCluster(provider);
  const create = obj(proxy.create);
  const existingProxy = obj(proxy.existing);
  if (create && obj(db.existing) && create.secretArn === undefined)
    out.push({
      path: "provider.database.proxy.create.secretArn",
      message:
        "is required for an existing database: name the Secrets Manager secret (username and password) the proxy signs in with, or use provider.database.proxy.existing",
    });
  const readOnly = create?.readOnlyEndpoint === true || existingProxy?.readOnlyEndpoint !== undefined;
  const readOnlyAt = create
    ? "provider.database.proxy.create.readOnlyEndpoint"
    : "provider.database.proxy.existing.readOnlyEndpoint";
  // "When the proxy is associated with an RDS instance or with an Aurora cluster that only
  // contains a writer DB instance, you can't specify READ_ONLY" (RDS User Guide, "Working with
  // Amazon RDS Proxy endpoints").
  if (readOnly && cluster === false)
    out.push({
      path: readOnlyAt,
      message:
        "a proxy of a Multi-AZ DB instance has no read-only endpoint (RDS Proxy takes READ_ONLY only for clusters with readers); remove it: the reader port forwards to the proxy's read/write endpoint",
    });
  const readers = obj(db.create)?.readers;
  if (create?.readOnlyEndpoint === true && engine && isAurora(engine) && readers === 0)
    out.push({
      path: readOnlyAt,
      message:
        "the cluster is created without readers (provider.database.create.readers is 0), and RDS Proxy takes READ_ONLY only for a cluster with readers; remove it, or add readers",
    });
  const version = obj(db.create)?.engineVersion;
  const refused = engine && typeof version === "string" ? proxyRefusesVersion(engine, version) : undefined;
  if (refused) out.push({ path: "provider.database.create.engineVersion", message: refused });
  if (existingProxy?.securityGroupId !== undefined && obj(db.existing)?.securityGroupId === undefined)
    out.push({
      path: "provider.database.existing.securityGroupId",
      message:
        "is needed with provider.database.proxy.existing.securityGroupId: the proxy connects to the database, so set the database's security group too (or neither, and admit the proxy yourself)",
    });
}

/** The consumer's account must be one the share admits, unless a principal admits everyone or may hold it (an OU, the organization). */
function checkAccountAdmitted(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  const id = obj(consumer.account)?.accountId;
  // Compared only between valid regions, as every placement rule is; invalid ones are reported by the schema.
  if (!regionsOf(provider, consumer) || typeof id !== "string") return;
  const sharing = obj(provider.sharing) ?? {};
  const principals = arr(sharing.allowedPrincipals);
  // An OU or the organization may hold the account: membership is AWS's to check, not the config's.
  const coversOrgs =
    rulesOf(provider).organizationPrincipals &&
    principals.some((p) => typeof p === "string" && (PRINCIPAL.ou.test(p) || PRINCIPAL.organization.test(p)));
  if (sharing.allowAnyPrincipal === true || principals.includes("*") || coversOrgs) return;
  if (!principals.some((p) => typeof p === "string" && (p === id || p.split(":")[4] === id))) {
    out.push({
      path: `${at}.account.accountId`,
      message: `${id} is not among provider.sharing.allowedPrincipals; add "arn:aws:iam::${id}:root" there`,
    });
  }
}
/** The consumer's copies of the share's facts, which shareFacts "descriptor" takes from the descriptor instead. */
export const FACT_COPIES = [
  "serviceName",
  "databaseNames",
  "providerAzIds",
  "resourceConfigurationArn",
  "readerResourceConfigurationArn",
  "resourceShareArn",
] as const;

/**
 * shareFacts "descriptor": the stack reads each share's descriptor by ARN, which names the
 * provider's account; the consumer's own copies of those facts would contradict it; and in
 * another account the consumer reads it only through the descriptor's RAM share, which names the
 * accounts of the endpoint service's IAM principals (never "*", which RAM cannot share with).
 */
function checkShareFacts(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  if (consumer.shareFacts !== "descriptor") return;
  const providerAccount = obj(provider.account)?.accountId;
  if (typeof providerAccount !== "string")
    out.push({
      path: `${at}.shareFacts`,
      message:
        'is "descriptor", which reads the share\'s descriptor by its ARN (arn:aws:ssm:<region>:<account>:parameter/...): set provider.account.accountId, or use "state"',
    });
  for (const key of FACT_COPIES)
    if (consumer[key] !== undefined)
      out.push({
        path: `${at}.${key}`,
        message:
          'comes from the share\'s descriptor under shareFacts "descriptor"; remove it, or use shareFacts "state"',
      });
  const id = obj(consumer.account)?.accountId;
  if (chosenTransport(provider) !== "endpoint-service" || typeof id !== "string" || id === providerAccount) return;
  const principals = arr(obj(provider.sharing)?.allowedPrincipals).filter((p) => typeof p === "string");
  const readers = arr(obj(provider.sharing)?.descriptorReaders).filter((p) => typeof p === "string");
  // An OU or the organization may hold the account: only AWS knows, so they are taken as reaching it.
  const byReaders = readers.some((r) => r === id || PRINCIPAL.ou.test(r) || PRINCIPAL.organization.test(r));
  if (!accountsOfIamPrincipals(principals).includes(id) && !byReaders)
    out.push({
      path: `${at}.shareFacts`,
      message: `is "descriptor", but the descriptor's RAM share reaches only the accounts of provider.sharing.allowedPrincipals' IAM ARNs and provider.sharing.descriptorReaders, and none is ${id}; add "arn:aws:iam::${id}:root" to allowedPrincipals, or use shareFacts "state"`,
    });
}

/** Each AZ ID must carry its account's region prefix (use1- for us-east-1), or it fails only at apply. */
function checkAzIds(account: unknown, ids: unknown, path: string, out: Problem[], whose = "this account's") {
  const region = obj(account)?.region;
  if (typeof region !== "string" || !isKnownRegion(region)) return; // the region is reported itself
  arr(ids).forEach((id, i) => {
    if (typeof id !== "string" || !AZ_ID.test(id)) return; // reported by the schema
    const problem = azIdProblem(id, region);
    if (problem) out.push({ path: `${path}[${i}]`, message: problem.replace("this account's", whose) });
  });
}
/** Does the raw provider share a cluster (true) or a Multi-AZ instance (false)? undefined when its engine is invalid. */
/**
 * The transport a raw provider selects. An unknown value is reported by the schema; the rules then
 * read the config as the default transport's, as the schema's default would.
 */
function chosenTransport(provider: Raw): TransportName {
  return (TRANSPORTS as readonly unknown[]).includes(provider.transport)
    ? (provider.transport as TransportName)
    : DEFAULT_TRANSPORT;
}

/**
 * Settings of another transport than the provider's, from the transports' schema slices: naming
 * one is an error, never a silent no-op. Left at the default transport, the likelier mistake is a
 * transport not chosen, so the message names the one the setting needs; with a transport chosen,
 * the setting is the stray part.
 */
function foreignKeys(
  provider: Raw,
  side: "provider" | "consumer",
  of: Raw,
): Array<{ field: string; owner: TransportName; current: TransportName; why: string }> {
  const current = chosenTransport(provider);
  return TRANSPORT_SCHEMAS.filter((slice) => slice.name !== current).flatMap((slice) =>
    Object.entries(slice[side])
      .filter(([field]) => valueAt(of, field) !== undefined)
      .map(([field, key]) => ({ field, owner: slice.name, current, why: key.reason })),
  );
}

function checkTransportKeys(provider: Raw, out: Problem[]) {
  for (const { field, owner, current, why } of foreignKeys(provider, "provider", provider)) {
    out.push({
      path: `provider.${field}`,
      message:
        current === DEFAULT_TRANSPORT
          ? `applies only with "transport": "${owner}" (${why}); remove it or set provider.transport to "${owner}"`
          : `does not apply with "transport": "${current}" (${why}); remove it`,
    });
  }
}

/**
 * A consumer's checks of one share by that share's transport alone (region, zones, member
 * ports, ...), against a provider object in the single-database form's shape: a consumer-only
 * config builds one from each share's descriptor (config/consumer-only.ts).
 */
export function transportConsumerChecks(provider: Raw, consumer: Raw, at: string): Problem[] {
  const out: Problem[] = [];
  for (const check of rulesOf(provider).consumer) check(provider, consumer, at, out);
  return out;
}

/** A consumer's settings of a share that belong to another transport than `transport`, the share's (a consumer-only config reads it in the descriptor). */
export function foreignConsumerKeys(transport: TransportName, of: Raw): Array<{ field: string; why: string }> {
  return foreignKeys({ transport }, "consumer", of).map(({ field, why }) => ({ field, why }));
}

function checkConsumerTransportKeys(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  for (const { field, owner, current, why } of foreignKeys(provider, "consumer", consumer)) {
    out.push({
      path: `${at}.${field}`,
      message:
        current === DEFAULT_TRANSPORT
          ? `applies only with "transport": "${owner}" in provider (${why}); remove it or set "transport": "${owner}"`
          : `does not apply with "transport": "${current}" (${why}); remove it`,
    });
  }
}

/** A Multi-AZ DB instance's certificate names only the instance: no reader name (instance names are each transport's rule). */
function checkReaderName(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  if (obj(consumer.databaseNames)?.reader !== undefined && sharesCluster(provider) === false) {
    out.push({
      path: `${at}.databaseNames.reader`,
      message: "the provider shares a Multi-AZ DB instance, whose certificate names only the instance; remove it",
    });
  }
}
