// File -> validated config, or a ConfigError that lists every problem with its path.
import { existsSync, readFileSync, type Stats, statSync } from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import {
  type ConsumerOnlyConfig,
  ConsumerOnlyConfigSchema,
  isConsumerOnly,
  resolveConsumerOnly,
} from "./consumer-only";
import { type AppConfig, resolveConfig } from "./resolve";
import { crossCheck, type Problem } from "./rules";
import { findJsonSyntaxError } from "./json-syntax";
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
    // A problem with the file as a whole (unreadable, not JSON) is one line; a config's problems are a list.
    super(
      problems.length === 1 && problems[0].path === ""
        ? `${source}: ${problems[0].message}`
        : `${source}: ${problems.length} problem${problems.length === 1 ? "" : "s"} in the config\n` +
            problems.map((p) => `  - ${p.path || "(top level)"}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Where a command's config path came from, so that a message about it can say what to fix. */
export type ConfigOrigin = "argument" | "env" | "default";

export interface ConfigSource {
  /** The file to read, absolute. */
  readonly file: string;
  readonly origin: ConfigOrigin;
  /** Said once on stderr: a directory was given and its config.json is read. */
  readonly note?: string;
}

/**
 * The config a command reads: its argument, else $RDS_PRIVATELINK_CONFIG, else the embedded
 * demo. The examples are directories, so a directory that holds a config.json stands for it.
 */
export function configSource(arg?: string, env: NodeJS.ProcessEnv = process.env): ConfigSource {
  const fromEnv = env[CONFIG_ENV];
  const given = arg ?? (fromEnv && fromEnv.trim() !== "" ? fromEnv : undefined);
  if (given === undefined) return { file: DEFAULT_CONFIG, origin: "default" };
  const origin = arg === undefined ? "env" : "argument";
  const file = path.resolve(given);
  const inside = configJsonIn(file);
  if (!inside) return { file, origin };
  const by = origin === "env" ? `${CONFIG_ENV}=${given}` : given;
  return { file: inside, origin, note: `${by} is a directory: reading ${shownPath(inside)}` };
}

/** The config file the app reads: $RDS_PRIVATELINK_CONFIG (a directory stands for its config.json), else the embedded demo. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return configSource(undefined, env).file;
}

/** A provider's config (the provider stack and its consumers), or a consumer team's own (config/consumer-only.ts). */
export type LoadedConfig = AppConfig | ConsumerOnlyConfig;

export function isConsumerOnlyConfig(config: LoadedConfig): config is ConsumerOnlyConfig {
  return "form" in config && config.form === "consumer-only";
}

/**
 * Reads and validates a provider's config. A consumer-only config is refused with one line:
 * the callers that take one call loadAnyConfigFile.
 */
export function loadConfigFile(file: string, origin?: ConfigOrigin, command = "this command"): AppConfig {
  const config = loadAnyConfigFile(file, origin);
  if (isConsumerOnlyConfig(config))
    throw new ConfigError(shownPath(file), [
      {
        path: "",
        message: `is a consumer-only config (it has consumer, not provider); ${command} takes the provider's config`,
      },
    ]);
  return config;
}

/**
 * Reads and validates a config file of either form. `origin` says where its path came from, so
 * that a file that cannot be read is reported with the place to fix it: the command line or the variable.
 */
export function loadAnyConfigFile(file: string, origin?: ConfigOrigin): LoadedConfig {
  const shown = shownPath(file);
  const fail = (message: string): never => {
    throw new ConfigError(shown, [{ path: "", message }]);
  };
  const fix =
    origin === "argument"
      ? "; check the path given on the command line"
      : origin === "env"
        ? `; check ${CONFIG_ENV}`
        : "";
  let stat: Stats;
  try {
    stat = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      `cannot read the file (${code === "ENOENT" ? "ENOENT: no such file or directory" : (code ?? String(e))})${fix}`,
    );
  }
  if (stat.isDirectory()) {
    const inside = configJsonIn(file);
    if (!inside)
      return fail(
        `is a directory with no config.json; name a config file, such as examples/minimal/config.json${fix ? ` (${fix.slice(2)})` : ""}`,
      );
    return loadAnyConfigFile(inside, origin);
  }
  if (stat.size > MAX_CONFIG_BYTES) {
    return fail(`the file is ${stat.size} bytes; a config is at most ${MAX_CONFIG_BYTES} bytes`);
  }
  return parseAnyConfig(readFileSync(file, "utf8"), shown, path.dirname(file));
}

export function parseConfig(text: string, source = "config"): AppConfig {
  const config = parseAnyConfig(text, source, process.cwd());
  if (isConsumerOnlyConfig(config))
    throw new ConfigError(source, [
      { path: "", message: "is a consumer-only config; a provider's config was expected" },
    ]);
  return config;
}

/** Parses either form; a consumer-only config reads its saved descriptors relative to `dir`. */
export function parseAnyConfig(text: string, source: string, dir: string): LoadedConfig {
  let raw: unknown;
  // An editor's byte order mark is not part of the JSON.
  const json = text.replace(/^\uFEFF/, "");
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new ConfigError(source, [{ path: "", message: describeJsonError(json, e as Error) }]);
  }
  if (isConsumerOnly(raw)) return validateConsumerOnly(raw, source, dir);
  return validateConfig(raw, source);
}

