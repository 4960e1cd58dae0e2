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
    addAwsProvider(this, { account: consumer.account, name: config.name, stackName: id, tags: config.tags });
    addBackend(this, consumer.backend, { name: config.name, stackName: id, region: consumer.account.region });

    const nameScope = { share: config.name, consumer: consumer.name, region: consumer.account.region };
    const key = new OperationsKey(this, "OperationsKey", { name: prefix, nameScope });
    this.network = new Network(this, "Network", {
      config: consumer.network,
      namePrefix: prefix,
      nameScope,
      kmsKeyArn: key.arn,
    });
    const accesses = new Map<string, Construct>();
    for (const { share, consumer: seen, target } of props.reaches) {
      const shareScope = new ShareScope(this, share);
      const namePrefix = `${share.config.name}-${consumer.name}`;
      accesses.set(
        share.name,
        target.connect({
          scope: shareScope,
          config: share.config,
          consumer: seen,
          namePrefix,
          network: this.network,
          providerAzIds: props.providerAzIds,
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
