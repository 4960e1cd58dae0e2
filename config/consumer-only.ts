// A consumer-only config: what a consumer team keeps in its own repository to deploy its own
// consumer stack, with nothing of the provider's but each share's descriptor, saved as the AWS CLI
// prints it (config/descriptor-check.ts). Its stack is the one the provider's config would give
// that consumer with shareFacts "descriptor" (stacks/consumer-app.ts): the saved copy gives the
// stack's shape at synth, and the plan reads the live parameter by ARN and stops when it no
// longer describes that shape (stacks/constructs/consumer-descriptor.ts).
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import type { ShareDescriptor } from "./descriptor";
import { readSavedDescriptor, type SavedDescriptor } from "./descriptor-check";
import { type AppConsumer, resolveBackend, type SharedView } from "./resolve";
import { arr, obj, type Raw } from "./raw";
import { crossCheck, FACT_COPIES, foreignConsumerKeys, type Problem, transportConsumerChecks } from "./rules";
import { ConfigSchema, type ConsumerConfig, ConsumerSchema, ConsumerShareSchema, MAX_SHARES } from "./schema";

/** A consumer-only config has `consumer` where the provider's config has `provider` and `consumers`. */
export function isConsumerOnly(raw: unknown): boolean {
  return raw !== null && typeof raw === "object" && "consumer" in raw && !("provider" in raw);
}

/** The share facts a consumer-only config takes from each descriptor, and that its entries must not copy. */
const FROM_THE_DESCRIPTOR = [...FACT_COPIES, "shareFacts", "name"] as const;

const shareKeys = ConsumerShareSchema.shape;
const EntrySchema = z.strictObject({
  descriptor: z
    .string()
    .min(1, "must name a file")
    .describe(
      "The share's descriptor, saved in this repository as `aws ssm get-parameter --name <descriptor ARN> --with-decryption` prints it: a path relative to this config file. The provider's team gives the ARN (its descriptor_arn output).",
    ),
  privateZone: shareKeys.privateZone,
  memberPorts: shareKeys.memberPorts,
  acceptResourceShare: shareKeys.acceptResourceShare,
});

const c = ConsumerSchema.shape;
export const ConsumerOnlyConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  tags: ConfigSchema.shape.tags,
  consumer: z
    .strictObject({
      name: c.name,
      account: c.account,
      backend: c.backend,
      network: c.network,
      allowedCidrs: c.allowedCidrs,
      allowedSecurityGroupIds: c.allowedSecurityGroupIds,
      shares: z
        .array(EntrySchema)
        .min(1, 'must list at least one share, such as { "descriptor": "descriptors/orders.json" }')
        .max(MAX_SHARES, `must list at most ${MAX_SHARES} shares`)
        .describe(
          "The shares this consumer reaches, each by its saved descriptor, with this consumer's settings of it.",
        ),
    })
    .describe("The one consumer this config deploys: its account, network, clients and shares."),
});

type ConsumerOnlyConfigInput = z.input<typeof ConsumerOnlyConfigSchema>;

/** One share a consumer-only config reaches, as its saved descriptor describes it. */
export interface DescribedShare {
  readonly name: string;
  readonly scoped: boolean;
  readonly config: SharedView;
  /** The consumer with its settings of this share, as the provider's config would give them. */
  readonly consumer: ConsumerConfig;
  readonly arn: string;
  readonly descriptor: ShareDescriptor;
  /** The saved copy, as the config names it. */
  readonly file: string;
}

/** A consumer-only config, valid and resolved. */
export interface ConsumerOnlyConfig {
  readonly form: "consumer-only";
  /** The provider's config name (from the descriptors' ARNs): it names the consumer's resources and state, as there. */
  readonly name: string;
  readonly tags: Record<string, string>;
  readonly provider: { readonly accountId: string; readonly region: string; readonly partition: string };
  readonly consumer: AppConsumer;
  readonly shares: DescribedShare[];
}

/**
 * Validates a consumer-only config (already parsed JSON) whose descriptors are read relative to
 * `dir`: the problems, each with its path, or the resolved config. In steps, each stopping at its
 * problems: the config's own fields, the saved descriptors, the descriptors together, and the
 * consumer against each share as its descriptor describes it.
 */
