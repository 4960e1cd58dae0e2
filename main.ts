// The cdktf app: load and validate the config, add one stack per account, synthesize.
import { App } from "cdktf";
import { rmSync } from "fs";
import * as path from "path";
import { ConfigError, configPath, loadConfigFile } from "./config/load";
import { buildApp } from "./stacks/app";

function main(): void {
  let config;
  try {
    config = loadConfigFile(configPath());
  } catch (e) {
    // Nothing has been written to cdktf.out yet: a bad config leaves no half-written output.
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const app = new App();
  const { provider, consumers } = buildApp(config, app);
  app.synth();
  // cdktf keeps the other format's file from an earlier synth; Terraform would read both and
  // report every resource twice, so remove it.
  const stale = app.hclOutput ? "cdk.tf.json" : "cdk.tf";
  for (const stack of [provider, ...consumers]) {
    rmSync(path.join(app.outdir, "stacks", stack.node.id, stale), { force: true });
  }
}

main();
