// A Mermaid picture of a config's shares, written by synth to cdktf.out/diagram.md: the
// provider and each share's database, the transport's part (the NLB ports and the failover path, or the
// resource configurations: stacks/transports/<name>/diagram.ts), each consumer with its account,
// region, AZ IDs and names. Pure: config in, text out.
import type { AppConfig, Config } from "../config/resolve";
import type { ConsumerConfig, NetworkConfig } from "../config/schema";
import { transportOf } from "./transports";

const MORE = "<br/>";

/** The diagram as a Markdown document with one mermaid block. */
export function diagramMarkdown(config: AppConfig): string {
  const what = isSingle(config) ? "the share" : "the shares";
  return `# ${config.name}: ${what} as configured\n\nWritten by \`cdktf synth\` from the config; regenerate with synth.\n\n\`\`\`mermaid\n${mermaid(config)}\`\`\`\n`;
}

export function mermaid(app: AppConfig): string {
  return isSingle(app) ? shareMermaid(app.shares[0].config) : sharesMermaid(app);
}

/** The single-database form: its picture is the one every release before shares drew. */
const isSingle = (app: AppConfig) => app.shares.length === 1 && !app.shares[0].scoped;

/**
 * A share's prefix of node ids. Mermaid's ids are global to the picture, and a share's nodes all
 * end in one of a fixed set of suffixes without "_" (w, nlb, svc, ...), while share names have no
 * "_": so `<share>_<suffix>` never meets another share's id, nor a consumer's (`c<i>`, `c<i>_where`,
 * `c<i>_<share>_names`, `c<i>_<share>_ep`).
 */
const nsOf = (share: string) => `${share.replace(/-/g, "_")}_`;

function shareMermaid(config: Config): string {
  const p = config.provider;
  const transport = transportOf(p.transport);
  const lines: string[] = ["flowchart LR"];
  const add = (line: string) => lines.push(`  ${line}`);
  const sub = (line: string) => lines.push(`    ${line}`);

  // Titles stay short (Mermaid draws long subgraph titles over the nodes); the details go in a
  // "where" node of each account.
  add(`subgraph provider["provider"]`);
  sub(`where["${account(p.account)}${MORE}${p.account.region}${MORE}${zones(p.network)}"]`);
  for (const line of databaseLines(config, "")) sub(line);
  for (const line of transport.diagram.provider(config, "")) sub(line);
  add("end");

  config.consumers.forEach((c, i) => {
    const id = `c${i}`;
    add(`subgraph ${id}["consumer ${c.name}"]`);
    sub(`${id}_where["${account(c.account)}${MORE}${regionOf(c, p.account.region)}${MORE}${zones(c.network)}"]`);
    const names = friendlyNames(c, config);
    sub(`${id}_names["${names}"]`);
    sub(transport.diagram.consumerEndpoint(config, c, id));
    sub(`${id}_where ~~~ ${id}_names --> ${id}_ep`);
    add("end");
    add(transport.diagram.link(id, ""));
  });
  add(`classDef where fill:#f6f6f6,stroke:#bbb,color:#333`);
  add(`class where${config.consumers.map((_, i) => `,c${i}_where`).join("")} where`);
  return `${lines.join("\n")}\n`;
}

/**
 * Several shares: the provider's subgraph holds one subgraph per share (its database and its
 * transport's part), and each consumer one pair of nodes per share it reaches (its names for
 * that share, its endpoint), each endpoint with its edge to that share.
 */
