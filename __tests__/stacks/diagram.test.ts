// The Mermaid picture synth writes to cdktf.out/diagram.md: what it shows for the demo, two
// consumers, cross-region consumers and the resource transport; that Mermaid's own parser
// reads every one of them; and that the README shows the demo's.
import { spawnSync } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { loadConfigFile, validateConfig } from "../../config/load";
import { AppConfig } from "../../config/resolve";
import { diagramMarkdown, mermaid } from "../../stacks/diagram";
import { BEGIN, END, readmeDiagram } from "../../scripts/readme-diagram";
import { readSection } from "../../scripts/readme-section";
import { demoInput } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";

const ROOT = path.join(__dirname, "..", "..");
const example = (name: string) => loadConfigFile(path.join(ROOT, "examples", name, "config.json"));
const demo = () => validateConfig(demoInput());

/** Mermaid's parser (scripts/mermaid-parse.mjs, in jsdom) over each text: one result per text. */
function parse(texts: string[]): Array<{ ok: boolean; diagramType?: string; error?: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-mermaid-"));
  const files = texts.map((t, i) => {
    const file = path.join(dir, `${i}.md`);
    writeFileSync(file, t);
    return file;
  });
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "mermaid-parse.mjs"), ...files], { encoding: "utf8", timeout: 120_000 });
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l));
}

describe("diagram of the share", () => {
  it("draws a consumer's member ports when it opens them, and no member ports for the others", () => {
    const input = demoInput();
    input.consumers.push({ ...input.consumers[0], name: "reports", memberPorts: true });
    const text = mermaid(validateConfig(input));
    expect(text).toContain("writer.orders.db.internal:3306<br/>reader.orders.db.internal:3307<br/>writer.orders.db.internal:3316-3317 member slots, instance-pinned");
    expect(text.match(/member slots, instance-pinned/g)).toHaveLength(1);
  });

  it("shows the demo's provider, database, ports, consumer and failover path", () => {
    const text = mermaid(demo());
    for (const piece of [
      'subgraph db["database"]',
      'dbinfo["aurora-mysql cluster<br/>orders"]:::where',
      'r[("1 reader")]',
      "account 111111111111<br/>us-east-1<br/>AZ IDs use1-az1, use1-az2",
      ":3306 writer, :3307 reader<br/>:3316-3317 member slots, :3318-3319 reader sets",
      'nlb -- ":3306 to the writer\'s warm slot" --> w',
      'fn -. "failover: ModifyListener, no registration" .-> nlb',
      'subgraph c0["consumer app"]',
      "account 222222222222<br/>us-east-1<br/>AZ IDs use1-az1, use1-az2",
      "writer.orders.db.internal:3306<br/>reader.orders.db.internal:3307",
      'c0_ep -- "PrivateLink" --> svc',
    ]) {
      expect(text).toContain(piece);
    }
  });

  it("shows each of two consumers with its own account and names", () => {
    const config = example("two-consumers-two-accounts");
    const text = mermaid(config);
    expect(config.consumers).toHaveLength(2);
    config.consumers.forEach((c, i) => {
      expect(text).toContain(`subgraph c${i}["consumer ${c.name}"]`);
      expect(text).toContain(`account ${c.account.accountId}`);
      expect(text).toContain(`c${i}_ep -- "PrivateLink" --> svc`);
    });
  });

  it("marks consumers in another region as cross-region", () => {
    const config = example("cross-region-consumers");
    const text = mermaid(config);
    const other = config.consumers.filter((c) => c.account.region !== config.provider.account.region);
    expect(other.length).toBeGreaterThan(0);
    for (const c of other) expect(text).toContain(`${c.account.region}, cross-region`);
  });

  it("shows the resource transport's gateway, configurations and share instead of an NLB", () => {
    const input = demoInput();
    toResourceTransport(input);
    const text = mermaid(validateConfig(input));
    expect(text).toContain('rcw["resource configuration: writer<br/>cluster endpoint :3306"]');
    expect(text).toContain('c0_ep -- "VPC resources" --> rcw');
    expect(text).toContain("failover: RDS moves the endpoint names");
    expect(text).not.toContain("nlb");
  });

  it("shows a Multi-AZ instance's standby and its register-then-deregister failover", () => {
    const text = mermaid(loadConfigFile(path.join(ROOT, "examples", "multi-az-mysql-instance", "config.json")));
    expect(text).toContain('r[("standby, not readable")]');
    expect(text).toContain("failover: register the new IP, then deregister");
  });

  it("parses with Mermaid's own parser for every example, the demo and the resource transport; a broken one does not", () => {
    const input = demoInput();
    toResourceTransport(input);
    const configs: AppConfig[] = [demo(), validateConfig(input)];
    for (const name of ["minimal", "two-consumers-two-accounts", "cross-region-consumers", "multi-az-mysql-instance", "aurora-postgresql-existing-vpc", "resource-share-organization"]) configs.push(example(name));
    const results = parse([...configs.map(diagramMarkdown), "```mermaid\nflowchart LR\n  a[\"unclosed --> b\n```\n"]);
    expect(results.slice(0, -1)).toEqual(configs.map(() => ({ file: expect.any(String), block: 0, ok: true, diagramType: "flowchart-v2" })).map(({ file: _f, ...r }) => expect.objectContaining(r)));
    expect(results[results.length - 1]).toMatchObject({ ok: false, error: expect.stringMatching(/Parse error/) });
  });

  it("is the README's diagram for config/default.json (npx tsx scripts/readme-diagram.ts rewrites it)", () => {
    expect(readSection(BEGIN, END)).toBe(readmeDiagram());
    expect(readmeDiagram()).toBe(`\`\`\`mermaid\n${mermaid(demo())}\`\`\``);
  });
});
