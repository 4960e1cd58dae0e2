// The raw config as the rules read it: before the schema's types and defaults, so that the rules
// report alongside the schema's own errors. Shared by the common rules (rules.ts) and each
// transport's (transports/<name>/rules.ts).
import { type Engine, ENGINES } from "./engines";
import { azIdProblem, isKnownRegion } from "./regions";
import { isCluster } from "./resolve";
import { AZ_ID } from "./schema";

export interface Problem {
  path: string;
  message: string;
}

export type Raw = Record<string, unknown>;
export const obj = (v: unknown): Raw | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function valueAt(root: Raw, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((v, k) => obj(v)?.[k], root);
}

export function exactlyOne(value: unknown, path: string, a: string, b: string, out: Problem[]) {
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

/** The raw provider's engine, or undefined when it is missing or invalid (the schema reports it). */
export function engineOf(provider: Raw): Engine | undefined {
  const db = obj(provider.database);
  return ENGINES.includes(db?.engine as Engine) ? (db!.engine as Engine) : undefined;
}

/** Does the raw provider share a cluster (true) or a Multi-AZ instance (false)? undefined when its engine is invalid. */
export function sharesCluster(provider: Raw): boolean | undefined {
  const engine = engineOf(provider);
  if (!engine) return undefined;
  const existing = obj(obj(provider.database)?.existing);
  return isCluster({
    engine,
    existing: existing ? { clusterIdentifier: existing.clusterIdentifier as string | undefined } : undefined,
  });
}

/** The provider's and the consumer's regions, when both are valid (an invalid one is reported by the schema). */
export function regionsOf(provider: Raw, consumer: Raw): { provider: string; consumer: string } | undefined {
  const [p, c] = [obj(provider.account)?.region, obj(consumer.account)?.region];
  const valid = (r: unknown): r is string => typeof r === "string" && isKnownRegion(r);
  return valid(p) && valid(c) ? { provider: p, consumer: c } : undefined;
}

/**
 * The AZ IDs of a provider and a consumer in one region, when both created networks list them and
 * every one is well formed and of that region: only then are they compared.
 */
export function sameRegionAzIds(
  provider: Raw,
  consumer: Raw,
): { provider: unknown[]; consumer: unknown[] } | undefined {
  const regions = regionsOf(provider, consumer);
  if (!regions || regions.provider !== regions.consumer) return undefined;
  const pIds = arr(obj(obj(provider.network)?.create)?.azIds);
  const cIds = arr(obj(obj(consumer.network)?.create)?.azIds);
  const ofRegion = (ids: unknown[]) =>
    ids.length > 0 &&
    ids.every((id) => typeof id === "string" && AZ_ID.test(id) && azIdProblem(id, regions.provider) === undefined);
  return ofRegion(pIds) && ofRegion(cIds) ? { provider: pIds, consumer: cIds } : undefined;
}