function sharesMermaid(app: AppConfig): string {
  const lines: string[] = ["flowchart LR"];
  const at = (depth: number) => (line: string) => lines.push(`${"  ".repeat(depth)}${line}`);
  const [add, sub, subsub] = [at(1), at(2), at(3)];
  const p = app.provider;

  add(`subgraph provider["provider"]`);
  sub(`where["${account(p.account)}${MORE}${p.account.region}${MORE}${zones(p.network)}"]`);
  for (const share of app.shares) {
    const ns = nsOf(share.name);
    // The name alone: rendered, the widest a share's name can be (21 "w", as <config>-<share> fits
    // in 24 characters) takes one line, while "share " and it wrapped onto two.
    sub(`subgraph ${ns}share["${share.name}"]`);
    for (const line of databaseLines(share.config, ns)) subsub(line);
    for (const line of transportOf(share.config.provider.transport).diagram.provider(share.config, ns)) subsub(line);
    sub("end");
  }
  add("end");

  app.consumers.forEach((c, i) => {
    const id = `c${i}`;
    add(`subgraph ${id}["consumer ${c.name}"]`);
    sub(`${id}_where["${account(c.account)}${MORE}${regionOf(c, p.account.region)}${MORE}${zones(c.network)}"]`);
    // Outside the consumer's subgraph, as in the single-database form.
    const links: string[] = [];
    for (const name of c.shares) {
      const share = app.shares.find((s) => s.name === name)!;
      const ns = nsOf(name);
      // The consumer as this share sees it: its privateZone and memberPorts of this share.
      const seen = share.config.consumers.find((s) => s.name === c.name)!;
      const transport = transportOf(share.config.provider.transport).diagram;
      const ep = `${id}_${ns.slice(0, -1)}`;
      sub(`${ep}_names["${name}:${MORE}${friendlyNames(seen, share.config)}"]`);
      sub(transport.consumerEndpoint(share.config, seen, ep));
      sub(`${id}_where ~~~ ${ep}_names --> ${ep}_ep`);
      links.push(transport.link(ep, ns));
    }
    add("end");
    for (const link of links) add(link);
  });
  add(`classDef where fill:#f6f6f6,stroke:#bbb,color:#333`);
  add(`class where${app.consumers.map((_, i) => `,c${i}_where`).join("")} where`);
  return `${lines.join("\n")}\n`;
}

/** The database's subgraph: what it is, its writer, and its readers or standby (nodes `<ns>w`, `<ns>r`). */
function databaseLines(config: Config, ns: string): string[] {
  const db = config.provider.database;
  const dbName = db.existing?.clusterIdentifier ?? db.existing?.instanceIdentifier ?? config.name;
  const origin = db.create ? "" : "existing ";
  // A fixed short title: Mermaid wraps a long one onto a second line drawn over the first node
  // (an identifier may have 63 characters), so what the database is goes in a node of its own.
  const lines = [
    `subgraph ${ns}db["database"]`,
    `  ${ns}dbinfo["${origin}${db.engine} ${db.kind}${MORE}${dbName}"]:::where`,
  ];
  if (db.kind === "cluster") {
    const readers = db.create ? `${db.create.readers} reader${db.create.readers === 1 ? "" : "s"}` : "readers";
    lines.push(`  ${ns}w[("writer")]`, `  ${ns}r[("${readers}")]`);
  } else {
    lines.push(
      `  ${ns}w[("writer")]`,
      `  ${ns}r[("standby, not readable")]`,
      `  ${ns}w -. "synchronous copy" .- ${ns}r`,
    );
  }
  lines.push("end");
  return lines;
}

function regionOf(c: { account: { region: string } }, providerRegion: string): string {
  return c.account.region === providerRegion ? c.account.region : `${c.account.region}, cross-region`;
}

function account(a: { accountId?: string; profile?: string }): string {
  if (a.accountId) return `account ${a.accountId}`;
  return a.profile ? `profile ${a.profile}` : "account of the default credentials";
}

function zones(n: NetworkConfig): string {
  if (n.existing) return `existing VPC, ${n.existing.subnetIds.length} subnets`;
  return n.create!.azIds ? `AZ IDs ${n.create!.azIds.join(", ")}` : `${n.create!.azCount} AZs chosen at deploy`;
}

function friendlyNames(c: ConsumerConfig, config: Config): string {
  const ports = config.provider.ports;
  const reader = ports.reader !== null;
  if (c.privateZone) {
    const z = c.privateZone.name;
    return `writer.${z}:${ports.writer}${reader ? `${MORE}reader.${z}:${ports.reader}` : ""}${memberPortsOf(c, config, `writer.${z}`)}`;
  }
  return `endpoint DNS name${MORE}:${ports.writer} writer${reader ? `, :${ports.reader} reader` : ""}${memberPortsOf(c, config, "")}`;
}

/** The instance-pinned member ports, when this consumer opens them (memberPorts). */
function memberPortsOf(c: ConsumerConfig, config: Config, host: string): string {
  const members = config.provider.ports.members;
  if (!c.memberPorts || members.length === 0) return "";
  const range = members.length === 1 ? `${members[0]}` : `${members[0]}-${members[members.length - 1]}`;
  return `${MORE}${host}:${range} member slots, instance-pinned`;
}
