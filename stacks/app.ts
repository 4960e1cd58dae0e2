// Builds the whole app from a validated config: one provider stack and one stack per consumer.
import { App } from "cdktf";
import { Config } from "../config/resolve";
import { ConsumerStack, consumerStackName } from "./consumer-stack";
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
        // Cross-stack references read the provider's outputs from its state at plan time.
        serviceName: consumer.serviceName ?? provider.endpointService.serviceName,
        providerAzIds: consumer.providerAzIds ?? knownProviderAzIds ?? provider.azIds,
      }),
  );
  return { app, provider, consumers };
}
