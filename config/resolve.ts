// The defaults that depend on other fields, resolved once when the config is loaded: ports,
// member slots, reader count, cluster or instance. Constructs read the result and never decide
// a default again.
import { type Engine, ENGINE_PORT, isAurora, PROXY_ENGINE_FAMILY, PROXY_PORT } from "./engines";
import {
  type Account,
  type Backend,
  type ConsumerConfig,
  ConsumerShareSchema,
  defaultMemberSlots,
  DEFAULT_WARM_READER_SETS,
  MEMBER_PORT_OFFSET,
  readerSetCount,
  type ParsedConfig,
  type ParsedConsumer,
  type ParsedShare,
  PRINCIPAL,
} from "./schema";

export interface Ports {
  writer: number;
  reader: number | null;
  /** Clusters: slot i's member listener (instance-pinned). Empty for a Multi-AZ instance. */
  members: number[];
  /** Clusters with a reader port: slot i's reader-set listener. Empty otherwise. */
  readerSets: number[];
}

export type PortsInput = { writer?: number; reader?: number | null; firstMember?: number };
export type DatabaseInput = {
  engine: Engine;
  create?: { readers?: number };
  existing?: { clusterIdentifier?: string; instanceIdentifier?: string };
};

/** Is the shared database a cluster (Aurora or a Multi-AZ DB cluster) rather than one Multi-AZ instance? */
export function isCluster(database: DatabaseInput): boolean {
  return database.existing ? database.existing.clusterIdentifier !== undefined : isAurora(database.engine);
}

/** Warm member slots: memberSlots, by default the engine's largest cluster (fields.ts); none for an instance. */
export function resolveMemberSlots(database: DatabaseInput, memberSlots?: number): number {
  if (!isCluster(database)) return 0;
  return memberSlots ?? defaultMemberSlots(isAurora(database.engine));
}

/** Listener ports with their engine defaults applied. */
export function resolvePorts(
  engine: Engine,
  ports: PortsInput = {},
  slots = 0,
  warmReaderSets = DEFAULT_WARM_READER_SETS,
): Ports {
  const enginePort = ENGINE_PORT[engine];
  const reader = ports.reader === undefined ? enginePort + 1 : ports.reader;
  const first = ports.firstMember ?? enginePort + MEMBER_PORT_OFFSET;
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
  return {
    writer: ports.writer ?? enginePort,
    reader,
    members: range(first, slots),
    readerSets: reader === null ? [] : range(first + slots, readerSetCount(slots, warmReaderSets)),
  };
}

/** Reader instances with the engine default applied. */
export function resolveReaders(engine: Engine, readers?: number): number {
  return readers ?? (isAurora(engine) ? 1 : 0);
}

type ParsedProvider = ParsedConfig["provider"];
/** What every share of a config has in common: where the provider stack lives. */
type ProviderCommon = Pick<ParsedProvider, "account" | "backend" | "network">;
/** One share's keys as the schema leaves them, with the provider's common keys. */
type ParsedShareProvider = ProviderCommon & Omit<ParsedShare, "name">;
type ParsedDatabase = ParsedShare["database"];

/** The database with what follows from its engine and choice resolved. */
export type DatabaseConfig = Omit<ParsedDatabase, "create" | "proxy"> & {
  /** cluster: Aurora or a Multi-AZ DB cluster (warm member slots); instance: a Multi-AZ DB instance. */
  readonly kind: "cluster" | "instance";
  readonly create?: Omit<NonNullable<ParsedDatabase["create"]>, "readers"> & { readonly readers: number };
  /** An RDS Proxy in front of it, defaults resolved; absent: the warm member slots. */
  readonly proxy?: ProxyConfig;
};

type ParsedProxy = NonNullable<ParsedDatabase["proxy"]>;
export interface ProxyConfig {
  /** Does the reader port go to a read-only endpoint of its own (created, or named), rather than the proxy's? */
  readonly readOnlyEndpoint: boolean;
  /** Where the proxy listens, whatever the database's port: its engine family's (config/engines.ts). */
  readonly engineFamily: "MYSQL" | "POSTGRESQL";
  readonly port: number;
  readonly create?: Omit<NonNullable<ParsedProxy["create"]>, "readOnlyEndpoint"> & {
    readonly readOnlyEndpoint: boolean;
  };
  readonly existing?: NonNullable<ParsedProxy["existing"]>;
}

/** The proxy with its defaults: a read-only endpoint for a created cluster with readers; its family's port. */
function resolveProxy(database: ParsedDatabase): ProxyConfig | undefined {
  const proxy = database.proxy;
  if (!proxy) return undefined;
  const engineFamily = PROXY_ENGINE_FAMILY[database.engine];
  const readers = database.create ? resolveReaders(database.engine, database.create.readers) : 0;
  const createReadOnly = proxy.create ? (proxy.create.readOnlyEndpoint ?? (isCluster(database) && readers > 0)) : false;
  return {
    readOnlyEndpoint: proxy.existing ? proxy.existing.readOnlyEndpoint !== undefined : createReadOnly,
    engineFamily,
    port: PROXY_PORT[engineFamily],
    ...(proxy.create ? { create: { ...proxy.create, readOnlyEndpoint: createReadOnly } } : {}),
    ...(proxy.existing ? { existing: proxy.existing } : {}),
  };
}

