// Writes a config with N consumers (default 50) to the path given, for the synth benchmark.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const [out, countText] = process.argv.slice(2);
const count = Number(countText ?? 50);
const config = JSON.parse(readFileSync(path.join(__dirname, "..", "config", "default.json"), "utf8"));
delete config.$schema;
const template = config.consumers[0];
config.provider.sharing.allowedPrincipals = [];
config.consumers = Array.from({ length: count }, (_, i) => {
  const accountId = String(300000000000 + i);
  config.provider.sharing.allowedPrincipals.push(`arn:aws:iam::${accountId}:root`);
  return { ...template, name: `app${i}`, account: { ...template.account, profile: `app${i}`, accountId } };
});
writeFileSync(out, JSON.stringify(config, null, 2));
