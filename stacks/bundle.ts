// Bundles the failover function with esbuild into one minified file, once per content:
// the bundle is cached under .gen/ by the hash of its sources and the lock file.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

/**
 * The function's Lambda runtime. nodejs24.x is the goal (nodejs22.x is deprecated on
 * 30 Apr 2027), but the pinned AWS provider 5.100.0 refuses it at validate ("expected runtime
 * to be one of [...] got nodejs24.x"): the provider accepts it from 6.19.0. The move comes
 * with the 21.x bindings (docs/upgrading.md, "Moving to the 21.x AWS bindings"); CI already runs the
 * function's code under Node 24.
 */
export const FUNCTION_RUNTIME = "nodejs22.x";
/** esbuild's target for the runtime's Node version: the bundle uses nothing newer. */
export const BUNDLE_TARGET = `node${FUNCTION_RUNTIME.match(/^nodejs(\d+)\.x$/)![1]}`;
export const FUNCTION_DIR = path.join(ROOT, "functions", "failover-sync");

export function sourceHash(functionDir = FUNCTION_DIR): string {
  // The target is part of the content: a new runtime must not reuse an older build.
  const hash = createHash("sha256").update(BUNDLE_TARGET);
  // Subfolders too: the planner is a folder (plan/), and a change there must rebuild the bundle.
  const files = readdirSync(functionDir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .sort();
  for (const f of files) hash.update(f).update(readFileSync(path.join(functionDir, f)));
  const lock = path.join(ROOT, "package-lock.json");
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest("hex").slice(0, 16);
}

/** The directory that holds index.js, the bundled handler. */
export function bundleFailoverFunction(): string {
  const dir = path.join(ROOT, ".gen", "failover-sync", sourceHash());
  const out = path.join(dir, "index.js");
  if (existsSync(out)) return dir;
  mkdirSync(dir, { recursive: true });
  // Loaded only when a bundle must be built: synth with a warm cache never pays for esbuild.
  const esbuild = require("esbuild") as typeof import("esbuild");
  const tmp = `${out}.${process.pid}.tmp`;
  esbuild.buildSync({
    entryPoints: [path.join(FUNCTION_DIR, "index.ts")],
    bundle: true,
    minify: true,
    platform: "node",
    target: BUNDLE_TARGET,
    format: "cjs",
    outfile: tmp,
    legalComments: "none",
    logLevel: "error",
  });
  renameSync(tmp, out);
  return dir;
}
