// One consumer account: its network, and its way in to each share it reaches, which that share's
// transport builds (stacks/transports/: an interface endpoint to the endpoint service, or
// resource endpoints to the shared configurations), each in its own ShareScope.
// Composition only; the outputs' names and descriptions are stacks/outputs.ts's. It knows each
// share by its view (SharedView): the provider's config gives it, and so does the share's
// descriptor, so the same stack comes from the provider's config and from a consumer-only one.
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { AppConsumer, SharedView } from "../config/resolve";
import type { ConsumerConfig } from "../config/schema";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { ConsumerDescriptor, type DescriptorFacts } from "./constructs/consumer-descriptor";
import { Network } from "./constructs/network";
import { OperationsKey } from "./constructs/operations-key";
import { type ShareIdentity, ShareScope } from "./share-scope";
import type { ConsumerTarget } from "./transports/transport";

/** Where a consumer's stack takes a share's facts: the provider's state, or the share's descriptor. */
export type ShareFacts =
  | {
      readonly from: "state";
      /** What to connect to: values from the config, or cross-stack references to the provider. */
      readonly target: ConsumerTarget;
    }
  | {
      readonly from: "descriptor";
      /** The descriptor's SSM parameter, read by this ARN with the consumer's own credentials. */
      readonly arn: string;
      /** What to connect to, from the facts the stack reads in the parameter. */
      readonly target: (facts: DescriptorFacts) => ConsumerTarget;
    };

/** One share this consumer reaches. */
export interface Reach {
  readonly share: ShareIdentity & { readonly config: SharedView };
  /** The consumer as the share sees it: its own keys with its settings of the share. */
  readonly consumer: ConsumerConfig;
  readonly facts: ShareFacts;
}

export interface ConsumerStackProps {
  /** The provider's config name, which names the consumer's resources and its state. */
  readonly name: string;
  readonly tags: Record<string, string>;
  /** The provider's region, where the shares' descriptors are read. */
  readonly providerRegion: string;
  readonly consumer: AppConsumer;
  readonly reaches: Reach[];
  /** The provider's AZ IDs: from the config, or a cross-stack reference to the provider (unused when the facts come from descriptors). */
  readonly providerAzIds: string[];
}

export function consumerStackName(consumer: { name: string }): string {
  return `consumer-${consumer.name}`;
}

export class ConsumerStack extends TerraformStack {
  readonly network: Network;
  /** The consumer's way in to each share it reaches, by share name (id Access under the share's scope). */
  readonly accesses: ReadonlyMap<string, Construct>;

  constructor(scope: Construct, id: string, props: ConsumerStackProps) {
    super(scope, id);
    const { name, consumer } = props;
    const prefix = `${name}-${consumer.name}`;
    const aws = { account: consumer.account, name, stackName: id, tags: props.tags };
    addAwsProvider(this, aws);
    addBackend(this, consumer.backend, { name, stackName: id, region: consumer.account.region });

    const nameScope = { share: name, consumer: consumer.name, region: consumer.account.region };
    const key = new OperationsKey(this, "OperationsKey", { name: prefix, nameScope });
    this.network = new Network(this, "Network", {
      config: consumer.network,
      namePrefix: prefix,
      nameScope,
      kmsKeyArn: key.arn,
    });
    // Descriptors: each share's facts from its descriptor, read by ARN with this account's
    // credentials, in the provider's region; nothing from the provider's state.
    const regionProvider =
      props.reaches.some((r) => r.facts.from === "descriptor") && props.providerRegion !== consumer.account.region
        ? addAwsProvider(this, { ...aws, alias: { name: "provider-region", region: props.providerRegion } })
        : undefined;
    const accesses = new Map<string, Construct>();
    // Every share of a config is served from the provider's one network: the first descriptor's
    // AZ IDs are every share's.
    let descriptorAzIds: string[] | undefined;
    for (const { share, consumer: seen, facts } of props.reaches) {
      const shareScope = new ShareScope(this, share);
      const namePrefix = `${share.config.name}-${consumer.name}`;
      let target: ConsumerTarget;
      if (facts.from === "descriptor") {
        const descriptor = new ConsumerDescriptor(shareScope, "Descriptor", {
          view: share.config,
          arn: facts.arn,
          regionProvider,
        });
        descriptorAzIds ??= descriptor.facts.azIds;
        target = facts.target(descriptor.facts);
      } else target = facts.target;
      accesses.set(
        share.name,
        target.connect({
          scope: shareScope,
          config: share.config,
          consumer: seen,
          namePrefix,
          network: this.network,
          providerAzIds: descriptorAzIds ?? props.providerAzIds,
        }),
      );
    }
    this.accesses = accesses;
  }

  /** The way in of a single-database config's consumer. */
  get access(): Construct {
    if (this.accesses.size !== 1) throw new Error(`${this.node.id} reaches ${this.accesses.size} shares; use accesses`);
    return [...this.accesses.values()][0];
  }
}
