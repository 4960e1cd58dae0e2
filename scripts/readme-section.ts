// The generated sections of the README and the docs/ pages: the text between a begin and an end
// marker, read and rewritten by the scripts that generate them (the diagram in the README, the
// config reference in docs/configuration.md, the stack resources in
// docs/resources-and-permissions.md) and read by the tests that keep them in step.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
export const README = path.join(ROOT, "README.md");

/** A page of docs/, by its file name. */
export function docsPage(name: string): string {
  return path.join(ROOT, "docs", name);
}

function markers(text: string, begin: string, end: string, file: string): [number, number] {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`${path.relative(ROOT, file)} needs ${begin} and, after it, ${end}`);
  return [start, stop];
}

/** The section's current text, trimmed. */
export function readSection(begin: string, end: string, file = README): string {
  const text = readFileSync(file, "utf8");
  const [start, stop] = markers(text, begin, end, file);
  return text.slice(start + begin.length, stop).trim();
}

/** Replaces the text between the markers; both must be there. */
export function writeSection(begin: string, end: string, content: string, file = README): void {
  const text = readFileSync(file, "utf8");
  const [start, stop] = markers(text, begin, end, file);
  writeFileSync(file, `${text.slice(0, start + begin.length)}\n${content}\n${text.slice(stop)}`);
}
