// File -> validated config, or a ConfigError that lists every problem with its path.
import { readFileSync, statSync } from "fs";
import * as path from "path";
import { z } from "zod";
import { Config, resolveConfig } from "./resolve";
import { crossCheck, Problem } from "./rules";
import { ConfigSchema } from "./schema";

export const CONFIG_ENV = "RDS_PRIVATELINK_CONFIG";
export const DEFAULT_CONFIG = path.join(__dirname, "default.json");
export const MAX_CONFIG_BYTES = 1024 * 1024;
export const MAX_DEPTH = 32;

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: Problem[],
  ) {
    super(
      `${source}: ${problems.length} problem${problems.length === 1 ? "" : "s"} in the config\n` +
        problems.map((p) => `  - ${p.path || "(top level)"}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** The config file the app reads: $RDS_PRIVATELINK_CONFIG, else the embedded demo. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[CONFIG_ENV];
  return fromEnv && fromEnv.trim() !== "" ? path.resolve(fromEnv) : DEFAULT_CONFIG;
}

export function loadConfigFile(file: string): Config {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new ConfigError(file, [{ path: "", message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? e}); check ${CONFIG_ENV}` }]);
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError(file, [{ path: "", message: `the file is ${size} bytes; a config is at most ${MAX_CONFIG_BYTES} bytes` }]);
  }
  return parseConfig(readFileSync(file, "utf8"), file);
}

export function parseConfig(text: string, source = "config"): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(source, [{ path: "", message: describeJsonError(text, e as Error) }]);
  }
  return validateConfig(raw, source);
}

export function validateConfig(raw: unknown, source = "config"): Config {
  const depth = depthOf(raw);
  if (depth > MAX_DEPTH) {
    throw new ConfigError(source, [{ path: "", message: `nesting is ${depth} levels deep; a config is at most ${MAX_DEPTH}` }]);
  }
  const result = ConfigSchema.safeParse(raw);
  const problems: Problem[] = result.success ? [] : result.error.issues.flatMap((i) => describeIssue(i, raw));
  for (const p of crossCheck(raw)) {
    if (!problems.some((q) => q.path === p.path && q.message === p.message)) problems.push(p);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(source, sortProblems(problems));
  return resolveConfig(result.data);
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out === "" ? String(s) : `.${String(s)}`;
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): Problem[] {
  const at = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(issue.path);
    return issue.keys.map((key) => {
      const hint = suggest(key, known);
      return {
        path: at ? `${at}.${key}` : key,
        message: `unknown key${hint ? `; did you mean "${hint}"?` : known.length ? `; allowed keys: ${known.join(", ")}` : ""}`,
      };
    });
  }
  if (issue.code === "invalid_type" && valueAt(raw, issue.path) === undefined) {
    return [{ path: at, message: "is required" }];
  }
  if (issue.code === "invalid_type" && issue.expected === "int") {
    return [{ path: at, message: "must be a whole number" }];
  }
  if (issue.code === "invalid_type") {
    return [{ path: at, message: `must be ${article(issue.expected)}, not ${kindOf(valueAt(raw, issue.path))}` }];
  }
  return [{ path: at, message: issue.message }];
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}

function valueAt(raw: unknown, segments: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const s of segments) {
    if (v === null || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(v, s)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[s];
  }
  return v;
}

/** The keys the schema allows at a path, found by walking the schema itself. */
function knownKeys(segments: readonly PropertyKey[]): string[] {
  let nodes: z.core.$ZodType[] = [ConfigSchema];
  for (const s of segments) {
    nodes = nodes.flatMap((n) => unwrap(n)).flatMap((n) => childOf(n, s));
  }
  const keys = new Set<string>();
  for (const n of nodes.flatMap((x) => unwrap(x))) {
    if (n._zod.def.type === "object") Object.keys((n._zod.def as z.core.$ZodObjectDef).shape).forEach((k) => keys.add(k));
  }
  keys.delete("$schema");
  return [...keys];
}

function unwrap(n: z.core.$ZodType): z.core.$ZodType[] {
  const def = n._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
      return unwrap(def.innerType as z.core.$ZodType);
    case "pipe":
      return unwrap(def.in as z.core.$ZodType);
    case "union":
      return (def.options as z.core.$ZodType[]).flatMap((o) => unwrap(o));
    default:
      return [n];
  }
}

function childOf(n: z.core.$ZodType, segment: PropertyKey): z.core.$ZodType[] {
  const def = n._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === "object" && typeof segment === "string") {
    const child = (def.shape as Record<string, z.core.$ZodType>)[segment];
    return child ? [child] : [];
  }
  if (def.type === "array" && typeof segment === "number") return [def.element as z.core.$ZodType];
  return [];
}

function suggest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Nesting depth, measured without recursion so hostile input cannot overflow the stack. */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d > max) max = d;
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return max;
}

function describeJsonError(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  const detail = e.message.replace(/^JSON\.parse: /, "").replace(/ in JSON at position \d+.*$/, "");
  if (!m) return `not valid JSON (${detail}); config files are JSON`;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return `not valid JSON at line ${line}, column ${column}: ${detail}`;
}
