// npm run status of a consumer-only config (config/consumer-only.ts), with the consumer account's
// settings only (the config holds no other): per share, whether the live descriptor (read by its
// ARN, in the provider's region) still has the shape of the saved copy the stack was synthesized
// from; then the consumer's endpoints, their acceptance and their AZ IDs against the descriptor's,
// and the database names the stack answers against the descriptor's.
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { ConsumerOnlyConfig, DescribedShare } from "../../config/consumer-only";
import { DESCRIPTOR_SHAPE, type ShareDescriptor } from "../../config/descriptor";
import { readSavedDescriptor } from "../../config/descriptor-check";
import { consumerStackName } from "../../stacks/consumer-stack";
import { CONSUMER_OUTPUTS, OutputError, type OutputValues } from "../../stacks/outputs";
import { diagnoseConsumer, type Finding, type FixContext } from "./diagnose";
import { clientConfig } from "./clients";
import { observeConsumer } from "./observe";
import { NotThisShareError, readOutputs, type StateLocation, StatusError } from "./outputs";

/** What the consumer's credentials read of a share's descriptor now. */
export type DescriptorObservation =
  | { readonly ok: true; readonly descriptor: ShareDescriptor }
  /** The call failed: error is the SDK's error name (ParameterNotFound, AccessDeniedException, ...). */
  | { readonly ok: false; readonly unreadable: true; readonly error: string; readonly message: string }
  /** The value is not what this release reads: each problem with its own fix. */
  | { readonly ok: false; readonly unreadable: false; readonly problems: string[] };

export async function observeDescriptor(
  share: DescribedShare,
  config: ConsumerOnlyConfig,
): Promise<DescriptorObservation> {
  // Another account reads a shared parameter by its full ARN, in the parameter's region.
  const ssm = new SSMClient(clientConfig({ ...config.consumer.account, region: config.provider.region }));
  let text: string;
  try {
    const r = await ssm.send(new GetParameterCommand({ Name: share.arn, WithDecryption: true }));
    text = JSON.stringify({ Parameter: { ARN: r.Parameter?.ARN ?? share.arn, Value: r.Parameter?.Value } });
  } catch (e) {
    const err = e as Error;
    return { ok: false, unreadable: true, error: err.name, message: err.message };
  }
  const read = readSavedDescriptor(text, "descriptor");
  if (Array.isArray(read)) return { ok: false, unreadable: false, problems: read.map((p) => p.message) };
  return { ok: true, descriptor: read.descriptor };
}

export function diagnoseDescriptor(
  share: DescribedShare,
  observed: DescriptorObservation,
  config: ConsumerOnlyConfig,
  stack: string,
): Finding {
  const check = "share descriptor";
  const save = `aws ssm get-parameter --with-decryption --region ${config.provider.region} --name ${share.arn} > ${share.file}`;
  if (!observed.ok && !observed.unreadable)
    return {
      stack,
      check,
      ok: false,
      detail: `${share.arn} is not a descriptor this release reads`,
      fix: observed.problems.join("; "),
    };
  if (!observed.ok) {
    const account = config.consumer.account.accountId ?? "<this account>";
    return {
      stack,
      check,
      ok: false,
      detail: `cannot read ${share.arn} with this account's credentials (${observed.error}: ${observed.message})`,
      fix:
        observed.error === "ParameterNotFound"
          ? `the provider's share is not deployed, or its descriptor has another ARN now: ask the provider's team for its descriptor_arn output, then save it (${save}), synthesize and apply`
          : /AccessDenied|Unauthorized|InvalidKeyId|KMS/i.test(observed.error)
            ? `the provider's team gives account ${account} the descriptor (an IAM ARN of it in sharing.allowedPrincipals, or the account, its OU or the organization in sharing.descriptorReaders) and deploys; outside its organization, accept the RAM invitation; this account's role needs ssm:GetParameter on the ARN and kms:Decrypt; then run again`
            : "check this account's credentials and network, then run again",
    };
  }
  const changed = DESCRIPTOR_SHAPE.flatMap(({ field, of }) => {
    const [then, now] = [JSON.stringify(of(share.descriptor)), JSON.stringify(of(observed.descriptor))];
    return then === now ? [] : [`${field} is ${now} now, ${then} in ${share.file}`];
  });
  if (changed.length > 0)
    return {
      stack,
      check,
      ok: false,
      detail: `the provider changed the share: ${changed.join("; ")}; the next plan stops on it`,
      fix: `save it again (${save}), synthesize and apply this stack`,
    };
  return {
    stack,
    check,
    ok: true,
    detail: `schema ${observed.descriptor.schemaVersion}, the shape of ${share.file}`,
  };
}