export type ProviderConfig = Omit<ParsedShareProvider, "ports" | "failover" | "database"> & {
  readonly database: DatabaseConfig;
  /** Every listener port, defaults applied. */
  readonly ports: Ports;
  /** The slots themselves are ports.members (one port per slot): the count is not kept twice. */
  readonly failover: Omit<ParsedShare["failover"], "memberSlots">;
};

/**
 * What one share's constructs receive: valid, with every default resolved. name is the prefix of
 * the share's resource names: the config's name in the single-database form, <config>-<share>
 * with provider.shares. consumers are those that reach the share, each with its settings of it.
 */
export interface Config {
  readonly name: string;
  readonly tags: Record<string, string>;
  readonly provider: ProviderConfig;
  readonly consumers: ConsumerConfig[];
  /** The names AWS keeps unique beyond a stack (config/names.ts): the config's name, and the share's within it. */
  readonly nameScope: { readonly share: string; readonly part?: string };
}

/** The ports a consumer opens: what a share's descriptor carries (reader sets are the provider's own). */
export type ConsumerPorts = Pick<Ports, "writer" | "reader" | "members">;

/**
 * What a consumer's stack knows of one share: a share's Config carries it (the provider's config),
 * and so does its descriptor (a consumer-only config, config/consumer-only.ts). The consumer's
 * side reads nothing else of the provider, so a stack built from either is the same.
 */
export interface SharedView {
  readonly name: string;
  readonly nameScope: Config["nameScope"];
  readonly provider: {
    readonly transport: ProviderConfig["transport"];
    readonly account: { readonly region: string; readonly accountId?: string };
    readonly database: {
      readonly engine: Engine;
      readonly kind: DatabaseConfig["kind"];
      /** An RDS Proxy in front of it: its names and certificate are what consumers reach (the trust store: Amazon's roots). */
      readonly proxy?: SharedProxy;
    };
    readonly ports: ConsumerPorts;
    /** The resource transport's: one configuration of the database (arn), or of its endpoints (dns). */
    readonly resourceDefinition?: ProviderConfig["resourceDefinition"];
  };
}

/** What a consumer knows of a share's proxy: whether the reader port has a read-only endpoint's name of its own. */
export interface SharedProxy {
  readonly readOnlyEndpoint: boolean;
}

/** Is the share behind an RDS Proxy? */
export const behindProxy = (view: SharedView): boolean => view.provider.database.proxy !== undefined;

/** One database behind one transport, as the stacks build it. */
export interface ShareConfig {
  /** The share's name: the config's in the single-database form. */
  readonly name: string;
  /**
   * false: the single-database form, whose resources and outputs stand at the stacks' top level
   * (their addresses are those of every release before shares); true: under a construct named by
   * the share, with outputs named <share>_<output>.
   */
  readonly scoped: boolean;
  readonly config: Config;
}

/** A consumer of the whole config: its own keys, and the shares it reaches. */
export type AppConsumer = Pick<
  ParsedConsumer,
  | "name"
  | "account"
  | "backend"
  | "network"
  | "allowedCidrs"
  | "allowedSecurityGroupIds"
  | "providerAzIds"
  | "shareFacts"
> & {
  /** Names of the shares it reaches, in the order of provider.shares. */
  readonly shares: string[];
};

/** The whole config, valid and resolved: the provider's account, every share, every consumer. */
export interface AppConfig {
  readonly name: string;
  readonly tags: Record<string, string>;
  readonly provider: ProviderCommon;
  readonly shares: ShareConfig[];
  readonly consumers: AppConsumer[];
}

/** The one share of a single-database config (tests and tools that take one database). */
export function onlyShare(app: AppConfig): Config {
  if (app.shares.length !== 1)
    throw new Error(
      `the config has ${app.shares.length} shares (${app.shares.map((s) => s.name).join(", ")}); name the one you mean`,
    );
  return app.shares[0].config;
}

/** Output names of a scoped share: <share>_<output>, hyphens as underscores (Terraform expressions read a hyphen as minus). */
export function shareOutputName(share: string, output: string): string {
  return `${share.replace(/-/g, "_")}_${output}`;
}

/**
 * The resource transport passes the database's port through unchanged: the writer and reader
 * endpoints both use it (ports.writer, when given, states it for a database on another port).
 * A cluster always has a reader endpoint (Aurora sends it to the writer while there is no
 * reader); a Multi-AZ instance has none.
 */
export function resolveResourcePorts(engine: Engine, cluster: boolean, writer?: number): Ports {
  const port = writer ?? ENGINE_PORT[engine];
  return { writer: port, reader: cluster ? port : null, members: [], readerSets: [] };
}

/** RAM principals: account root ARNs become account ids; ids, OUs and the organization stay. */
export function ramPrincipal(principal: string): string {
  return PRINCIPAL.iam.test(principal) && principal.endsWith(":root") ? principal.split(":")[4] : principal;
}

