// Facts about the database engines: names, ports, which are clusters, which logs they export.
// Read by the schema, the rules, the resolver and the database construct; decided nowhere else.

export const ENGINES = ["aurora-mysql", "aurora-postgresql", "mysql", "postgres"] as const;
export type Engine = (typeof ENGINES)[number];

export const ENGINE_PORT: Record<Engine, number> = {
  "aurora-mysql": 3306,
  "aurora-postgresql": 5432,
  mysql: 3306,
  postgres: 5432,
};

export function isAurora(engine: Engine): boolean {
  return engine.startsWith("aurora-");
}

/** The Aurora engine of the same family, for messages that suggest one. */
export function auroraOf(engine: Engine): Engine {
  return engine === "postgres" || engine === "aurora-postgresql" ? "aurora-postgresql" : "aurora-mysql";
}

/** Logs a created database exports to CloudWatch, per engine. */
export const LOG_EXPORTS: Record<Engine, string[]> = {
  "aurora-mysql": ["error", "slowquery"],
  "aurora-postgresql": ["postgresql"],
  mysql: ["error", "slowquery"],
  postgres: ["postgresql"],
};

/**
 * RDS Proxy: every engine here has a proxy engine family (RDS User Guide, "Supported Regions and
 * DB engines for Amazon RDS Proxy": not for RDS for Oracle or Db2), and a proxy listens on its
 * family's port whatever the database's ("all proxies listen on port 3306 for MySQL" and "port
 * 5432 for PostgreSQL"; "The proxies still connect to your database using the port that you
 * specified in the database settings": RDS User Guide, "RDS Proxy limitations").
 */
export const PROXY_ENGINE_FAMILY: Record<Engine, "MYSQL" | "POSTGRESQL"> = {
  "aurora-mysql": "MYSQL",
  "aurora-postgresql": "POSTGRESQL",
  mysql: "MYSQL",
  postgres: "POSTGRESQL",
};

export const PROXY_PORT: Record<"MYSQL" | "POSTGRESQL", number> = { MYSQL: 3306, POSTGRESQL: 5432 };

/**
 * Aurora MySQL versions RDS Proxy does not take: "Version 3.01.0 and higher" and "Version 2.07
 * and version 2.11 and higher" (Aurora User Guide, "Supported Regions and Aurora DB engines for
 * RDS Proxy"). A version it cannot read is left to RDS. The other engines' current version lists
 * could not be confirmed here: RDS refuses them at apply (docs/proxy.md).
 */
export function proxyRefusesVersion(engine: Engine, version: string): string | undefined {
  if (engine !== "aurora-mysql") return undefined;
  const m = /mysql_aurora\.(\d+)\.(\d+)/.exec(version);
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major === 2 && (minor < 7 || (minor > 7 && minor < 11)))
    return `Aurora MySQL ${m[1]}.${m[2]} is not among the versions RDS Proxy supports (2.07, 2.11 and higher, 3.01.0 and higher: Aurora User Guide, "Supported Regions and Aurora DB engines for RDS Proxy"); choose one of those, or leave out provider.database.proxy`;
  if (major < 2) return `Aurora MySQL ${m[1]} predates RDS Proxy's versions (2.07, 2.11 and higher, 3.01.0 and higher)`;
  return undefined;
}
