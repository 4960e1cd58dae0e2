// Writes config/schema.json (a provider's config) and config/consumer-schema.json (a consumer-only
// config) from the zod schemas, for editor completion through "$schema". Runs on `npm ci` (the
// prepare script) and with `npm run schema`; the files are not committed.
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ConsumerOnlyConfigSchema } from "../config/consumer-only";
import { ConfigSchema } from "../config/schema";
import { helpIfAsked } from "./usage";

export function jsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" }),
    title: "rds-privatelink config",
  };
}

export function consumerJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConsumerOnlyConfigSchema, { io: "input", unrepresentable: "any" }),
    title: "rds-privatelink consumer-only config",
  };
}

if (require.main === module) {
  helpIfAsked(__filename);
  for (const [file, schema] of [
    ["schema.json", jsonSchema()],
    ["consumer-schema.json", consumerJsonSchema()],
  ] as const) {
    const out = path.join(__dirname, "..", "config", file);
    writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
    process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
  }
}
