// Prints the config reference table of docs/configuration.md from the schema itself, so the docs
// list every field with its default and cannot drift. `npx tsx scripts/config-reference.ts`
// rewrites that section (`npm run docs` rewrites every generated section).
import { docsPage, writeSection } from "./readme-section";
import { jsonSchema } from "./write-schema";
import { helpIfAsked } from "./usage";

type Node = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Node>;
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  default?: unknown;
  required?: string[];
};

export const BEGIN = "<!-- config-reference:begin -->";
export const END = "<!-- config-reference:end -->";
/** The page that holds the reference. */
export const PAGE = docsPage("configuration.md");

function typeOf(n: Node): string {
  // A long list (the regions) reads better as its kind; config/schema.json holds every value.
  if (n.enum && n.enum.length > 8)
    return `string, one of ${n.enum.length} (${n.enum
      .slice(0, 2)
      .map((v) => JSON.stringify(v))
      .join(", ")}, …)`;
  if (n.enum) return n.enum.map((v) => JSON.stringify(v)).join(" \\| ");
  if (n.const !== undefined) return JSON.stringify(n.const);
  const variants = n.anyOf ?? n.oneOf;
  if (variants) return variants.map(typeOf).join(" \\| ");
  if (n.type === "array") return `${n.items ? typeOf(n.items) : "any"}[]`;
  if (Array.isArray(n.type)) return n.type.join(" \\| ");
  return n.type ?? "object";
}

interface Row {
  path: string;
  type: string;
  default: string;
  description: string;
}

function rows(n: Node, at: string, required: boolean, out: Map<string, Row>): void {
  const variants = (n.anyOf ?? n.oneOf ?? []).filter((v) => v.properties);
  if (at && (!n.properties || n.description)) {
    const row: Row = {
      path: at,
      type: n.properties || variants.length ? "object" : typeOf(n),
      default:
        n.default !== undefined && (n.properties || variants.length)
          ? "see its fields"
          : n.default !== undefined
            ? `\`${JSON.stringify(n.default)}\``
            : required
              ? "required"
              : "—",
      description: (n.description ?? "").replace(/\|/g, "\\|"),
    };
    const seen = out.get(at);
    // A field in several variants (the backend types): one row, with every variant's type.
    if (seen && seen.type !== row.type) seen.type = `${seen.type} \\| ${row.type}`;
    else if (!seen) out.set(at, row);
  }
  const children = (node: Node) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (key === "$schema") continue;
      const childPath = at ? `${at}.${key}` : key;
      const isRequired = node.required?.includes(key) ?? false;
      if (child.type === "array" && child.items?.properties) {
        rows({ ...child, properties: undefined }, childPath, isRequired, out);
        rows(child.items, `${childPath}[]`, true, out);
      } else {
        rows(child, childPath, isRequired, out);
      }
    }
  };
  children(n);
  for (const v of variants) children(v);
}

export function configReference(): string {
  const out = new Map<string, Row>();
  rows(jsonSchema() as Node, "", true, out);
  return [
    "| field | type | default | what it does |",
    "| --- | --- | --- | --- |",
    ...[...out.values()].map((r) => `| \`${r.path}\` | ${r.type} | ${r.default} | ${r.description} |`),
  ].join("\n");
}

if (require.main === module) {
  helpIfAsked(__filename);
  writeSection(BEGIN, END, configReference(), PAGE);
  process.stdout.write("updated the config reference in docs/configuration.md\n");
}