function validateConsumerOnly(raw: unknown, source: string, dir: string): ConsumerOnlyConfig {
  const depth = depthOf(raw);
  if (depth > MAX_DEPTH) {
    throw new ConfigError(source, [
      { path: "", message: `nesting is ${depth} levels deep; a config is at most ${MAX_DEPTH}` },
    ]);
  }
  const result = resolveConsumerOnly(raw, dir, (error) =>
    error.issues.flatMap((i) => describeIssue(i, raw, ConsumerOnlyConfigSchema)),
  );
  if (Array.isArray(result)) throw new ConfigError(source, sortProblems(result));
  return result;
}

/** The config.json inside `dir`, when `dir` is a directory that holds one. */
function configJsonIn(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  const inside = path.join(dir, "config.json");
  return existsSync(inside) && statSync(inside).isFile() ? inside : undefined;
}

/** A path as the user would write it: relative to the working directory when inside it. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

export function validateConfig(raw: unknown, source = "config"): AppConfig {
  const depth = depthOf(raw);
  if (depth > MAX_DEPTH) {
    throw new ConfigError(source, [
      { path: "", message: `nesting is ${depth} levels deep; a config is at most ${MAX_DEPTH}` },
    ]);
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
    .map(({ p, meant }) => ({
      p,
      meant: p.path.includes(".") ? `${p.path.slice(0, p.path.lastIndexOf("."))}.${meant}` : meant,
    }));
  const causeOf = (q: Problem) =>
    typos.find((t) => q.path === t.meant || q.path.startsWith(`${t.meant}.`) || q.path.startsWith(`${t.meant}[`));
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

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, root: z.core.$ZodType = ConfigSchema): Problem[] {
  const at = formatPath(issue.path);
  if (issue.code === "invalid_union") {
    // A value of the kind one option takes (an object entry of consumers[].shares) is judged by
    // that option alone: its own problems, by their paths, say more than "must be one of".
    const branch = issue.errors.find(
      (errors) => errors.length > 0 && !errors.some((e) => e.path.length === 0 && e.code === "invalid_type"),
    );
    if (branch)
      return branch.flatMap((e) =>
        describeIssue({ ...e, path: [...issue.path, ...e.path] } as z.core.$ZodIssue, raw, root),
      );
  }
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(issue.path, root);
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
  if (issue.code === "invalid_value") {
    // Name what the user wrote, and the value it likely meant: "postgresql" for "postgres".
    const value = valueAt(raw, issue.path);
    const values = (issue as { values?: unknown[] }).values ?? [];
    if (value !== undefined) {
      const hint =
        typeof value === "string" && values.every((v) => typeof v === "string")
          ? closest(value, values as string[])
          : undefined;
      const wrote = typeof value === "string" ? JSON.stringify(value) : kindOf(value);
      return [{ path: at, message: `${plain(issue)}: ${wrote} is not one${hint ? `; did you mean "${hint}"?` : ""}` }];
    }
  }
  return [{ path: at, message: plain(issue) }];
}

/**
 * The schema's own messages where it gives one; for a bare bound or format check, a sentence in
 * the same voice instead of the validator's text ("Too small: expected number to be >=1").
 */
function plain(issue: z.core.$ZodIssue): string {
  if (!RAW.test(issue.message)) return issue.message;
  const i = issue as z.core.$ZodIssue & {
    minimum?: number | bigint;
    maximum?: number | bigint;
    origin?: string;
    inclusive?: boolean;
    values?: unknown[];
  };
  const unit = i.origin === "string" ? " characters" : i.origin === "array" || i.origin === "set" ? " entries" : "";
  if (issue.code === "too_small") {
    if (unit && Number(i.minimum) === 1)
      return i.origin === "string" ? "must not be empty" : "must list at least one entry";
    return `must be ${i.inclusive === false ? "more than" : "at least"} ${i.minimum}${unit}`;
  }
  if (issue.code === "too_big") return `must be ${i.inclusive === false ? "less than" : "at most"} ${i.maximum}${unit}`;
  if (issue.code === "invalid_value" && i.values)
    return `must be one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}`;
  if (issue.code === "not_multiple_of") return "must be a whole number";
  return "has a value this field does not accept; see config/schema.json or the config reference in docs/configuration.md";
}

/** The validator's own wording, which names neither the fix nor the field's meaning. */
export const RAW =
  /^(Too (small|big)|Invalid (input|string|option|type|value|element|key|union)|Unrecognized key|Expected |Number must|String must|Array must|Required$)/;

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
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, s)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[s];
  }
  return v;
}

/** The keys the schema allows at a path, found by walking the schema itself. */
function knownKeys(segments: readonly PropertyKey[], root: z.core.$ZodType): string[] {
  let nodes: z.core.$ZodType[] = [root];
  for (const s of segments) {
    nodes = nodes.flatMap((n) => unwrap(n)).flatMap((n) => childOf(n, s));
  }
  const keys = new Set<string>();
  for (const n of nodes.flatMap((x) => unwrap(x))) {
    if (n._zod.def.type === "object") {
      for (const k of Object.keys((n._zod.def as z.core.$ZodObjectDef).shape)) keys.add(k);
    }
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
  if (text.trim() === "") return "not valid JSON: the file is empty; a config is a JSON object, { ... }";
  // The mistake itself (the comma of a trailing comma), not where JSON.parse stopped.
  const found = findJsonSyntaxError(text);
  if (found) return `not valid JSON at line ${found.line}, column ${found.column}: ${found.message}`;
  const m = /position (\d+)/.exec(e.message);
  const detail = e.message.replace(/^JSON\.parse: /, "").replace(/ in JSON at position \d+.*$/, "");
  if (!m) return `not valid JSON (${detail}); config files are JSON`;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return `not valid JSON at line ${line}, column ${column}: ${detail}`;
}
