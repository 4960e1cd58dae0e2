// File -> validated config, or a ConfigError that lists every problem with its path.
import { readFileSync, statSync } from "fs";
import * as path from "path";
import { z } from "zod";
import { AppConfig, resolveConfig } from "./resolve";
import { crossCheck, Problem } from "./rules";
import { ConfigSchema } from "./schema";
import { closest } from "./suggest";

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

export function loadConfigFile(file: string): AppConfig {
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

export function parseConfig(text: string, source = "config"): AppConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(source, [{ path: "", message: describeJsonError(text, e as Error) }]);
  }
  return validateConfig(raw, source);
}

export function validateConfig(raw: unknown, source = "config"): AppConfig {
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

/**
 * The root cause first: a misspelled key with a likely meaning explains the "is required" of the
 * key it meant (and what is checked inside it), so it leads, and those follow, saying so.
 */
function sortProblems(problems: Problem[]): Problem[] {
  const byPath = (a: Problem, b: Problem) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const typos = problems
    .map((p) => ({ p, meant: /did you mean "([^"]+)"/.exec(p.message)?.[1] }))
    .filter((t): t is { p: Problem; meant: string } => t.meant !== undefined && isUnknownKey(t.p))
    .map(({ p, meant }) => ({ p, meant: p.path.includes(".") ? `${p.path.slice(0, p.path.lastIndexOf("."))}.${meant}` : meant }));
  const causeOf = (q: Problem) => typos.find((t) => q.path === t.meant || q.path.startsWith(`${t.meant}.`) || q.path.startsWith(`${t.meant}[`));
  const roots = typos.map((t) => t.p).sort(byPath);
  const rest = problems
    .filter((q) => !roots.includes(q))
    .map((q) => {
      const cause = causeOf(q);
      return cause ? { ...q, message: `${q.message} (follows from ${cause.p.path} above)` } : q;
    })
    .sort(byPath);
  return [...roots, ...rest];
}

const isUnknownKey = (p: Problem) => p.message.startsWith("unknown key");

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
  if (issue.code === "invalid_union") {
    // A value of the kind one option takes (an object entry of consumers[].shares) is judged by
    // that option alone: its own problems, by their paths, say more than "must be one of".
    const branch = issue.errors.find((errors) => errors.length > 0 && !errors.some((e) => e.path.length === 0 && e.code === "invalid_type"));
    if (branch) return branch.flatMap((e) => describeIssue({ ...e, path: [...issue.path, ...e.path] } as z.core.$ZodIssue, raw));
  }
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(issue.path);
    return issue.keys.map((key) => {
      const hint = closest(key, known);
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
  return [{ path: at, message: plain(issue) }];
}

/**
 * The schema's own messages where it gives one; for a bare bound or format check, a sentence in
 * the same voice instead of the validator's text ("Too small: expected number to be >=1").
 */
function plain(issue: z.core.$ZodIssue): string {
  if (!RAW.test(issue.message)) return issue.message;
  const i = issue as z.core.$ZodIssue & { minimum?: number | bigint; maximum?: number | bigint; origin?: string; inclusive?: boolean; values?: unknown[] };
  const unit = i.origin === "string" ? " characters" : i.origin === "array" || i.origin === "set" ? " entries" : "";
  if (issue.code === "too_small") {
    if (unit && Number(i.minimum) === 1) return i.origin === "string" ? "must not be empty" : "must list at least one entry";
    return `must be ${i.inclusive === false ? "more than" : "at least"} ${i.minimum}${unit}`;
  }
  if (issue.code === "too_big") return `must be ${i.inclusive === false ? "less than" : "at most"} ${i.maximum}${unit}`;
  if (issue.code === "invalid_value" && i.values) return `must be one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}`;
  if (issue.code === "not_multiple_of") return "must be a whole number";
  return "has a value this field does not accept; see config/schema.json or the README's config reference";
}

/** The validator's own wording, which names neither the fix nor the field's meaning. */
export const RAW = /^(Too (small|big)|Invalid (input|string|option|type|value|element|key|union)|Unrecognized key|Expected |Number must|String must|Array must|Required$)/;

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
