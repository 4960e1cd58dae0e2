// Builds the whole app from a validated config: one provider stack and one stack per consumer.
import { App } from "cdktf";
import type { AppConfig } from "../config/resolve";
import { descriptorArn } from "./constructs/consumer-descriptor";
import { ConsumerStack, consumerStackName, type ShareFacts } from "./consumer-stack";
import { PROVIDER_STACK, ProviderStack } from "./provider-stack";
import { transportOf } from "./transports";

export interface Stacks {
  readonly app: App;
  readonly provider: ProviderStack;
  readonly consumers: ConsumerStack[];
}

export function buildApp(config: AppConfig, app: App = new App()): Stacks {
  const provider = new ProviderStack(app, PROVIDER_STACK, { config });
  const knownProviderAzIds = config.provider.network.create?.azIds;
  const consumers = config.consumers.map((consumer) => {
    const reaches = consumer.shares.map((name) => {
      const share = provider.shareNamed(name);
      const seen = share.share.config.consumers.find((c) => c.name === consumer.name)!;
      const view = share.share.config;
      // The provider's share knows its transport: it hands each consumer the target to build.
      const facts: ShareFacts =
        consumer.shareFacts === "descriptor"
          ? {
              from: "descriptor",
              arn: descriptorArn(view),
              target: (read) => transportOf(view.provider.transport).targetFromDescriptor(view, seen, read),
            }
          : { from: "state", target: share.via.target(seen) };
      return { share: share.share, consumer: seen, facts };
    });
    return new ConsumerStack(app, consumerStackName(consumer), {
      name: config.name,
      tags: config.tags,
      providerRegion: config.provider.account.region,
      consumer,
      reaches,
      providerAzIds: consumer.providerAzIds ?? knownProviderAzIds ?? provider.network.azIds,
    });
  });
  return { app, provider, consumers };
}

/** The file synth writes next to the stacks, naming the config they belong to (and its shares, of several). */
export const SHARE_FILE = "share.json";

export interface ShareManifest {
  /** The config's name, which names the stacks' state (backend.ts). */
  readonly name: string;
  readonly stacks: string[];
  /** Of a config with several shares (provider.shares), their names; absent in the single-database form, whose manifest is as every release before shares wrote it. */
  readonly shares?: string[];
}

export function shareManifest(config: AppConfig): ShareManifest {
  const stacks = [PROVIDER_STACK, ...config.consumers.map((c) => consumerStackName(c))];
  const scoped = config.shares.filter((s) => s.scoped).map((s) => s.name);
  return scoped.length ? { name: config.name, stacks, shares: scoped } : { name: config.name, stacks };
}
