// Choices a config may make on purpose whose consequence is easy to miss: they are accepted,
// and synth says what follows from them, once, on stderr.
import { AppConfig, shareOutputName } from "./resolve";

export function notices(config: AppConfig): string[] {
  const out: string[] = [];
  if (config.consumers.length === 0) {
    out.push(
      'consumers is empty: only the provider stack is synthesized. Consumers outside this repository connect with its outputs (service_name, az_ids, or the resource configuration ARNs); add entries to "consumers" to give them stacks here.',
    );
  }
  for (const share of config.shares) {
    // Of several shares, each notice says which share it means and where its setting goes.
    const of = share.scoped ? ` for share "${share.name}"` : "";
    const where = share.scoped ? `its entry { "name": "${share.name}", "privateZone": { "name": "..." } } in shares` : '"privateZone": { "name": "..." }';
    for (const c of share.config.consumers) {
      if (!c.privateZone) {
        out.push(
          `consumers "${c.name}" has no privateZone${of}: no writer.<zone>/reader.<zone> names are created; applications use the endpoint's own DNS names (the ${share.scoped ? `${shareOutputName(share.name, "writer_address")} and ${shareOutputName(share.name, "reader_address")}` : "writer_address and reader_address"} outputs). Add ${where} for stable names.`,
        );
      }
    }
  }
  return out;
}
