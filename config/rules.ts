// Rules that no single field can check: exclusive choices, port clashes, principals, placement.
// They read the raw input defensively, so that they report alongside the schema's own errors.
import { isIpv4Cidr } from "../functions/failover-sync/ipv4";
import { auroraOf, Engine, ENGINES, isAurora } from "./engines";
import { DatabaseInput, isCluster, PortsInput, resolveMemberSlots, resolvePorts, resolveReaders } from "./resolve";
import { dashboardName, GlobalName, globalNameCollisions, iamRoleName, kmsAliasName, NameScope } from "./names";
import { azIdProblem, isKnownRegion } from "./regions";
import { DEFAULT_WARM_READER_SETS, DEFAULT_WATCH_SECONDS, MAX_WATCH_CALLS_PER_SECOND, MAX_WATCH_SECONDS, NLB_LISTENERS, NLB_TARGETS, PORT_LISTENERS, RDS_API_SUSTAINED_PER_SECOND, readerSetCount, WATCH_INTERVAL_SECONDS } from "./fields";
import { AZ_ID, CONSUMER_SHARE_KEYS, DEFAULT_TRANSPORT, MAX_NAME_LENGTH, prefixOf, PRINCIPAL, SHARE_KEYS, TransportName, TRANSPORT_SCHEMAS, TRANSPORTS } from "./schema";

