// The cdktf app: load and validate the config, add one stack per account, synthesize.
import { App } from "cdktf";
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
  const { app } = buildApp(config, new App());
  app.synth();
}

main();
