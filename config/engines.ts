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
