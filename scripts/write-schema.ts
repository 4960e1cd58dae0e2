// Writes config/schema.json from the zod schema, for editor completion through "$schema".
// Runs on `npm ci` (the prepare script) and with `npm run schema`; the file is not committed.
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { ConfigSchema } from "../config/schema";
import { helpIfAsked } from "./usage";

export function jsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" }),
    title: "rds-privatelink config",
  };
}

if (require.main === module) {
  helpIfAsked(__filename);
  const out = path.join(__dirname, "..", "config", "schema.json");
  writeFileSync(out, `${JSON.stringify(jsonSchema(), null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}
