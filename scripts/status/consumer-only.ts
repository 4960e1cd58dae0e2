// npm run status of a consumer-only config (config/consumer-only.ts), with the consumer account's
// credentials only: per share, whether the live descriptor (read by its ARN, in the provider's
// region) still has the shape of the saved copy the stack was synthesized from; then the
// consumer's endpoints, their acceptance and their AZ IDs against the descriptor's.
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { ConsumerOnlyConfig, DescribedShare } from "../../config/consumer-only";
import type { ShareDescriptor } from "../../config/descriptor";
import { readSavedDescriptor } from "../../config/descriptor-check";
import { consumerStackName } from "../../stacks/consumer-stack";
import { OutputError, type OutputValues } from "../../stacks/outputs";
import { diagnoseConsumer, type Finding, type FixContext } from "./diagnose";
import { clientConfig } from "./clients";
import { observeConsumer } from "./observe";
import { NotThisShareError, readOutputs, type StateLocation, StatusError } from "./outputs";

/** What the consumer's credentials read of a share's descriptor now. */
export type DescriptorObservation =
  | { readonly ok: true; readonly descriptor: ShareDescriptor }
  | { readonly ok: false; readonly error: string; readonly unreadable: boolean };

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
    return { ok: false, unreadable: true, error: `${err.name}: ${err.message}` };
  }
  const read = readSavedDescriptor(text, "descriptor");
  if (Array.isArray(read)) return { ok: false, unreadable: false, error: read.map((p) => p.message).join("; ") };
  return { ok: true, descriptor: read.descriptor };
}

/** The fields whose change makes the next plan stop (stacks/constructs/consumer-descriptor.ts): the saved copy's shape. */
const SHAPE: Array<[string, (d: ShareDescriptor) => unknown]> = [
  ["transport", (d) => d.transport],
  ["region", (d) => d.region],
  ["database.engine", (d) => d.database.engine],
  ["database.kind", (d) => d.database.kind],
  ["ports.writer", (d) => d.ports.writer],
  ["ports.reader", (d) => d.ports.reader],
  ["ports.members", (d) => d.ports.members],
  ["resource.definition", (d) => (d.transport === "resource" ? d.resource.definition : undefined)],
];

export function diagnoseDescriptor(
  share: DescribedShare,
  observed: DescriptorObservation,
  config: ConsumerOnlyConfig,
  stack: string,
): Finding {
  const check = "share descriptor";
  const save = `aws ssm get-parameter --with-decryption --region ${config.provider.region} --name ${share.arn} > ${share.file}`;
  if (!observed.ok)
    return {
      stack,
      check,
      ok: false,
      detail: observed.unreadable
        ? `cannot read ${share.arn} with this account's credentials (${observed.error})`
        : `${share.arn} is not what this release reads: ${observed.error}`,
      fix: observed.unreadable
        ? `the provider's team adds account ${config.consumer.account.accountId ?? "<this account>"} to the share's principals (the descriptor's RAM share); outside its organization, accept the RAM invitation; then run again`
        : "upgrade rds-privatelink to the provider's release, or ask the provider's team",
    };
  const changed = SHAPE.flatMap(([field, of]) => {
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
      const observed = await observeConsumer(share.consumer, outputs.forShare(share));
      const azIds = (live.get(share.name) ?? share.descriptor).azIds;
      findings.push(
        ...diagnoseConsumer(observed, { transport: share.config.provider.transport, azIds }, ctx(share)).map((f) =>
          named(share, f),
        ),
      );
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
