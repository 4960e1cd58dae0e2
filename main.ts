// The cdktf app: load and validate the config, add one stack per account, synthesize.
// The Terraform CLI is chosen first, on import: cdktf reads the choice when it is loaded.
import "./stacks/node-warnings";
import { cliChoice as cli } from "./stacks/terraform-cli";
import { App } from "cdktf";
import { mkdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { ConfigError, configPath, loadConfigFile } from "./config/load";
import { notices } from "./config/notices";
import { buildApp, SHARE_FILE, shareManifest } from "./stacks/app";
import { diagramMarkdown } from "./stacks/diagram";

function main(): void {
  // cdktf captures a stack trace for every token it creates, and tsx turns Node's source maps on,
  // so every frame of every trace was mapped: a third of synth's CPU at 10 shares x 20 consumers
  // (npm run bench). Synth's own errors are the config's, worded without a trace; a developer
  // who wants mapped traces sets RDS_PRIVATELINK_SOURCE_MAPS=1.
  if (process.env.RDS_PRIVATELINK_SOURCE_MAPS !== "1") process.setSourceMapsEnabled(false);
  let config;
  try {
    config = loadConfigFile(configPath());
  } catch (e) {
    // Nothing has been written to cdktf.out yet: a bad config leaves no half-written output.
    // 2, as every script of the project exits on a usage or config error (1 is a finding).
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // cdktf creates only the last level of --output; cdktf.out/<share> needs its parent too.
  if (process.env.CDKTF_OUTDIR) mkdirSync(process.env.CDKTF_OUTDIR, { recursive: true });
  if (cli.note) process.stderr.write(`${cli.note}\n`);
  for (const notice of notices(config)) process.stderr.write(`note: ${notice}\n`);
  // Without a CLI, cdktf's version checks could only fail; every other check still runs in the tests.
  const app = new App({ skipValidation: !cli.found });
  const { provider, consumers } = buildApp(config, app);
  app.synth();
  // cdktf keeps the other format's file from an earlier synth; Terraform would read both and
  // report every resource twice, so remove it.
  const stale = app.hclOutput ? "cdk.tf.json" : "cdk.tf";
  for (const stack of [provider, ...consumers]) {
    rmSync(path.join(app.outdir, "stacks", stack.node.id, stale), { force: true });
  }
  // The share as configured, next to the stacks: cdktf.out/diagram.md.
  writeFileSync(path.join(app.outdir, "diagram.md"), diagramMarkdown(config));
  // Which share this directory holds: npm run status refuses to judge another share's stacks.
  writeFileSync(path.join(app.outdir, SHARE_FILE), `${JSON.stringify(shareManifest(config), null, 2)}\n`);
}

main();
