// One consumer account: its network and its way in to the provider's database, which the
// transport's consumer target builds (stacks/transports/: an interface endpoint to the endpoint
// service, or resource endpoints to the shared configurations).
// Composition only; the outputs' names and descriptions are stacks/outputs.ts's.
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Config } from "../config/resolve";
import { ConsumerConfig } from "../config/schema";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { Network } from "./constructs/network";
import { OperationsKey } from "./constructs/operations-key";
import { ConsumerTarget } from "./transports/transport";

export interface ConsumerStackProps {
  readonly config: Config;
  readonly consumer: ConsumerConfig;
  /** What to connect to, from the provider's share: values from the config, or cross-stack references to the provider. */
  readonly target: ConsumerTarget;
  /** The provider's AZ IDs: from the config, or a cross-stack reference to the provider. */
  readonly providerAzIds: string[];
}

export function consumerStackName(consumer: { name: string }): string {
  return `consumer-${consumer.name}`;
}

export class ConsumerStack extends TerraformStack {
  readonly network: Network;
  /** The consumer's way in (id Access): the interface endpoint's or the resource endpoints' construct. */
  readonly access: Construct;

  constructor(scope: Construct, id: string, props: ConsumerStackProps) {
    super(scope, id);
    const { config, consumer } = props;
    const prefix = `${config.name}-${consumer.name}`;
    addAwsProvider(this, { account: consumer.account, name: config.name, stackName: id, tags: config.tags });
    addBackend(this, consumer.backend, { name: config.name, stackName: id, region: consumer.account.region });

    const nameScope = { share: config.name, consumer: consumer.name, region: consumer.account.region };
    const key = new OperationsKey(this, "OperationsKey", { name: prefix, nameScope });
    this.network = new Network(this, "Network", { config: consumer.network, namePrefix: prefix, nameScope, kmsKeyArn: key.arn });
    // The stack is the scope of the way in: its ids and addresses stay the stack's.
    this.access = props.target.connect({ stack: this, config, consumer, namePrefix: prefix, network: this.network, providerAzIds: props.providerAzIds });
  }
}
