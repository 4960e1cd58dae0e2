// The README's generated sections: the text between a begin and an end marker, read and rewritten
// by the scripts that generate them (config reference, diagram) and read by the tests.
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";

export const README = path.join(__dirname, "..", "README.md");

/** The section's current text, trimmed. */
export function readSection(begin: string, end: string, file = README): string {
  const text = readFileSync(file, "utf8");
  return text.slice(text.indexOf(begin) + begin.length, text.indexOf(end)).trim();
}

/** Replaces the text between the markers; both must be there. */
export function writeSection(begin: string, end: string, content: string, file = README): void {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < 0) throw new Error(`${path.basename(file)} needs ${begin} and ${end}`);
  writeFileSync(file, `${text.slice(0, start + begin.length)}\n${content}\n${text.slice(stop)}`);
}
