// The defaults that depend on other fields, resolved once when the config is loaded: ports,
// member slots, reader count, cluster or instance. Constructs read the result and never decide
// a default again.
import { Engine, ENGINE_PORT, isAurora } from "./engines";
import { Account, Backend, DEFAULT_MEMBER_SLOTS, MEMBER_PORT_OFFSET, ParsedConfig, PRINCIPAL } from "./schema";

export interface Ports {
  writer: number;
  reader: number | null;
  /** Clusters: slot i's member listener (instance-pinned). Empty for a Multi-AZ instance. */
  members: number[];
  /** Clusters with a reader port: slot i's reader-set listener. Empty otherwise. */
  readerSets: number[];
}

export type PortsInput = { writer?: number; reader?: number | null; firstMember?: number };
export type DatabaseInput = { engine: Engine; create?: { readers?: number }; existing?: { clusterIdentifier?: string; instanceIdentifier?: string } };

/** Is the shared database a cluster (Aurora or a Multi-AZ DB cluster) rather than one Multi-AZ instance? */
export function isCluster(database: DatabaseInput): boolean {
  return database.existing ? database.existing.clusterIdentifier !== undefined : isAurora(database.engine);
}

/** Warm member slots: one per created instance, memberSlots for an existing cluster, none for an instance. */
export function resolveMemberSlots(database: DatabaseInput, memberSlots?: number): number {
  if (!isCluster(database)) return 0;
  if (database.create) return 1 + resolveReaders(database.engine, database.create.readers);
  return memberSlots ?? DEFAULT_MEMBER_SLOTS;
}

/** Listener ports with their engine defaults applied. */
export function resolvePorts(engine: Engine, ports: PortsInput = {}, slots = 0): Ports {
  const enginePort = ENGINE_PORT[engine];
  const reader = ports.reader === undefined ? enginePort + 1 : ports.reader;
  const first = ports.firstMember ?? enginePort + MEMBER_PORT_OFFSET;
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
  return {
    writer: ports.writer ?? enginePort,
    reader,
    members: range(first, slots),
    readerSets: reader === null ? [] : range(first + slots, slots),
  };
}


/** Reader instances with the engine default applied. */
export function resolveReaders(engine: Engine, readers?: number): number {
  return readers ?? (isAurora(engine) ? 1 : 0);
}


type ParsedProvider = ParsedConfig["provider"];
type ParsedDatabase = ParsedProvider["database"];

/** The database with what follows from its engine and choice resolved. */
export type DatabaseConfig = Omit<ParsedDatabase, "create"> & {
  /** cluster: Aurora or a Multi-AZ DB cluster (warm member slots); instance: a Multi-AZ DB instance. */
  readonly kind: "cluster" | "instance";
  readonly create?: Omit<NonNullable<ParsedDatabase["create"]>, "readers"> & { readonly readers: number };
};

export type ProviderConfig = Omit<ParsedProvider, "ports" | "failover" | "database"> & {
  readonly database: DatabaseConfig;
  /** Every listener port, defaults applied. */
  readonly ports: Ports;
  /** The slots themselves are ports.members (one port per slot): the count is not kept twice. */
  readonly failover: Omit<ParsedProvider["failover"], "memberSlots">;
};

/** The config every construct receives: valid, with every default resolved. */
export type Config = Omit<ParsedConfig, "provider" | "$schema"> & { readonly provider: ProviderConfig };

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

export function resolveConfig(parsed: ParsedConfig): Config {
  const { $schema: _schema, provider, consumers, ...rest } = parsed;
  const { database, ports, failover: { memberSlots: configuredSlots, ...failover }, ...providerRest } = provider;
  const resource = provider.transport === "resource";
  const memberSlots = resource ? 0 : resolveMemberSlots(database, configuredSlots);
  return {
    ...rest,
    consumers: consumers.map((c) => ({ ...c, backend: resolveBackend(c.backend, c.account) })),
    provider: {
      ...providerRest,
      backend: resolveBackend(provider.backend, provider.account),
      database: {
        ...database,
        kind: isCluster(database) ? "cluster" : "instance",
        create: database.create ? { ...database.create, readers: resolveReaders(database.engine, database.create.readers) } : undefined,
      },
      ports: resource ? resolveResourcePorts(database.engine, isCluster(database), ports.writer) : resolvePorts(database.engine, ports, memberSlots),
      failover,
    },
  };
}
