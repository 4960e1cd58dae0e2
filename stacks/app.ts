// Builds the whole app from a validated config: one provider stack and one stack per consumer.
import { App } from "cdktf";
import { Config } from "../config/resolve";
import { ConsumerConfig } from "../config/schema";
import { ConsumerStack, consumerStackName, ConsumerTarget } from "./consumer-stack";
import { PROVIDER_STACK, ProviderStack } from "./provider-stack";

export interface Stacks {
  readonly app: App;
  readonly provider: ProviderStack;
  readonly consumers: ConsumerStack[];
}

export function buildApp(config: Config, app: App = new App()): Stacks {
  const provider = new ProviderStack(app, PROVIDER_STACK, { config });
  const knownProviderAzIds = config.provider.network.create?.azIds;
  const consumers = config.consumers.map(
    (consumer) =>
      new ConsumerStack(app, consumerStackName(consumer), {
        config,
        consumer,
        target: targetOf(consumer, provider),
        providerAzIds: consumer.providerAzIds ?? knownProviderAzIds ?? provider.azIds,
      }),
  );
  return { app, provider, consumers };
}

/** What a consumer connects to: its config's values, else cross-stack references that read the provider's outputs from its state at plan time. */
function targetOf(consumer: ConsumerConfig, provider: ProviderStack): ConsumerTarget {
  if (provider.resourceShare) {
    const share = provider.resourceShare;
    const resourceShareArn = consumer.acceptResourceShare ? (consumer.resourceShareArn ?? share.share.arn) : undefined;
    if (share.database) {
      return {
        transport: "resource",
        definition: "arn",
        configurationArn: consumer.resourceConfigurationArn ?? share.database.arn,
        databaseNames: consumer.databaseNames ?? provider.databaseNames,
        resourceShareArn,
      };
    }
    const fromConfig = consumer.resourceConfigurationArn !== undefined;
    return {
      transport: "resource",
      definition: "dns",
      writerConfigurationArn: consumer.resourceConfigurationArn ?? share.writer!.arn,
      // A consumer that names the writer's configuration names the reader's too (the loader checks).
      readerConfigurationArn: fromConfig ? consumer.readerResourceConfigurationArn : share.reader?.arn,
      resourceShareArn,
    };
  }
  return {
    transport: "endpoint-service",
    serviceName: consumer.serviceName ?? provider.endpointService!.serviceName,
    databaseNames: consumer.databaseNames ?? provider.databaseNames,
  };
}

/** The file synth writes next to the stacks, naming the share they belong to. */
export const SHARE_FILE = "share.json";

export interface ShareManifest {
  readonly name: string;
  readonly stacks: string[];
}

export function shareManifest(config: Config): ShareManifest {
  return { name: config.name, stacks: [PROVIDER_STACK, ...config.consumers.map((c) => consumerStackName(c))] };
}
