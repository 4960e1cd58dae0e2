// The app of a consumer-only config (config/consumer-only.ts): the consumer's one stack, with
// every share's facts from its descriptor. It is the stack the provider's config gives the same
// consumer under shareFacts "descriptor" (stacks/app.ts), which the tests compare.
import { App } from "cdktf";
import type { ConsumerOnlyConfig } from "../config/consumer-only";
import { ConsumerStack, consumerStackName } from "./consumer-stack";
import { transportOf } from "./transports";

export function buildConsumerApp(
  config: ConsumerOnlyConfig,
  app: App = new App(),
): { app: App; consumer: ConsumerStack } {
  const consumer = new ConsumerStack(app, consumerStackName(config.consumer), {
    name: config.name,
    tags: config.tags,
    providerRegion: config.provider.region,
    consumer: config.consumer,
    reaches: config.shares.map((share) => ({
      share,
      consumer: share.consumer,
      facts: {
        from: "descriptor",
        arn: share.arn,
        target: (read) =>
          transportOf(share.config.provider.transport).targetFromDescriptor(share.config, share.consumer, read),
      },
    })),
    // Read from the first descriptor by the stack itself.
    providerAzIds: [],
  });
  return { app, consumer };
}
