// The README is the front door and links to the docs/ pages rather than repeating them; these
// tests keep every relative link of the README, docs/ and the examples' READMEs pointing at a
// file that exists and, where it names an anchor, at a heading of that file.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const DOCS = path.join(ROOT, "docs");
const EXAMPLES = path.join(ROOT, "examples");

const PAGES = [
  path.join(ROOT, "README.md"),
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join(DOCS, f)),
  ...readdirSync(EXAMPLES)
    .map((d) => path.join(EXAMPLES, d, "README.md"))
    .filter(existsSync),
];

/** The text a reader sees as prose: fenced code blocks and inline code spans left out. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's anchors for a page's headings: lowercased, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, text] of markdown.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Every relative link of a page, as written: [label](target). */
function linksOf(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/i.test(t));
}

const rel = (file: string) => path.relative(ROOT, file);

describe("links of the README and docs/", () => {
  it.each(PAGES.map((p) => [rel(p), p]))("%s links only to files and headings that exist", (_name, page) => {
    const text = readFileSync(page, "utf8");
    const broken: string[] = [];
    for (const link of linksOf(text)) {
      const [target, anchor] = link.split("#");
      const file = target ? path.resolve(path.dirname(page), target) : page;
      if (!existsSync(file)) {
        broken.push(`${link}: no file ${rel(file)}`);
        continue;
      }
      if (
        anchor !== undefined &&
        statSync(file).isFile() &&
        file.endsWith(".md") &&
        !anchorsOf(readFileSync(file, "utf8")).has(anchor)
      ) {
        broken.push(`${link}: no heading #${anchor} in ${rel(file)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("finds the links it checks: the README links every page of docs/", () => {
    const linked = new Set(linksOf(readFileSync(path.join(ROOT, "README.md"), "utf8")).map((l) => l.split("#")[0]));
    const pages = readdirSync(DOCS)
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`);
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });

  it("reads anchors as GitHub writes them", () => {
    expect([
      ...anchorsOf(
        "# Verified TLS: the database's own names\n## `npm run status`: is it healthy\n## Terraform Cloud / HCP Terraform\n## Notes\n## Notes\n",
      ),
    ]).toEqual([
      "verified-tls-the-databases-own-names",
      "npm-run-status-is-it-healthy",
      "terraform-cloud--hcp-terraform",
      "notes",
      "notes-1",
    ]);
  });
});

describe("the README", () => {
  it("stays a front door of at most 200 lines; the rest lives in docs/", () => {
    expect(readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n").length).toBeLessThanOrEqual(200);
  });
});
