// Shared by the stack tests: the demo config as plain data, and synthesized stacks as JSON.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { ConfigError, DEFAULT_CONFIG, isConsumerOnlyConfig, loadAnyConfigFile, validateConfig } from "../config/load";
import { buildApp, type Stacks } from "../stacks/app";
import { buildConsumerApp } from "../stacks/consumer-app";

// A config as a user writes it and a stack as cdktf writes it: JSON that tests read and edit at any
// depth. Typing every path would only restate the schema and the provider's types.
// biome-ignore lint/suspicious/noExplicitAny: untyped JSON, read and edited at any depth
export type Json = any;

/** A fresh, mutable copy of config/default.json. */
export function demoInput(): Json {
  return JSON.parse(readFileSync(DEFAULT_CONFIG, "utf8"));
}

export interface Synthesized {
  readonly stacks: Stacks;
  /** cdk.tf.json text of each stack, by stack name, for the Testing matchers. */
  readonly text: Record<string, string>;
  /** The same, parsed. */
  readonly json: Record<string, Json>;
}

export function synthesize(mutate: (c: Json) => void = () => undefined): Synthesized {
  const input = demoInput();
  mutate(input);
  // A whole-app synth, as `cdktf synth` does: only it resolves cross-stack references.
  const app = Testing.app();
  const stacks = buildApp(validateConfig(input), app);
  app.synth();
  const text: Record<string, string> = {};
  const json: Record<string, Json> = {};
  for (const stack of [stacks.provider, ...stacks.consumers]) {
    text[stack.node.id] = readFileSync(path.join(app.outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8");
    json[stack.node.id] = JSON.parse(text[stack.node.id]);
  }
  return { stacks, text, json };
}

/** A consumer-only config file's one stack, synthesized: its name, its folder and its JSON. */
export function synthesizeConsumerOnly(file: string): { id: string; dir: string; json: Json } {
  const config = loadAnyConfigFile(file);
  if (!isConsumerOnlyConfig(config)) throw new Error(`${file} is a provider's config`);
  const app = Testing.app();
  const { consumer } = buildConsumerApp(config, app);
  app.synth();
  const dir = path.join(app.outdir, "stacks", consumer.node.id);
  return { id: consumer.node.id, dir, json: JSON.parse(readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) };
}

/** A config's problems as "path: message" lines; none when it is valid. */
export function problems(input: Json): string[] {
  try {
    validateConfig(input);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

/** Every resource of one type in a synthesized stack, as a list. */
export function resources(stack: Json, type: string): Json[] {
  return Object.values(stack.resource?.[type] ?? {});
}

export function dataSources(stack: Json, type: string): Json[] {
  return Object.values(stack.data?.[type] ?? {});
}

/** An existing VPC with two subnets, for configs that look the network up. */
export const EXISTING_NETWORK = {
  existing: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] },
};
