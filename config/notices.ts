// Choices a config may make on purpose whose consequence is easy to miss: they are accepted,
// and synth says what follows from them, once, on stderr.
import { Config } from "./resolve";

export function notices(config: Config): string[] {
  const out: string[] = [];
  if (config.consumers.length === 0) {
    out.push(
      'consumers is empty: only the provider stack is synthesized. Consumers outside this repository connect with its outputs (service_name, az_ids, or the resource configuration ARNs); add entries to "consumers" to give them stacks here.',
    );
  }
  for (const c of config.consumers) {
    if (!c.privateZone) {
      out.push(
        `consumers "${c.name}" has no privateZone: no writer.<zone>/reader.<zone> names are created; applications use the endpoint's own DNS names (the writer_address and reader_address outputs). Add "privateZone": { "name": "..." } for stable names.`,
      );
    }
  }
  return out;
}