export function resolveConsumerOnly(
  raw: unknown,
  dir: string,
  describe: (error: z.ZodError) => Problem[],
): ConsumerOnlyConfig | Problem[] {
  const consumerRaw = obj(obj(raw)?.consumer) ?? {};
  const entries = arr(consumerRaw.shares).map((e) => obj(e) ?? {});
  const parsed = ConsumerOnlyConfigSchema.safeParse(raw);
  const own = ownProblems(consumerRaw, entries);
  if (!parsed.success) {
    // A copied fact gets its own line, not also "unknown key".
    const copied = (p: Problem) => own.some((q) => q.path === p.path) && p.message.startsWith("unknown key");
    const all = [...describe(parsed.error).filter((p) => !copied(p)), ...own];
    return all.filter((p, i) => all.findIndex((q) => q.path === p.path && q.message === p.message) === i);
  }
  if (own.length > 0) return own;
  const config = parsed.data;
  const saved = readDescriptors(config.consumer.shares, dir);
  if (!Array.isArray(saved)) return saved.problems;
  const together = descriptorsTogether(saved);
  if (together.length > 0) return together;
  const against = saved.flatMap(({ saved: s }, i) => againstDescriptor(s.descriptor, consumerRaw, entries[i], i));
  if (against.length > 0) return against;
  return resolved(config, saved);
}

/** The consumer's own rules (one network choice, clients that can reach it, ...), as the provider's config has them, and no copied facts. */
function ownProblems(consumerRaw: Raw, entries: Raw[]): Problem[] {
  const problems = crossCheck({ consumers: [consumerRaw] }).map((p) => ({
    ...p,
    path: p.path.replace(/^consumers\[0\]/, "consumer"),
  }));
  entries.forEach((entry, i) => {
    for (const key of FROM_THE_DESCRIPTOR)
      if (key in entry)
        problems.push({
          path: `consumer.shares[${i}].${key}`,
          message:
            "comes from the share's descriptor in a consumer-only config; remove it (the provider's config keeps such copies)",
        });
  });
  return problems;
}

type Entry = ConsumerOnlyConfigInput["consumer"]["shares"][number];
interface Saved {
  readonly at: string;
  readonly file: string;
  readonly saved: SavedDescriptor;
}

/** A saved descriptor is at most an advanced parameter's 8 KB, and JSON around it: far below this. */
const MAX_DESCRIPTOR_FILE_BYTES = 64 * 1024;

/** Each entry's saved descriptor, read and checked; or every problem with them. */
function readDescriptors(list: readonly Entry[], dir: string): Saved[] | { problems: Problem[] } {
  const problems: Problem[] = [];
  const saved: Saved[] = [];
  list.forEach((entry, i) => {
    const at = `consumer.shares[${i}].descriptor`;
    const text = readSmallFile(path.resolve(dir, entry.descriptor));
    if (typeof text !== "string") {
      problems.push({
        path: at,
        message: `cannot read ${entry.descriptor} (${text.why}), relative to the config's folder; save the descriptor there with aws ssm get-parameter (docs/self-service.md)`,
      });
      return;
    }
    const read = readSavedDescriptor(text, at);
    if (Array.isArray(read))
      problems.push(...read.map((p) => ({ ...p, message: `${entry.descriptor}: ${p.message}` })));
    else saved.push({ at, file: entry.descriptor, saved: read });
  });
  return problems.length > 0 ? { problems } : saved;
}

