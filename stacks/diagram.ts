// A Mermaid picture of one config's share, written by synth to cdktf.out/diagram.md: the
// provider and its database, the transport's part (the NLB ports and the failover path, or the
// resource configurations: stacks/transports/<name>/diagram.ts), each consumer with its account,
// region, AZ IDs and names. Pure: config in, text out.
import { AppConfig, Config } from "../config/resolve";
import { ConsumerConfig, Network } from "../config/schema";
import { transportOf } from "./transports";

const MORE = "<br/>";

/** The diagram as a Markdown document with one mermaid block. */
export function diagramMarkdown(config: AppConfig): string {
  return `# ${config.name}: the share as configured\n\nWritten by \`cdktf synth\` from the config; regenerate with synth.\n\n\`\`\`mermaid\n${mermaid(config)}\`\`\`\n`;
}

export function mermaid(app: AppConfig): string {
  if (app.shares.length === 1 && !app.shares[0].scoped) return shareMermaid(app.shares[0].config);
  throw new Error("WIP: the diagram of several shares");
}

function shareMermaid(config: Config): string {
  const p = config.provider;
  const db = p.database;
  const transport = transportOf(p.transport);
  const lines: string[] = ["flowchart LR"];
  const add = (line: string) => lines.push(`  ${line}`);
  const sub = (line: string) => lines.push(`    ${line}`);

  // Titles stay short (Mermaid draws long subgraph titles over the nodes); the details go in a
  // "where" node of each account.
  add(`subgraph provider["provider"]`);
  sub(`where["${account(p.account)}${MORE}${p.account.region}${MORE}${zones(p.network)}"]`);
  const dbName = db.existing?.clusterIdentifier ?? db.existing?.instanceIdentifier ?? config.name;
  const origin = db.create ? "" : "existing ";
  // A fixed short title: Mermaid wraps a long one onto a second line drawn over the first node
  // (an identifier may have 63 characters), so what the database is goes in a node of its own.
  sub(`subgraph db["database"]`);
  lines.push(`      dbinfo["${origin}${db.engine} ${db.kind}${MORE}${dbName}"]:::where`);
  if (db.kind === "cluster") {
    const readers = db.create ? `${db.create.readers} reader${db.create.readers === 1 ? "" : "s"}` : "readers";
    lines.push(`      w[("writer")]`, `      r[("${readers}")]`);
  } else {
    lines.push(`      w[("writer")]`, `      r[("standby, not readable")]`, `      w -. "synchronous copy" .- r`);
  }
  sub("end");
  for (const line of transport.diagram.provider(config)) sub(line);
  add("end");

  config.consumers.forEach((c, i) => {
    const id = `c${i}`;
    const region = c.account.region === p.account.region ? c.account.region : `${c.account.region}, cross-region`;
    add(`subgraph ${id}["consumer ${c.name}"]`);
    sub(`${id}_where["${account(c.account)}${MORE}${region}${MORE}${zones(c.network)}"]`);
    const names = friendlyNames(c, config);
    sub(`${id}_names["${names}"]`);
    sub(transport.diagram.consumerEndpoint(config, c, id));
    sub(`${id}_where ~~~ ${id}_names --> ${id}_ep`);
    add("end");
    add(transport.diagram.link(id));
  });
  add(`classDef where fill:#f6f6f6,stroke:#bbb,color:#333`);
  add(`class where${config.consumers.map((_, i) => `,c${i}_where`).join("")} where`);
  return `${lines.join("\n")}\n`;
}

function account(a: { accountId?: string; profile?: string }): string {
  if (a.accountId) return `account ${a.accountId}`;
  return a.profile ? `profile ${a.profile}` : "account of the default credentials";
}

function zones(n: Network): string {
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
