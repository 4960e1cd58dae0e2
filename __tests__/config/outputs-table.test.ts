// The "Stack outputs" table of docs/configuration.md is written by hand, grouped for readers; this keeps it and
// the outputs contract (stacks/outputs.ts) naming the same outputs for each stack and transport,
// so a renamed or added output cannot leave the table behind.
import { readFileSync } from "node:fs";
import { docsPage } from "../../scripts/readme-section";
import type { TransportName } from "../../config/schema";
import { OUTPUTS, type StackKind } from "../../stacks/outputs";

const TRANSPORTS: TransportName[] = ["endpoint-service", "resource"];

/** stack/transport -> output names, from the table's rows. */
function tableNames(): Map<string, Set<string>> {
  const text = readFileSync(docsPage("configuration.md"), "utf8");
  const start = text.indexOf("## Stack outputs");
  const rows = text
    .slice(start, text.indexOf("\n#", start + 1))
    .split("\n")
    .filter((l) => /^\| (provider|consumer)/.test(l));
  const names = new Map<string, Set<string>>();
  for (const row of rows) {
    const [stackCell, outputCell, use] = row.split(" | ").map((c) => c.replace(/^\| /, ""));
    const stack = stackCell.split(" ")[0] as StackKind;
    if (use === undefined) throw new Error(`docs/configuration.md: a row without a use column: ${row}`);
    // A row says "(both transports)" in its use, or names its transport in the stack cell; else it is the endpoint service's.
    const transports: TransportName[] = use.includes("both transports")
      ? TRANSPORTS
      : [stackCell.includes("`resource`") ? "resource" : "endpoint-service"];
    for (const transport of transports) {
      const key = `${stack}/${transport}`;
      const set = names.get(key) ?? new Set<string>();
      // Named outputs are the backticked words of the output cell; "as above" rows list patterns such as `*_unverified`.
      for (const [, name] of outputCell.matchAll(/`([\w*]+)`/g)) if (name !== "arn" && name !== "dns") set.add(name);
      names.set(key, set);
    }
  }
  return names;
}

const contractNames = (stack: StackKind, transport: TransportName) =>
  OUTPUTS[stack].filter((o) => o.description[transport] !== undefined).map((o) => o.name);
const covers = (listed: Set<string>, name: string) =>
  [...listed].some((l) => l === name || (l.includes("*") && new RegExp(`^${l.replace(/\*/g, "\\w*")}$`).test(name)));

describe("the stack outputs table of docs/configuration.md", () => {
  const table = tableNames();

  it.each(
    (["provider", "consumer"] as const).flatMap((stack) => TRANSPORTS.map((transport) => [stack, transport] as const)),
  )("lists every %s output of the %s transport that the contract declares", (stack, transport) => {
    const listed = table.get(`${stack}/${transport}`) ?? new Set<string>();
    const missing = contractNames(stack, transport).filter((n) => !covers(listed, n));
    expect(missing).toEqual([]);
  });

  it.each(
    (["provider", "consumer"] as const).flatMap((stack) => TRANSPORTS.map((transport) => [stack, transport] as const)),
  )("names no %s output of the %s transport that the contract lacks", (stack, transport) => {
    const declared = contractNames(stack, transport);
    const extra = [...(table.get(`${stack}/${transport}`) ?? [])].filter(
      (l) => !declared.some((n) => covers(new Set([l]), n)),
    );
    expect(extra).toEqual([]);
  });
});
