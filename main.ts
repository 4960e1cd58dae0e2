// The cdktf app: load and validate the config, add one stack per account, synthesize. cdktf-cli
// runs it as cdktf.json's "app"; npm run synth (scripts/synth.ts) calls synthesize() and then
// says what it wrote. The Terraform CLI is chosen first, on import: cdktf reads the choice when
// it is loaded.
import "./stacks/node-warnings";
import { cliChoice as cli } from "./stacks/terraform-cli";
import { App } from "cdktf";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  ConfigError,
  type ConfigSource,
  configSource,
  isConsumerOnlyConfig,
  type LoadedConfig,
  loadAnyConfigFile,
} from "./config/load";
import { notices } from "./config/notices";
import { buildApp, SHARE_FILE, type ShareManifest, shareManifest } from "./stacks/app";
import { buildConsumerApp } from "./stacks/consumer-app";
import { diagramMarkdown } from "./stacks/diagram";

export interface Synthesized {
  /** Where the stacks went: cdktf.out, or the --output given (as given, relative to the working directory). */
  readonly outdir: string;
  /** Each stack, in deploy order (the provider first), with the file synth wrote for it. */
  readonly stacks: ReadonlyArray<{ readonly name: string; readonly file: string }>;
  /** The config as a picture; none for a consumer-only config, which knows no more of the provider than its descriptors. */
  readonly diagram?: string;
  /** The Terraform-compatible CLI found on the PATH, if any. */
  readonly cli?: string;
}

/**
 * Synthesizes the config `source` names (or `config`, already loaded from it); a ConfigError,
 * with nothing written, when it is not valid.
 */
export function synthesize(source: ConfigSource, config?: LoadedConfig): Synthesized {
  // cdktf captures a stack trace for every token it creates, and tsx turns Node's source maps on,
  // so every frame of every trace was mapped: a third of synth's CPU at 10 shares x 20 consumers
  // (npm run bench). Synth's own errors are the config's, worded without a trace; a developer
  // who wants mapped traces sets RDS_PRIVATELINK_SOURCE_MAPS=1.
  if (process.env.RDS_PRIVATELINK_SOURCE_MAPS !== "1") process.setSourceMapsEnabled(false);
  // Nothing is written before the config is valid: a bad config leaves no half-written output.
  const valid = config ?? loadAnyConfigFile(source.file, source.origin);
  // cdktf creates only the last level of --output; cdktf.out/<share> needs its parent too.
  if (process.env.CDKTF_OUTDIR) mkdirSync(process.env.CDKTF_OUTDIR, { recursive: true });
  if (cli.note) process.stderr.write(`${cli.note}\n`);
  const consumerOnly = isConsumerOnlyConfig(valid);
  if (!consumerOnly) for (const notice of notices(valid)) process.stderr.write(`note: ${notice}\n`);
  // Without a CLI, cdktf's version checks could only fail; every other check still runs in the tests.
  const app = new App({ skipValidation: !cli.found });
  const stacks = consumerOnly
    ? [buildConsumerApp(valid, app).consumer]
    : (({ provider, consumers }) => [provider, ...consumers])(buildApp(valid, app));
  app.synth();
  // cdktf keeps the other format's file from an earlier synth; Terraform would read both and
  // report every resource twice, so remove it.
  const [written, stale] = app.hclOutput ? ["cdk.tf", "cdk.tf.json"] : ["cdk.tf.json", "cdk.tf"];
  for (const stack of stacks) {
    rmSync(path.join(app.outdir, "stacks", stack.node.id, stale), { force: true });
  }
  // The share as configured, next to the stacks: cdktf.out/diagram.md (an earlier synth's is stale).
  const diagram = consumerOnly ? undefined : path.join(app.outdir, "diagram.md");
  if (diagram) writeFileSync(diagram, diagramMarkdown(valid as Exclude<LoadedConfig, { form: "consumer-only" }>));
  else rmSync(path.join(app.outdir, "diagram.md"), { force: true });
  // Which share this directory holds: npm run status refuses to judge another share's stacks.
  const manifest: ShareManifest = consumerOnly
    ? {
        name: valid.name,
        stacks: stacks.map((s) => s.node.id),
        ...(valid.shares.some((s) => s.scoped) ? { shares: valid.shares.map((s) => s.name) } : {}),
      }
    : shareManifest(valid);
  writeFileSync(path.join(app.outdir, SHARE_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    outdir: app.outdir,
    stacks: stacks.map((stack) => ({
      name: stack.node.id,
      file: path.join(app.outdir, "stacks", stack.node.id, written),
    })),
    ...(diagram ? { diagram } : {}),
    ...(cli.found ? { cli: cli.binary } : {}),
  };
}

function main(): void {
  const source = configSource();
  if (source.note) process.stderr.write(`note: ${source.note}\n`);
  try {
    synthesize(source);
  } catch (e) {
    // 2, as every script of the project exits on a usage or config error (1 is a finding).
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

if (require.main === module) main();
