// --help for the project's TypeScript scripts: the script's own header comment is its usage, so
// the two cannot drift. Exit codes are the same everywhere: 0 ok, 1 a finding, 2 a usage or
// config error.
import { readFileSync } from "fs";

/** Prints the header comment of `file` and exits 0 when the command line asks for help. */
export function helpIfAsked(file: string, argv: string[] = process.argv.slice(2)): void {
  if (!argv.includes("--help") && !argv.includes("-h")) return;
  process.stdout.write(`${headerOf(readFileSync(file, "utf8"))}\n`);
  process.exit(0);
}

/** The leading // comment block, without the slashes. */
export function headerOf(source: string): string {
  const lines: string[] = [];
  for (const line of source.split("\n")) {
    if (!line.startsWith("//")) break;
    lines.push(line.replace(/^\/\/ ?/, ""));
  }
  return lines.join("\n");
}