export interface Problem {
  path: string;
  message: string;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function exactlyOne(value: unknown, path: string, a: string, b: string, out: Problem[]) {
  const o = obj(value);
  if (!o) return;
  const has = [a, b].filter((k) => o[k] !== undefined);
  if (has.length !== 1) {
    out.push({
      path,
      message: has.length === 0 ? `needs one of "${a}" or "${b}"` : `has both "${a}" and "${b}"; keep only one`,
    });
  }
}

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
      if (first !== undefined) out.push({ path: `${at}.name`, message: `"${consumer.name}" is already used by consumers[${first}]; consumer names must be unique` });
      else seen.set(consumer.name, i);
    }
    const cidrs = arr(consumer.allowedCidrs);
    const sgs = arr(consumer.allowedSecurityGroupIds);
    if (cidrs.length === 0 && sgs.length === 0) {
      out.push({ path: at, message: "needs allowedCidrs or allowedSecurityGroupIds: without them nothing can reach the endpoint" });
    }
    cidrs.forEach((c2, j) => {
      if (typeof c2 === "string" && isIpv4Cidr(c2) && prefixOf(c2) === 0) {
        out.push({ path: `${at}.allowedCidrs[${j}]`, message: `${c2} would open the endpoint to every address; list the client VPC or subnet CIDRs` });
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
    checkDatabase(share.provider, local);
    checkTransportKeys(share.provider, local);
    if (isResource(share.provider)) checkResourceProvider(share.provider, local);
    else {
      checkPorts(share.provider, local);
      checkSharing(share.provider, local);
    }
    for (const { consumer, index, remap } of share.consumers) {
      const at = `consumers[${index}]`;
      const mine: Problem[] = [];
      checkConsumerPlacement(share.provider, consumer, at, mine);
      checkConsumerTransportKeys(share.provider, consumer, at, mine);
      checkConsumerTransport(share.provider, consumer, at, mine);
      if (consumer.memberPorts === true && !isResource(share.provider) && sharesCluster(share.provider) === false) {
        mine.push({ path: `${at}.memberPorts`, message: "the provider shares a Multi-AZ DB instance, which has no member ports; remove memberPorts" });
      }
      checkDatabaseNames(share.provider, consumer, at, mine);
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
        out.push({ path: `${at}.${field}`, message: `${host} is already a name of share "${first}" in this consumer (consumers[${j}]); each share's names need zones of their own in the consumer's VPC: choose another` });
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
    if (provider.database === undefined) out.push({ path: "provider.database", message: "is required: the database to share (or list several databases in provider.shares)" });
    consumers.forEach((c, j) => {
      if (c?.shares !== undefined) out.push({ path: `consumers[${j}].shares`, message: "applies only with provider.shares (this config shares one database, which every consumer reaches); remove it" });
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
    if (first !== undefined) out.push({ path: `provider.shares[${i}].name`, message: `"${share.name}" is already used by provider.shares[${first}]; share names must be unique` });
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
    if (consumer.shares === undefined) return known.map((name) => ({ name, settings: {} as Raw, at: undefined as string | undefined }));
    const taken = new Map<string, number>();
    return arr(consumer.shares).flatMap((e, k) => {
      const entry = typeof e === "string" ? { name: e } : obj(e);
      if (!entry || typeof entry.name !== "string") return [];
      const at = `consumers[${j}].shares[${k}]${typeof e === "string" ? "" : ".name"}`;
      if (!names.has(entry.name)) {
        out.push({ path: at, message: `"${entry.name}" names no share of provider.shares; ${known.length ? `the shares are ${known.join(", ")}` : "list the share there first"}` });
        return [];
      }
      const first = taken.get(entry.name);
      if (first !== undefined) {
        out.push({ path: at, message: `names share "${entry.name}" again (consumers[${j}].shares[${first}]); keep one entry and put its settings there` });
        return [];
      }
      taken.set(entry.name, k);
      const { name: _name, ...settings } = entry;
      return [{ name: entry.name, settings, at: typeof e === "string" ? undefined : `consumers[${j}].shares[${k}]` }];
    });
  });
  entries.forEach((list, j) => checkDistinctNames(list, j, out));
  const common = Object.fromEntries(Object.entries(provider).filter(([k]) => k !== "shares" && !SHARE_KEYS.includes(k)));
  return shares.flatMap((share, i) => {
    if (!share || typeof share.name !== "string") return [];
    const name = share.name;
    const { name: _name, ...own } = share;
    const words = new RegExp(`\\bprovider\\.(${SHARE_KEYS.join("|")})\\b`, "g");
    const inShare = (t: string) => t.replace(words, `provider.shares[${i}].$1`).replace(/" in provider \(/g, `" in provider.shares[${i}] (`);
    const reaching = consumers.flatMap((consumer, index) => {
      const entry = entries[index].find((e) => e.name === name);
      if (!consumer || !entry) return [];
      const mine = new RegExp(`^consumers\\[${index}\\]\\.(${CONSUMER_SHARE_KEYS.join("|")})\\b`);
      const remap = (p: Problem) => (entry.at ? { ...p, path: p.path.replace(mine, `${entry.at}.$1`) } : p);
      return [{ consumer: { ...consumer, shares: undefined, ...entry.settings }, index, remap }];
    });
    return [{ name, provider: { ...common, ...own }, remap: (p: Problem) => ({ path: inShare(p.path), message: inShare(p.message) }), consumers: reaching }];
  });
}

/**
 * Every share of the endpoint-service transport watches its database after each run of the run
 * queue, one RDS describe call every WATCH_INTERVAL_SECONDS, all in the provider's account and
 * Region: together they may use a quarter of the RDS API's sustained rate, no more.
 */
function checkWatchRate(shares: ShareUnderCheck[], out: Problem[]) {
  const watching = shares.filter((share) => {
    if (isResource(share.provider)) return false;
    const seconds = obj(share.provider.failover)?.watchSeconds;
    // An invalid value is reported by the schema; counting it would only repeat that.
    if (seconds === undefined) return DEFAULT_WATCH_SECONDS > 0;
    return typeof seconds === "number" && Number.isInteger(seconds) && seconds > 0 && seconds <= MAX_WATCH_SECONDS;
  });
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
  const via = [typeof account.profile === "string" ? `profile ${account.profile}` : "the default credentials", typeof account.assumeRoleArn === "string" ? `role ${account.assumeRoleArn}` : ""];
  return `(${via.filter(Boolean).join(", ")})`;
}

/** The IAM roles and KMS aliases every stack of this config creates, checked against each other. */
function checkGlobalNames(root: Raw, out: Problem[]) {
  const share = root.name;
  if (typeof share !== "string") return;
  const names: GlobalName[] = [];
  const add = (party: string, account: Raw, scope: NameScope, parts: { roles: string[]; aliases: string[] }) => {
    const key = accountKey(account);
    for (const purpose of parts.roles) names.push({ kind: "IAM role", name: iamRoleName(scope, purpose), party, account: key });
    for (const purpose of parts.aliases) names.push({ kind: "KMS alias", name: kmsAliasName(scope, purpose), party, account: key, region: scope.region });
  };
  const provider = obj(root.provider);
  const providerAccount = obj(provider?.account);
  if (provider && providerAccount && typeof providerAccount.region === "string") {
    const region = providerAccount.region;
    add("provider", providerAccount, { share, region }, { roles: obj(obj(provider.network)?.create) ? ["vpc-flow-log"] : [], aliases: ["operations"] });
    // Of several shares, the dashboard of every share takes the config's own dashboard name.
    if (provider.shares !== undefined) names.push({ kind: "dashboard", name: dashboardName({ share, region }), party: "provider", account: accountKey(providerAccount) });
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
      names.push({ kind: "dashboard", name: dashboardName({ share, part, region }), party, account: accountKey(providerAccount) });
      add(party, providerAccount, { share, part, region }, {
        roles: isResource(s) ? [] : ["failover-sync"],
        aliases: obj(obj(s.database)?.create) ? ["database"] : [],
      });
    });
  }
  arr(root.consumers).forEach((c, i) => {
    const consumer = obj(c);
    const account = obj(consumer?.account);
    if (!consumer || !account || typeof consumer.name !== "string" || typeof account.region !== "string") return;
    add(`consumers[${i}] (${consumer.name})`, account, { share, consumer: consumer.name, region: account.region }, {
      roles: obj(obj(consumer.network)?.create) ? ["vpc-flow-log"] : [],
      aliases: ["operations"],
    });
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
        message: ids.length === 0 ? 'needs "clusterIdentifier" or "instanceIdentifier"' : 'has both "clusterIdentifier" and "instanceIdentifier"; keep only one',
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
}

function checkPorts(provider: Raw, out: Problem[]) {
  const db = obj(provider.database);
  const engine = db && ENGINES.includes(db.engine as Engine) ? (db.engine as Engine) : undefined;
  if (!db || !engine) return;
  const existing = obj(db.existing);
  const create = obj(db.create);
  const failover = obj(provider.failover) ?? {};
  const database: DatabaseInput = {
    engine,
    ...(create ? { create: { readers: typeof create.readers === "number" ? create.readers : undefined } } : {}),
    ...(existing ? { existing: { clusterIdentifier: existing.clusterIdentifier as string | undefined, instanceIdentifier: existing.instanceIdentifier as string | undefined } } : {}),
  };
  if (failover.standbyDiscovery !== undefined && isCluster(database)) {
    out.push({ path: "provider.failover.standbyDiscovery", message: "applies to a Multi-AZ DB instance only: a cluster's members each have their own slot; remove it" });
  }
  if (failover.memberSlots !== undefined && !isCluster(database)) {
    out.push({ path: "provider.failover.memberSlots", message: "applies to clusters only: a Multi-AZ DB instance has no members to keep warm; remove it" });
  }
  const slots = typeof failover.memberSlots === "number" ? failover.memberSlots : undefined;
  const warm = typeof failover.warmReaderSets === "number" ? failover.warmReaderSets : DEFAULT_WARM_READER_SETS;
  const memberSlots = resolveMemberSlots(database, slots);
  if (create && isCluster(database) && slots !== undefined) {
    const instances = 1 + resolveReaders(engine, typeof create.readers === "number" ? create.readers : undefined);
    if (slots < instances) out.push({ path: "provider.failover.memberSlots", message: `${slots} is fewer than the ${instances} instances created (provider.database.create.readers + 1): a failover to a member without a slot registers it on the failover path; raise it to at least ${instances}, or remove it for the default` });
  }
  if (memberSlots > 0) {
    // The NLB's own limits, checked here rather than at apply (fields.ts cites them).
    const listeners = memberSlots + PORT_LISTENERS + readerSetCount(memberSlots, warm);
    if (listeners > NLB_LISTENERS) {
      out.push({ path: slots === undefined ? "provider.failover.warmReaderSets" : "provider.failover.memberSlots", message: `${memberSlots} member slots, ${readerSetCount(memberSlots, warm)} reader-set listeners and the writer and reader ports make ${listeners} listeners; an NLB takes at most ${NLB_LISTENERS} (not adjustable). Lower provider.failover.warmReaderSets or provider.failover.memberSlots` });
    }
    const targets = memberSlots + warm * (memberSlots - 1);
    if (targets > NLB_TARGETS) {
      out.push({ path: "provider.failover.warmReaderSets", message: `${warm} populated reader sets of up to ${memberSlots - 1} members each, with ${memberSlots} member slots, make up to ${targets} registered targets; an NLB with cross-zone load balancing takes ${NLB_TARGETS}. Lower it to at most ${Math.floor((NLB_TARGETS - memberSlots) / (memberSlots - 1))}` });
    }
  }
  const raw = obj(provider.ports) ?? {};
  const valid = (v: unknown) => v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535);
  if (!valid(raw.writer) || !(raw.reader === null || valid(raw.reader)) || !valid(raw.firstMember)) return; // reported by the schema
  const ports = resolvePorts(engine, raw as PortsInput, memberSlots, warm);
  if (ports.reader !== null && ports.writer === ports.reader) {
    out.push({ path: "provider.ports.reader", message: `${ports.reader} is already used by provider.ports.writer; choose another port` });
  }
  const block = [...ports.members, ...ports.readerSets];
  if (block.length === 0) return;
  const [first, last] = [block[0], block[block.length - 1]];
  const where = raw.firstMember === undefined ? "provider.ports (the default member block)" : "provider.ports.firstMember";
  if (last > 65535) {
    out.push({ path: where, message: `the member block ${first}-${last} (${ports.members.length} slots, with their reader sets) ends above 65535; set provider.ports.firstMember to at most ${65535 - block.length + 1}` });
    return;
  }
  for (const [name, port] of [["writer", ports.writer], ["reader", ports.reader]] as const) {
    if (port !== null && port >= first && port <= last) {
      out.push({ path: `provider.ports.${name}`, message: `${port} falls inside the member block ${first}-${last}; choose another port or move provider.ports.firstMember` });
    }
  }
}

function checkSharing(provider: Raw, out: Problem[]) {
  const sharing = obj(provider.sharing);
  if (!sharing) return;
  const anyAllowed = sharing.allowAnyPrincipal === true;
  arr(sharing.allowedPrincipals).forEach((p, i) => {
    if (typeof p !== "string") return;
    const at = `provider.sharing.allowedPrincipals[${i}]`;
    if (PRINCIPAL.ou.test(p) || PRINCIPAL.organization.test(p)) {
      out.push({
        path: at,
        message: `${p} is an ${PRINCIPAL.ou.test(p) ? "organizational unit" : "organization"}: an endpoint service admits only IAM principals; set provider.transport to "resource" to share through AWS RAM, or list account ARNs`,
      });
    } else if (PRINCIPAL.accountId.test(p)) {
      out.push({ path: at, message: `an endpoint service takes IAM ARNs: write "arn:aws:iam::${p}:root" (a bare account id is for "transport": "resource")` });
    }
  });
  arr(sharing.allowedPrincipals).forEach((p, i) => {
    if (p === "*" && !anyAllowed) {
      out.push({
        path: `provider.sharing.allowedPrincipals[${i}]`,
        message: '"*" lets every AWS account request a connection; list account ARNs, or set provider.sharing.allowAnyPrincipal to true',
      });
    }
  });
  if (anyAllowed && sharing.acceptanceRequired === false) {
    out.push({
      path: "provider.sharing.acceptanceRequired",
      message: "must stay true while allowAnyPrincipal is true, or any AWS account could connect without review",
    });
  }
}

function checkConsumerPlacement(provider: Raw | undefined, consumer: Raw, at: string, out: Problem[]) {
  const pAccount = obj(provider?.account);
  const cAccount = obj(consumer.account);
  const sharing = obj(provider?.sharing) ?? {};
  // Compare only values that are valid on their own; invalid ones are reported by the schema.
  const validRegion = (r: unknown): r is string => typeof r === "string" && isKnownRegion(r);
  if (!pAccount || !cAccount || !validRegion(pAccount.region) || !validRegion(cAccount.region)) return;
  const resource = isResource(provider);
  if (resource && cAccount.region !== pAccount.region) {
    out.push({
      path: `${at}.account.region`,
      message: `${cAccount.region} differs from the provider's ${pAccount.region}; the resource transport serves consumers in the provider's region only: use ${pAccount.region}, or "transport": "endpoint-service" with provider.sharing.supportedRegions`,
    });
  } else if (!resource && cAccount.region !== pAccount.region && !arr(sharing.supportedRegions).includes(cAccount.region)) {
    out.push({
      path: `${at}.account.region`,
      message: `${cAccount.region} differs from the provider's ${pAccount.region}; add it to provider.sharing.supportedRegions for cross-region PrivateLink`,
    });
  }
  const principals = arr(sharing.allowedPrincipals);
  // An OU or the organization may hold the account: membership is AWS's to check, not the config's.
  const coversOrgs = resource && principals.some((p) => typeof p === "string" && (PRINCIPAL.ou.test(p) || PRINCIPAL.organization.test(p)));
  if (typeof cAccount.accountId === "string" && sharing.allowAnyPrincipal !== true && !principals.includes("*") && !coversOrgs) {
    const id = cAccount.accountId;
    if (!principals.some((p) => typeof p === "string" && (p === id || p.split(":")[4] === id))) {
      out.push({
        path: `${at}.account.accountId`,
        message: `${id} is not among provider.sharing.allowedPrincipals; add "arn:aws:iam::${id}:root" there`,
      });
    }
  }
  // Same-region consumers must sit in the provider's AZs; compare when both lists are in the config.
  const pIds = arr(obj(obj(provider?.network)?.create)?.azIds);
  const cIds = arr(obj(obj(consumer.network)?.create)?.azIds);
  const validIds = (ids: unknown[]) => idsOfRegion(ids, pAccount.region as string);
  if (resource && cAccount.region === pAccount.region && validIds(pIds) && validIds(cIds)) {
    if (!cIds.some((id) => pIds.includes(id))) {
      out.push({
        path: `${at}.network.create.azIds`,
        message: `none of ${cIds.join(", ")} is among the provider's AZ IDs (${pIds.join(", ")}); a resource endpoint needs at least one zone in common with the resource gateway`,
      });
    }
  } else if (cAccount.region === pAccount.region && validIds(pIds) && validIds(cIds)) {
    const missing = cIds.filter((id) => !pIds.includes(id));
    if (missing.length > 0) {
      out.push({
        path: `${at}.network.create.azIds`,
        message: `${missing.join(", ")} not among the provider's AZ IDs (${pIds.join(", ")}); PrivateLink only serves the provider's zones`,
      });
    }
  }
}

const isResource = (provider: Raw | undefined) => provider?.transport === "resource";
/** Resource transport with DNS-type configurations (arn is the default). */
const byDns = (provider: Raw) => provider.resourceDefinition === "dns";

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

/** AZ IDs that are well formed and carry the region's prefix: only those are compared across stacks. */
const idsOfRegion = (ids: unknown[], region: string) =>
  ids.length > 0 && ids.every((id) => typeof id === "string" && AZ_ID.test(id) && azIdProblem(id, region) === undefined);

/** Does the raw provider share a cluster (true) or a Multi-AZ instance (false)? undefined when its engine is invalid. */
function sharesCluster(provider: Raw): boolean | undefined {
  const db = obj(provider.database);
  const engine = ENGINES.includes(db?.engine as Engine) ? (db!.engine as Engine) : undefined;
  if (!engine) return undefined;
  const existing = obj(db?.existing);
  return isCluster({ engine, existing: existing ? { clusterIdentifier: existing.clusterIdentifier as string | undefined } : undefined });
}

/**
 * The transport a raw provider selects. An unknown value is reported by the schema; the rules then
 * read the config as the default transport's, as the schema's default would.
 */
function transportOf(provider: Raw): TransportName {
  return (TRANSPORTS as readonly unknown[]).includes(provider.transport) ? (provider.transport as TransportName) : DEFAULT_TRANSPORT;
}

/**
 * Settings of another transport than the provider's, from the transports' schema slices: naming
 * one is an error, never a silent no-op. Left at the default transport, the likelier mistake is a
 * transport not chosen, so the message names the one the setting needs; with a transport chosen,
 * the setting is the stray part.
 */
function foreignKeys(provider: Raw, side: "provider" | "consumer", of: Raw): Array<{ field: string; owner: TransportName; current: TransportName; why: string }> {
  const current = transportOf(provider);
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

function checkConsumerTransportKeys(provider: Raw | undefined, consumer: Raw, at: string, out: Problem[]) {
  if (!provider) return;
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

function valueAt(root: Raw, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((v, k) => obj(v)?.[k], root);
}

function checkResourceProvider(provider: Raw, out: Problem[]) {
  const sharing = obj(provider.sharing) ?? {};
  const accounts = new Map<string, number>();
  arr(sharing.allowedPrincipals).forEach((p, i) => {
    if (typeof p !== "string") return;
    const account = PRINCIPAL.accountId.test(p) ? p : PRINCIPAL.iam.test(p) && p.endsWith(":root") ? p.split(":")[4] : undefined;
    if (account !== undefined) {
      const first = accounts.get(account);
      if (first !== undefined) {
        out.push({ path: `provider.sharing.allowedPrincipals[${i}]`, message: `names account ${account} again (provider.sharing.allowedPrincipals[${first}]); keep one of them` });
      } else accounts.set(account, i);
    }
    if (p === "*" || (PRINCIPAL.iam.test(p) && !/:root$/.test(p))) {
      out.push({
        path: `provider.sharing.allowedPrincipals[${i}]`,
        message: `${p} cannot join a RAM share of resource configurations; list a 12-digit account id, an account root ARN, an OU ARN or the organization ARN`,
      });
    }
  });
}

function checkConsumerTransport(provider: Raw | undefined, consumer: Raw, at: string, out: Problem[]) {
  if (!provider) return;
  if (isResource(provider)) {
    if (consumer.resourceShareArn !== undefined && consumer.acceptResourceShare !== true) {
      out.push({ path: `${at}.resourceShareArn`, message: "names a share to accept, but acceptResourceShare is not true; set it to true or remove resourceShareArn" });
    }
    if (consumer.readerResourceConfigurationArn !== undefined && consumer.resourceConfigurationArn === undefined) {
      out.push({ path: `${at}.readerResourceConfigurationArn`, message: "is set without resourceConfigurationArn; give both (the writer's and the readers') or neither" });
    }
    const cluster = sharesCluster(provider);
    if (!byDns(provider)) {
      if (consumer.readerResourceConfigurationArn !== undefined) {
        out.push({ path: `${at}.readerResourceConfigurationArn`, message: 'does not apply with "resourceDefinition": "arn" (one configuration of the database serves the writer and the readers); remove it, or set provider.resourceDefinition to "dns"' });
      }
      return;
    }
    if (consumer.databaseNames !== undefined) {
      out.push({ path: `${at}.databaseNames`, message: 'does not apply with "resourceDefinition": "dns" (the consumer reaches the database by its own names, which the RDS certificate does not carry); remove it, or use "arn" to get the database\'s names' });
    }
    if (cluster === true && consumer.resourceConfigurationArn !== undefined && consumer.readerResourceConfigurationArn === undefined) {
      out.push({ path: `${at}.resourceConfigurationArn`, message: "names the writer's configuration only; the provider shares a cluster, so add readerResourceConfigurationArn (its reader_resource_configuration_arn output) or remove both" });
    }
    if (cluster === false && consumer.readerResourceConfigurationArn !== undefined) {
      out.push({ path: `${at}.readerResourceConfigurationArn`, message: "the provider shares a Multi-AZ DB instance, which has no reader endpoint; remove it" });
    }
  }
}

/** A consumer's databaseNames must fit what the provider shares: a reader and instances only for a cluster, instances only with memberPorts. */
function checkDatabaseNames(provider: Raw | undefined, consumer: Raw, at: string, out: Problem[]) {
  const names = obj(consumer.databaseNames);
  if (!names || !provider) return;
  const cluster = sharesCluster(provider);
  if (isResource(provider) && names.instances !== undefined) {
    out.push({ path: `${at}.databaseNames.instances`, message: 'does not apply with "transport": "resource" (a resource endpoint has no member ports); remove it' });
    return;
  }
  if (cluster === false) {
    for (const field of ["reader", "instances"]) {
      if (names[field] !== undefined) out.push({ path: `${at}.databaseNames.${field}`, message: "the provider shares a Multi-AZ DB instance, whose certificate names only the instance; remove it" });
    }
    return;
  }
  if (names.instances !== undefined && consumer.memberPorts !== true) {
    out.push({ path: `${at}.databaseNames.instances`, message: "instance names reach their member ports, which are closed without memberPorts; set memberPorts to true or remove instances" });
  }
}