/**
 * The accounts of endpoint-service principals, for the RAM share of the share's descriptor: an
 * account root, role or user ARN gives its account (RAM shares with whole accounts, never with
 * a role or a user); "*" gives none, since RAM cannot share with everyone. Each account once, in
 * the order first named.
 */
export function accountsOfIamPrincipals(principals: readonly string[]): string[] {
  const accounts = principals.filter((p) => PRINCIPAL.iam.test(p)).map((p) => p.split(":")[4]);
  return [...new Set(accounts)];
}

/**
 * An S3 backend reaches its state with the stack's own account credentials unless it names its
 * own: without this, terraform init and the consumers' remote-state reads would use whatever
 * credentials the shell has, which in a multi-account setup is the wrong account or none.
 */
export function resolveBackend(backend: Backend, account: Account): Backend {
  if (backend.type !== "s3") return backend;
  const own = backend.profile !== undefined || backend.roleArn !== undefined;
  return {
    ...backend,
    profile: backend.profile ?? account.profile,
    roleArn: own ? backend.roleArn : account.assumeRoleArn,
  };
}

/** The consumer keys every share of a consumer has in common; the rest are its settings of one share. */
export const CONSUMER_COMMON_KEYS = [
  "name",
  "account",
  "backend",
  "network",
  "allowedCidrs",
  "allowedSecurityGroupIds",
  "providerAzIds",
  "shareFacts",
] as const;

export function resolveConfig(parsed: ParsedConfig): AppConfig {
  const { $schema: _schema, provider, consumers, name, tags } = parsed;
  const common: ProviderCommon = {
    account: provider.account,
    backend: resolveBackend(provider.backend, provider.account),
    network: provider.network,
  };
  const appConsumers = consumers.map((c) => ({
    ...pick(c, CONSUMER_COMMON_KEYS),
    backend: resolveBackend(c.backend, c.account),
  }));
  if (!provider.shares) {
    // The single-database form: one share, named by the config, whose consumers are every consumer as written.
    const { shares: _shares, ...single } = provider;
    const view = resolveShare(
      name,
      tags,
      { ...single, ...common, database: single.database! },
      consumers.map(({ shares: _s, ...c }) => ({ ...c, backend: resolveBackend(c.backend, c.account) })),
      { share: name },
    );
    return {
      name,
      tags,
      provider: common,
      shares: [{ name, scoped: false, config: view }],
      consumers: appConsumers.map((c) => ({ ...c, shares: [name] })),
    };
  }
  const shareNames = provider.shares.map((s) => s.name);
  // Each consumer's entries, once: a share named by a string takes every default of an entry.
  const entries = consumers.map((c) =>
    (c.shares ?? shareNames).map((e) => (typeof e === "string" ? ConsumerShareSchema.parse({ name: e }) : e)),
  );
  const shares = provider.shares.map(({ name: share, ...settings }): ShareConfig => {
    const reaching = consumers.flatMap((_c, i) => {
      const entry = entries[i].find((e) => e.name === share);
      if (!entry) return [];
      const { name: _n, ...own } = entry;
      return [{ ...appConsumers[i], ...own } as ConsumerConfig];
    });
    return {
      name: share,
      scoped: true,
      config: resolveShare(`${name}-${share}`, tags, { ...settings, ...common }, reaching, {
        share: name,
        part: share,
      }),
    };
  });
  const order = (i: number) => shareNames.filter((s) => entries[i].some((e) => e.name === s));
  return { name, tags, provider: common, shares, consumers: appConsumers.map((c, i) => ({ ...c, shares: order(i) })) };
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Pick<T, K>;
}

function resolveShare(
  name: string,
  tags: Record<string, string>,
  provider: ParsedShareProvider,
  consumers: ConsumerConfig[],
  nameScope: Config["nameScope"],
): Config {
  const {
    database,
    ports,
    failover: { memberSlots: configuredSlots, ...failover },
    ...providerRest
  } = provider;
  const resource = provider.transport === "resource";
  // Behind a proxy the proxy picks the node: no member slots and no reader sets.
  const memberSlots = resource || database.proxy ? 0 : resolveMemberSlots(database, configuredSlots);
  return {
    name,
    tags,
    nameScope,
    consumers,
    provider: {
      ...providerRest,
      database: {
        ...database,
        kind: isCluster(database) ? "cluster" : "instance",
        create: database.create
          ? { ...database.create, readers: resolveReaders(database.engine, database.create.readers) }
          : undefined,
        proxy: resolveProxy(database),
      },
      ports: resource
        ? resolveResourcePorts(database.engine, isCluster(database), ports.writer)
        : resolvePorts(database.engine, ports, memberSlots, failover.warmReaderSets),
      // A created instance's standby is found by default: this project owns its security group.
      failover:
        isCluster(database) || database.proxy
          ? failover
          : { ...failover, standbyDiscovery: failover.standbyDiscovery ?? database.create !== undefined },
    },
  };
}
