// Choices a config may make on purpose whose consequence is easy to miss: they are accepted,
// and synth says what follows from them, once, on stderr.
import { type AppConfig, shareOutputName } from "./resolve";

export function notices(config: AppConfig): string[] {
  const out: string[] = [];
  if (config.consumers.length === 0) {
    out.push(
      'consumers is empty: only the provider stack is synthesized. Consumers outside this repository connect with its outputs (service_name, az_ids, or the resource configuration ARNs); add entries to "consumers" to give them stacks here.',
    );
  }
  const single = config.shares.length === 1 && !config.shares[0].scoped;
  for (const consumer of config.consumers) {
    // The shares this consumer reaches without friendly names, each with the outputs that name its endpoint instead.
    const bare = config.shares.flatMap((share) => {
      const seen = share.config.consumers.find((c) => c.name === consumer.name);
      if (!seen || seen.privateZone) return [];
      const roles =
        share.config.provider.ports.reader === null ? ["writer_address"] : ["writer_address", "reader_address"];
      return [{ name: share.name, outputs: roles.map((o) => (share.scoped ? shareOutputName(share.name, o) : o)) }];
    });
    if (bare.length === 0) continue;
    const outputs = bare.flatMap((b) => b.outputs);
    const listed =
      outputs.length === 1 ? outputs[0] : `${outputs.slice(0, -1).join(", ")} and ${outputs[outputs.length - 1]}`;
    const add = single
      ? '"privateZone": { "name": "..." }'
      : `to its entry of ${bare.length === 1 ? "that share" : "each share"} in shares a privateZone, such as { "name": "${bare[0].name}", "privateZone": { "name": "..." } },`;
    const of = single ? "" : ` for share${bare.length === 1 ? "" : "s"} ${bare.map((b) => `"${b.name}"`).join(", ")}`;
    out.push(
      `consumers "${consumer.name}" has no privateZone${of}: no writer.<zone>/reader.<zone> names are created; applications use the endpoint's own DNS names (the ${listed} output${outputs.length === 1 ? "" : "s"}). Add ${add} for stable names.`,
    );
  }
  // "*" admits any account to the endpoint service, but RAM shares only with named accounts.
  for (const share of config.shares) {
    const { transport, sharing } = share.config.provider;
    // With descriptorReaders the provider says who reads it: nothing to point out.
    if (transport !== "endpoint-service" || !sharing.allowedPrincipals.includes("*")) continue;
    if (sharing.descriptorReaders.length > 0) continue;
    const where = share.scoped
      ? `provider.shares[${config.shares.indexOf(share)}].sharing.allowedPrincipals`
      : "provider.sharing.allowedPrincipals";
    out.push(
      `${where} holds "*": the share's descriptor (an SSM parameter shared through AWS RAM) cannot be shared with everyone, so it goes only to the accounts the other entries name. A consumer admitted through "*" reads the provider's outputs instead; name its account (arn:aws:iam::<account>:root), or its account, OU or organization in sharing.descriptorReaders, to give it the descriptor.`,
    );
  }
  // A Blue/Green deployment's green members wait in free slots: blue and green together must fit.
  for (const share of config.shares) {
    const { database, ports, transport } = share.config.provider;
    // Behind a proxy nothing is registered on a switchover: the proxy follows green (docs/proxy.md).
    if (transport === "resource" || database.kind !== "cluster" || !database.create || database.proxy) continue;
    const instances = 1 + (database.create.readers ?? 0);
    const slots = ports.members.length;
    if (2 * instances > slots) {
      const where = share.scoped
        ? `provider.shares[${config.shares.indexOf(share)}].failover.memberSlots`
        : "provider.failover.memberSlots";
      out.push(
        `${where} is ${slots} and the cluster has ${instances} instances: a Blue/Green deployment's ${instances} green members find ${slots - instances} free slot(s), and the rest are registered on the switchover's way (minutes). Raise it to ${2 * instances} (at most 46) before a Blue/Green deployment.`,
      );
    }
  }
  return out;
}
