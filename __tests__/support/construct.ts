// One construct synthesized alone (cdktf's Testing.synthScope), with the few neighbours it needs
// built from the demo config, for the construct tests under __tests__/stacks/constructs/.
import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { validateConfig } from "../../config/load";
import { type Config, onlyShare } from "../../config/resolve";
import { Network } from "../../stacks/constructs/network";
import { demoInput, type Json } from "../helpers";

/** The demo config, resolved, after an optional change to its input. */
export function demoConfig(mutate: (c: Json) => void = () => undefined): Config {
  const input = demoInput();
  mutate(input);
  return onlyShare(validateConfig(input));
}

/** The synthesized JSON of whatever `build` adds to an empty stack. */
export function synthConstruct(build: (scope: Construct) => void): { text: string; json: Json } {
  const text = Testing.synthScope(build);
  return { text, json: JSON.parse(text) };
}

/** The demo provider's created network: a VPC and two subnets by AZ ID. */
export function demoNetwork(scope: Construct, config: Config = demoConfig()): Network {
  return new Network(scope, "Network", {
    config: config.provider.network,
    namePrefix: config.name,
    nameScope: { share: config.name, region: config.provider.account.region },
    kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/test",
  });
}
