// Parses every ```mermaid block of the Markdown files named on the command line with Mermaid's
// own parser (in jsdom: Mermaid needs a DOM even to parse). Prints one JSON line per block and
// exits 1 when any block does not parse. ESM, so the tests run it as a child process.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let failed = false;
for (const file of process.argv.slice(2)) {
  const blocks = [...readFileSync(file, "utf8").matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
  if (blocks.length === 0) {
    console.log(JSON.stringify({ file, ok: false, error: "no mermaid block" }));
    failed = true;
  }
  for (const [i, text] of blocks.entries()) {
    try {
      const result = await mermaid.parse(text);
      console.log(JSON.stringify({ file, block: i, ok: true, diagramType: result.diagramType }));
    } catch (e) {
      failed = true;
      console.log(
        JSON.stringify({
          file,
          block: i,
          ok: false,
          error: String(e.message ?? e)
            .split("\n")
            .slice(0, 4)
            .join(" "),
        }),
      );
    }
  }
}
process.exit(failed ? 1 : 0);