/**
 * The database's names as the consumer's last apply read them (writer_address, reader_address)
 * against the live descriptor's: its private zones answer those names, and a certificate of a
 * new database names others. Nothing to compare under DNS-type configurations, whose consumers
 * use names of their own.
 */
export function diagnoseNames(
  outputs: OutputValues,
  live: ShareDescriptor | undefined,
  stack: string,
  configFile: string,
): Finding | undefined {
  if (!live || (live.transport === "resource" && live.resource.definition === "dns")) return undefined;
  const host = (address: string | undefined) => address?.slice(0, address.lastIndexOf(":"));
  const pairs: Array<[string, string | undefined, string | null]> = [
    [
      outputs.nameOf(CONSUMER_OUTPUTS.writerAddress),
      host(outputs.value(CONSUMER_OUTPUTS.writerAddress)),
      live.database.names.writer,
    ],
    [
      outputs.nameOf(CONSUMER_OUTPUTS.readerAddress),
      host(outputs.value(CONSUMER_OUTPUTS.readerAddress)),
      live.database.names.reader,
    ],
  ];
  const stale = pairs.filter(([, applied, now]) => applied !== undefined && now !== null && applied !== now);
  if (stale.length === 0)
    return { stack, check: "database names", ok: true, detail: "the names the stack answers are the descriptor's" };
  return {
    stack,
    check: "database names",
    ok: false,
    detail: stale
      .map(([output, applied, now]) => `${output} names ${applied}; the descriptor names ${now} now`)
      .join("; "),
    fix: `apply this stack again (npm run synth -- ${configFile}, then plan and apply): its plan reads the names from the descriptor`,
  };
}

export interface ConsumerOnlyStatusArgs {
  /** The config file as the user named it. */
  readonly configFile: string;
  readonly outdir: string;
}

/** Every finding of a consumer-only config's stack; a state that cannot be read is itself a finding. */
export async function checkConsumerOnly(
  config: ConsumerOnlyConfig,
  args: ConsumerOnlyStatusArgs,
  env: NodeJS.ProcessEnv = process.env,
  now = new Date(),
): Promise<Finding[]> {
  const stack = consumerStackName(config.consumer);
  const named = (share: DescribedShare, f: Finding): Finding =>
    share.scoped ? { ...f, share: share.name, check: `${share.name}: ${f.check}` } : f;
  // The provider's fixes are the provider team's, in its own config and with its own credentials.
  const ctx = (share: DescribedShare): FixContext => ({
    configFile: "the provider's config",
    providerCli: `--region ${config.provider.region} (with the provider account's credentials)`,
    now,
    ...(share.scoped ? { shareKeys: `provider.shares[name ${share.name}]` } : {}),
  });
  const findings: Finding[] = [];
  const live = new Map<string, ShareDescriptor>();
  for (const share of config.shares) {
    const observed = await observeDescriptor(share, config);
    if (observed.ok) live.set(share.name, observed.descriptor);
    findings.push(named(share, diagnoseDescriptor(share, observed, config, stack)));
  }
  const loc: StateLocation = {
    name: config.name,
    configFile: args.configFile,
    stack,
    backend: config.consumer.backend,
    projectRoot: process.cwd(),
    outdir: args.outdir,
    shares: config.shares.filter((s) => s.scoped).map((s) => s.name),
  };
  let outputs: OutputValues;
  try {
    outputs = readOutputs(loc, env);
  } catch (e) {
    if (e instanceof NotThisShareError) throw e;
    findings.push({
      stack,
      check: "state and AWS",
      ok: false,
      detail: (e as Error).message,
      fix: e instanceof StatusError ? e.fix : `deploy it: npm run synth -- ${args.configFile}, then apply ${stack}`,
    });
    return findings;
  }
  for (const share of config.shares) {
    try {
      const own = outputs.forShare(share);
      const observed = await observeConsumer(share.consumer, own);
      const azIds = (live.get(share.name) ?? share.descriptor).azIds;
      findings.push(
        ...diagnoseConsumer(observed, { transport: share.config.provider.transport, azIds }, ctx(share)).map((f) =>
          named(share, f),
        ),
      );
      const names = diagnoseNames(own, live.get(share.name), stack, args.configFile);
      if (names) findings.push(named(share, names));
    } catch (e) {
      findings.push(
        named(share, {
          stack,
          check: "state and AWS",
          ok: false,
          detail: (e as Error).message,
          fix:
            e instanceof OutputError
              ? `apply this stack with this release (npm run synth -- ${args.configFile}, then apply ${stack})`
              : "check this account's credentials (profile, role) and region in the config, and that the stack is deployed",
        }),
      );
    }
  }
  return findings;
}