/** A regular file's text, or why it cannot be a saved descriptor. */
function readSmallFile(file: string): string | { why: string } {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return { why: stat.isDirectory() ? "a directory" : "not a regular file" };
    if (stat.size > MAX_DESCRIPTOR_FILE_BYTES)
      return { why: `${stat.size} bytes; a saved descriptor is at most ${MAX_DESCRIPTOR_FILE_BYTES}` };
    return readFileSync(file, "utf8");
  } catch (e) {
    return { why: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

/** The shares of one provider config, each once: its name names this consumer's resources and state, as in that config. */
function descriptorsTogether(saved: readonly Saved[]): Problem[] {
  const problems: Problem[] = [];
  const first = saved[0].saved.address;
  for (const { at, saved: s } of saved.slice(1)) {
    const a = s.address;
    if (
      a.config !== first.config ||
      a.accountId !== first.accountId ||
      a.region !== first.region ||
      a.partition !== first.partition
    )
      problems.push({
        path: at,
        message: `describes a share of ${a.config} (${a.accountId}, ${a.region}), but consumer.shares[0] one of ${first.config} (${first.accountId}, ${first.region}); a consumer-only config reaches the shares of one provider config: keep another config for ${a.config}`,
      });
  }
  saved.forEach(({ at, saved: s }, i) => {
    const again = saved.findIndex((o) => o.saved.arn === s.arn);
    if (again < i)
      problems.push({ path: at, message: `is the same share as consumer.shares[${again}]; list each share once` });
  });
  const single = saved.filter((s) => s.saved.address.share === undefined);
  // Of one config (else the lines above say so), its single database is its only share.
  if (problems.length === 0 && single.length > 0 && saved.length > 1)
    problems.push({
      path: single[0].at,
      message: `describes ${first.config}'s single database, which is its only share; list it alone`,
    });
  return problems;
}

/**
 * The consumer against one share as its descriptor describes it: the settings of another
 * transport, then the transport's own consumer rules (the region it serves, the zones, member
 * ports), run on a provider object made from the descriptor. Their fixes that name the
 * provider's settings name them as the provider team's.
 */
function againstDescriptor(d: ShareDescriptor, consumerRaw: Raw, entry: Raw, i: number): Problem[] {
  const problems: Problem[] = [];
  // As written: a default the schema filled in is no setting of the user's.
  for (const { field, why } of foreignConsumerKeys(d.transport, entry))
    problems.push({
      path: `consumer.shares[${i}].${field}`,
      message: `does not apply to this share, whose transport is "${d.transport}" (${why}); remove it`,
    });
  if (problems.length > 0) return problems;
  const { shares: _shares, ...consumer } = consumerRaw;
  const { descriptor: _file, ...settings } = entry;
  const inEntry = new Set(Object.keys(settings));
  return transportConsumerChecks(providerOf(d), { ...consumer, ...settings }, "consumer").map((p) => {
    const key = p.path.split(".")[1];
    return {
      path: inEntry.has(key) ? p.path.replace(/^consumer\./, `consumer.shares[${i}].`) : p.path,
      message: p.message.replace(/provider\.sharing\.(\w+)/g, "the provider's sharing.$1 (in its team's config)"),
    };
  });
}

/** The provider as the rules read it (the single-database form's shape), from what its descriptor says. */
function providerOf(d: ShareDescriptor): Raw {
  return {
    transport: d.transport,
    account: { region: d.region },
    network: { create: { azIds: d.azIds } },
    sharing: { supportedRegions: d.supportedRegions.filter((r) => r !== d.region) },
    // The rules tell a cluster from an instance by an existing database's identifier.
    database: {
      engine: d.database.engine,
      existing:
        d.database.kind === "cluster" ? { clusterIdentifier: "described" } : { instanceIdentifier: "described" },
      ...(d.database.proxy ? { proxy: { existing: { name: "described" } } } : {}),
    },
    ...(d.transport === "resource" ? { resourceDefinition: d.resource.definition } : {}),
  };
}

function resolved(config: z.output<typeof ConsumerOnlyConfigSchema>, saved: readonly Saved[]): ConsumerOnlyConfig {
  const first = saved[0].saved.address;
  const { shares: entriesParsed, ...own } = config.consumer;
  const backend = resolveBackend(own.backend, own.account);
  const consumer: AppConsumer = {
    ...own,
    backend,
    shareFacts: "descriptor",
    shares: saved.map((s) => s.saved.address.share ?? first.config),
  };
  return {
    form: "consumer-only",
    name: first.config,
    tags: config.tags,
    provider: { accountId: first.accountId, region: first.region, partition: first.partition },
    consumer,
    shares: saved.map(({ file, saved: s }, i) => {
      const { descriptor: _file, ...settings } = entriesParsed[i];
      // The consumer exactly as the provider's config gives it to a share: every default applied.
      const seen = ConsumerSchema.parse({ ...own, ...settings, shareFacts: "descriptor" });
      const { shares: _s, ...asSeen } = seen;
      return {
        name: s.address.share ?? s.address.config,
        scoped: s.address.share !== undefined,
        config: viewOf(s),
        consumer: { ...asSeen, backend },
        arn: s.arn,
        descriptor: s.descriptor,
        file,
      };
    }),
  };
}

/** The share as a consumer stack needs it, from its descriptor: what the provider's config would say. */
function viewOf(s: SavedDescriptor): SharedView {
  const d = s.descriptor;
  const { config, share } = s.address;
  return {
    name: share === undefined ? config : `${config}-${share}`,
    nameScope: share === undefined ? { share: config } : { share: config, part: share },
    provider: {
      transport: d.transport,
      account: { region: d.region, accountId: s.address.accountId },
      database: {
        engine: d.database.engine,
        kind: d.database.kind,
        ...(d.database.proxy ? { proxy: { readOnlyEndpoint: d.database.proxy.readOnlyEndpoint } } : {}),
      },
      ports: { writer: d.ports.writer, reader: d.ports.reader, members: d.ports.members },
      ...(d.transport === "resource" ? { resourceDefinition: d.resource.definition } : {}),
    },
  };
}
