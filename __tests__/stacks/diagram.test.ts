// The Mermaid picture synth writes to cdktf.out/diagram.md: what it shows for the demo, two
// consumers, cross-region consumers, the resource transport and a config with several shares;
// that Mermaid's own parser reads every one of them; and that the README shows the demo's.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadConfigFile, validateConfig } from "../../config/load";
import type { AppConfig } from "../../config/resolve";
import { MAX_NAME_LENGTH } from "../../config/schema";
import { diagramMarkdown, mermaid } from "../../stacks/diagram";
import { BEGIN, END, readmeDiagram } from "../../scripts/readme-diagram";
import { readSection } from "../../scripts/readme-section";
import { demoInput, type Json } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";
import { HANG_GUARD_MS } from "../support/limits";

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
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "mermaid-parse.mjs"), ...files], {
    encoding: "utf8",
    timeout: HANG_GUARD_MS,
  });
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("diagram of the share", () => {
  it("draws a consumer's member ports when it opens them, and no member ports for the others", () => {
    const input = demoInput();
    input.consumers.push({ ...input.consumers[0], name: "reports", memberPorts: true });
    const text = mermaid(validateConfig(input));
    expect(text).toContain(
      "writer.orders.db.internal:3306<br/>reader.orders.db.internal:3307<br/>writer.orders.db.internal:3316-3331 member slots, instance-pinned",
    );
    expect(text.match(/member slots, instance-pinned/g)).toHaveLength(1);
  });

  it("shows the demo's provider, database, ports, consumer and failover path", () => {
    const text = mermaid(demo());
    for (const piece of [
      'subgraph db["database"]',
      'dbinfo["aurora-mysql cluster<br/>orders"]:::where',
      'r[("1 reader")]',
      "account 111111111111<br/>us-east-1<br/>AZ IDs use1-az1, use1-az2",
      ":3306 writer, :3307 reader<br/>:3316-3331 member slots, :3332-3333 reader sets",
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

  it("shows the resource transport's gateway, its one configuration of the database by ARN and the share instead of an NLB", () => {
    const input = demoInput();
    toResourceTransport(input);
    const text = mermaid(validateConfig(input));
    expect(text).toContain('rcw["resource configuration<br/>the cluster by its ARN, :3306"]');
    expect(text).not.toContain("rcr");
    expect(text).toContain('gw -- "readers: the reader endpoint" --> r');
    expect(text).toContain('c0_ep["resource endpoint<br/>private DNS: the RDS names"]');
    expect(text).toContain('c0_ep -- "VPC resources" --> rcw');
    expect(text).toContain("failover: RDS moves the names");
    expect(text).not.toContain("nlb");
  });

  it("shows DNS-type configurations of the writer and reader endpoints, and a Multi-AZ instance's by its address", () => {
    const input = demoInput();
    toResourceTransport(input);
    input.provider.resourceDefinition = "dns";
    const text = mermaid(validateConfig(input));
    expect(text).toContain('rcw["resource configuration: writer<br/>cluster endpoint :3306"]');
    expect(text).toContain('rcr["resource configuration: reader<br/>reader endpoint :3306"]');
    expect(text).toContain('c0_ep["writer and reader resource endpoints"]');
    input.provider.database = { engine: "mysql", create: {} };
    const instance = mermaid(validateConfig(input));
    expect(instance).toContain('rcw["resource configuration: writer<br/>instance address :3306"]');
    expect(instance).toContain('gw -- "writer: instance address" --> w');
    expect(instance).not.toContain("rcr");
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
    for (const name of [
      "minimal",
      "two-consumers-two-accounts",
      "cross-region-consumers",
      "multi-az-mysql-instance",
      "aurora-postgresql-existing-vpc",
      "resource-share-organization",
      "platform-catalogue",
    ])
      configs.push(example(name));
    // Share names that are Mermaid keywords, that hold hyphens, or that look like a consumer's ids.
    configs.push(validateConfig(renamedShares({ orders: "end", billing: "c0", inventory: "class-a" })));
    const results = parse([...configs.map(diagramMarkdown), '```mermaid\nflowchart LR\n  a["unclosed --> b\n```\n']);
    expect(results.slice(0, -1)).toEqual(
      configs
        .map(() => ({ file: expect.any(String), block: 0, ok: true, diagramType: "flowchart-v2" }))
        .map(({ file: _f, ...r }) => expect.objectContaining(r)),
    );
    expect(results[results.length - 1]).toMatchObject({ ok: false, error: expect.stringMatching(/Parse error/) });
  });

  it("is the README's diagram for config/default.json (npx tsx scripts/readme-diagram.ts rewrites it)", () => {
    expect(readSection(BEGIN, END)).toBe(readmeDiagram());
    expect(readmeDiagram()).toBe(`\`\`\`mermaid\n${mermaid(demo())}\`\`\``);
  });
});

/** The catalogue's config as JSON, for variations of it. */
const catalogueInput = (): Json =>
  JSON.parse(readFileSync(path.join(ROOT, "examples", "platform-catalogue", "config.json"), "utf8"));

/** The catalogue with its shares renamed (old name to new), in the consumers' lists too. */
function renamedShares(names: Record<string, string>): Json {
  const input = catalogueInput();
  for (const share of input.provider.shares) share.name = names[share.name] ?? share.name;
  for (const c of input.consumers)
    c.shares = c.shares?.map((e: Json) =>
      typeof e === "string" ? (names[e] ?? e) : { ...e, name: names[e.name] ?? e.name },
    );
  return input;
}

/** The ids the text defines as nodes (`id["..."]`, `id[("...")]`, also inside an edge line) and as subgraphs, in order. */
const definedIds = (text: string) =>
  [...text.replace(/"[^"]*"/g, '""').matchAll(/([A-Za-z0-9_]+)\[/g)].map((m) => m[1]);
/** The two ends of every edge line: `a --> b`, `a -- "x" --> b`, `a -. "x" .-> b`, `a ~~~ b`, `a -.- b`. */
const edgeEnds = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^[A-Za-z0-9_]+ (-->|--|-\.|~~~|-\.-) /.test(l))
    .flatMap((l) => [...l.matchAll(/(?:^|(?:-->|\.->|~~~|-\.-|\.-) )([A-Za-z0-9_]+)/g)].map((m) => m[1]));

describe("diagram of several shares", () => {
  const app = example("platform-catalogue");
  const text = mermaid(app);

  it("holds one subgraph per share in the provider, each with its database and its transport's nodes under the share's ids", () => {
    expect(app.shares.map((s) => s.name)).toEqual(["orders", "billing", "inventory"]);
    const provider = text.slice(text.indexOf('subgraph provider["provider"]'), text.indexOf('subgraph c0["'));
    for (const [share, transportNode] of [
      ["orders", "orders_svc"],
      ["billing", "billing_svc"],
      ["inventory", "inventory_rcw"],
    ]) {
      expect(provider).toContain(`    subgraph ${share}_share["${share}"]`);
      expect(provider).toContain(`      subgraph ${share}_db["database"]`);
      expect(provider).toContain(`        ${share}_w[("writer")]`);
      expect(provider).toContain(`      ${transportNode}["`);
    }
    expect(provider).toContain('orders_dbinfo["aurora-mysql cluster<br/>platform-orders"]:::where');
    expect(provider).toContain('billing_dbinfo["existing aurora-postgresql cluster<br/>billing-prod"]:::where');
    expect(provider).toContain('inventory_r[("standby, not readable")]');
    expect(provider).toContain(
      'billing_nlb["internal NLB, cross-zone<br/>:5432 writer, :5433 reader<br/>:5442-5444 member slots, :5445-5446 reader sets"]',
    );
    expect(provider).toContain('orders_nlb -- ":3306 to the writer\'s warm slot" --> orders_w');
    expect(provider).toContain('inventory_gw -- "writer: its RDS name" --> inventory_w');
    expect(provider).toContain('inventory_rcw["resource configuration<br/>the instance by its ARN, :3306"]');
    // One provider, one account node, one subgraph per share.
    expect(text.match(/subgraph [a-z_]+_share\[/g)).toHaveLength(3);
    expect(text.match(/^ {4}where\[/gm)).toHaveLength(1);
  });

  it("gives every node its own id, and every edge ends at a node it defines", () => {
    for (const t of [
      text,
      mermaid(validateConfig(renamedShares({ orders: "end", billing: "c0", inventory: "class-a" }))),
    ]) {
      const ids = definedIds(t);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
      // Mermaid would draw an undefined end as a new bare node: a transport that forgot the share's prefix.
      expect([...new Set(edgeEnds(t))].filter((id) => !ids.includes(id))).toEqual([]);
    }
    expect(definedIds(text).length).toBeGreaterThan(40);
  });

  it("shows each consumer one endpoint per share it reaches, with that share's names, linked to that share", () => {
    const consumers = text.split(/^ {2}subgraph (?=c\d+\[)/m).slice(1);
    expect(consumers.map((c) => c.slice(0, c.indexOf("]")))).toEqual([
      'c0["consumer storefront"',
      'c1["consumer analytics"',
      'c2["consumer warehouse"',
    ]);
    app.consumers.forEach((c, i) => {
      const eps = [...consumers[i].matchAll(/^ {4}(c\d+_[a-z_]+)_ep\[/gm)].map((m) => m[1]);
      expect({ consumer: c.name, eps }).toEqual({ consumer: c.name, eps: c.shares.map((s) => `c${i}_${s}`) });
      for (const share of c.shares) {
        const link =
          app.shares.find((s) => s.name === share)!.config.provider.transport === "resource"
            ? `"VPC resources" --> ${share}_rcw`
            : `"PrivateLink" --> ${share}_svc`;
        expect(text).toContain(`  c${i}_${share}_ep -- ${link}`);
      }
    });
    expect(text.match(/_ep -- "/g)).toHaveLength(3 + 2 + 3);
    // storefront's private zone of each share; analytics's member ports of billing only.
    expect(text).toContain(
      'c0_orders_names["orders:<br/>writer.orders.db.internal:3306<br/>reader.orders.db.internal:3307"]',
    );
    expect(text).toContain(
      'c0_billing_names["billing:<br/>writer.billing.db.internal:5432<br/>reader.billing.db.internal:5433"]',
    );
    expect(text).toContain('c0_inventory_names["inventory:<br/>writer.inventory.db.internal:3306"]');
    expect(text).toContain(
      'c1_billing_names["billing:<br/>endpoint DNS name<br/>:5432 writer, :5433 reader<br/>:5442-5444 member slots, instance-pinned"]',
    );
    expect(text.match(/instance-pinned/g)).toHaveLength(1);
    expect(text).toContain('c2_billing_names["billing:<br/>endpoint DNS name<br/>:5432 writer, :5433 reader"]');
  });

  it("keeps the single-database form's ids unprefixed, and titles the document for several shares", () => {
    expect(mermaid(demo())).not.toMatch(/_share\[|orders_/);
    expect(diagramMarkdown(app)).toMatch(/^# platform: the shares as configured\n/);
    expect(diagramMarkdown(demo())).toMatch(/^# orders: the share as configured\n/);
  });

  it("titles a share by its name alone, which fits one line however long (Mermaid draws a wrapped title over the first node)", () => {
    // The longest share name there is: <config>-<share> has at most MAX_NAME_LENGTH characters.
    // Rendered in Chromium, 21 "w" took one line of title, and "share " before them wrapped.
    const share = "w".repeat(MAX_NAME_LENGTH - "ab-".length);
    const input = renamedShares({ orders: share });
    input.name = "ab";
    const titles = [...mermaid(validateConfig(input)).matchAll(/subgraph ([A-Za-z0-9_]+)_share\["([^"]*)"\]/g)].map(
      (m) => [m[1], m[2]],
    );
    expect(titles).toEqual([
      [share, share],
      ["billing", "billing"],
      ["inventory", "inventory"],
    ]);
  });
});
