// The figures of the docs (docs/contributing.md, docs/SECURITY.md) and the README's examples table
// that follow from the repository itself are checked here, so a new fixture, example or resource
// cannot leave a stale number behind.
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { RESOURCES_BEGIN, RESOURCES_END, RESOURCES_PAGE, stackResources } from "../../scripts/docs";
import { readSection } from "../../scripts/readme-section";
import { MATRIX } from "../terraform/matrix";

const ROOT = path.join(__dirname, "..", "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
const CONTRIBUTING = readFileSync(path.join(ROOT, "docs", "contributing.md"), "utf8");
const SECURITY = readFileSync(path.join(ROOT, "docs", "SECURITY.md"), "utf8");
const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "bad-configs");
const corpus = Object.keys(JSON.parse(readFileSync(path.join(FIXTURES, "expected.json"), "utf8"))).length;
const examples = readdirSync(path.join(ROOT, "examples"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe("figures in the docs", () => {
  it("counts the bad-config corpus as it is: every fixture in expected.json, one file each", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".json") && f !== "expected.json");
    expect(files.length).toBe(corpus);
    expect(CONTRIBUTING).toContain(`config corpus (${corpus} bad configs and a generated 1.1 MB file)`);
    // The generated file over 1 MiB is the one more.
    expect(SECURITY).toContain(
      `**${corpus + 1} of ${corpus + 1}** refused (${corpus} files and a generated 1.1 MB file)`,
    );
  });

  it("counts the examples as the examples folder holds them, and lists each in the README's examples table", () => {
    expect(CONTRIBUTING).toContain(`every stack of the ${examples.length} examples`);
    for (const e of examples) expect(README).toContain(`[\`${e}\`](examples/${e})`);
  });

  it("counts the stacks of the config matrix: each case is a provider and one consumer", () => {
    expect(CONTRIBUTING).toContain(`\`validate\` of all ${MATRIX.length * 2} stacks of the config matrix`);
  });

  it("keeps the resources and deploy permissions of each stack in step with a synth of the demo and the resource example", () => {
    expect(readSection(RESOURCES_BEGIN, RESOURCES_END, RESOURCES_PAGE)).toBe(stackResources());
  });
});
