// --help for the project's TypeScript scripts: the script's own header comment is its usage, so
// the two cannot drift. Exit codes are the same everywhere: 0 ok, 1 a finding, 2 a usage or
// config error.
import { readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * Prints the header comment of `file` and exits 0 when the command line asks for help. Any other
 * argument is a usage error, said in one line with exit 2, unless `accepts` lists it: these
 * scripts take no arguments, and one that were ignored would look like it had been obeyed.
 */
export function helpIfAsked(
  file: string,
  argv: string[] = process.argv.slice(2),
  accepts: readonly string[] = [],
): void {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${headerOf(readFileSync(file, "utf8"))}\n`);
    process.exit(0);
  }
  const unknown = argv.find((arg) => !accepts.includes(arg));
  if (unknown !== undefined) {
    const takes = accepts.length ? `it takes ${accepts.join(", ")}` : "it takes none";
    process.stderr.write(
      `${path.relative(process.cwd(), file) || file}: unknown argument ${unknown}; ${takes} (--help prints its usage)\n`,
    );
    process.exit(2);
  }
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
