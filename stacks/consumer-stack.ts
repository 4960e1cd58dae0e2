// One consumer account: its network, and its way in to each share it reaches, which that share's
// transport builds (stacks/transports/: an interface endpoint to the endpoint service, or
// resource endpoints to the shared configurations), each in its own ShareScope.
// Composition only; the outputs' names and descriptions are stacks/outputs.ts's.
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { AppConfig, AppConsumer, ShareConfig } from "../config/resolve";
import type { ConsumerConfig } from "../config/schema";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { ConsumerDescriptor, type DescriptorFacts } from "./constructs/consumer-descriptor";
import { Network } from "./constructs/network";
import { OperationsKey } from "./constructs/operations-key";
import { ShareScope } from "./share-scope";
import type { ConsumerTarget } from "./transports/transport";

/** One share this consumer reaches. */
export interface Reach {
  readonly share: ShareConfig;
  /** The consumer as the share sees it: its own keys with its settings of the share. */
  readonly consumer: ConsumerConfig;
  /** What to connect to, from the provider's share: values from the config, or cross-stack references to the provider. */
  readonly target: ConsumerTarget;
  /** What to connect to when the stack reads the share's descriptor (consumers[].shareFacts "descriptor"). */
  readonly targetFromDescriptor: (facts: DescriptorFacts) => ConsumerTarget;
}

export interface ConsumerStackProps {
  readonly config: AppConfig;
  readonly consumer: AppConsumer;
  readonly reaches: Reach[];
  /** The provider's AZ IDs: from the config, or a cross-stack reference to the provider. */
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
    const { config, consumer } = props;
    const prefix = `${config.name}-${consumer.name}`;
    const aws = { account: consumer.account, name: config.name, stackName: id, tags: config.tags };
    addAwsProvider(this, aws);
    addBackend(this, consumer.backend, { name: config.name, stackName: id, region: consumer.account.region });

    const nameScope = { share: config.name, consumer: consumer.name, region: consumer.account.region };
    const key = new OperationsKey(this, "OperationsKey", { name: prefix, nameScope });
    this.network = new Network(this, "Network", {
      config: consumer.network,
      namePrefix: prefix,
      nameScope,
      kmsKeyArn: key.arn,
    });
    // shareFacts "descriptor": each share's facts from its descriptor, read by ARN with this
    // account's credentials, in the provider's region; nothing from the provider's state.
    const fromDescriptor = consumer.shareFacts === "descriptor";
    const providerRegion = config.provider.account.region;
    const regionProvider =
      fromDescriptor && providerRegion !== consumer.account.region
        ? addAwsProvider(this, { ...aws, alias: { name: "provider-region", region: providerRegion } })
        : undefined;
    const accesses = new Map<string, Construct>();
    // Every share of a config is served from the provider's one network: the first descriptor's
    // AZ IDs are every share's.
    let descriptorAzIds: string[] | undefined;
    for (const reach of props.reaches) {
      const { share, consumer: seen } = reach;
      const shareScope = new ShareScope(this, share);
      const namePrefix = `${share.config.name}-${consumer.name}`;
      const descriptor = fromDescriptor
        ? new ConsumerDescriptor(shareScope, "Descriptor", { config: share.config, regionProvider })
        : undefined;
      descriptorAzIds ??= descriptor?.facts.azIds;
      const target = descriptor ? reach.targetFromDescriptor(descriptor.facts) : reach.target;
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
