import { readFileSync } from "node:fs";
import * as path from "node:path";
import { BEGIN, configReference, END, PAGE } from "../../scripts/config-reference";
import { readSection } from "../../scripts/readme-section";
import { jsonSchema } from "../../scripts/write-schema";
import { LAMBDA_INVOKE_GAP, MISSING_RESOURCES, UNREAD_ATTRIBUTES } from "../terraform/emulator";

describe("generated docs", () => {
  it("keeps the config reference of docs/configuration.md in step with the schema", () => {
    expect(readSection(BEGIN, END, PAGE)).toBe(configReference());
  });

  it("documents every field of the config with a default or 'required'", () => {
    const table = configReference().split("\n").slice(2);
    expect(table.length).toBeGreaterThan(60);
    for (const row of table) expect(row.split(" | ")[2]).not.toBe("");
  });

  it("writes a JSON schema that rejects unknown keys and lists the engines", () => {
    const schema = jsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["name", "provider"]);
    expect(JSON.stringify(schema.properties.provider)).toContain(
      '"enum":["aurora-mysql","aurora-postgresql","mysql","postgres"]',
    );
  });
});

describe("docs/emulator-gaps.md", () => {
  const doc = readFileSync(path.join(__dirname, "..", "..", "docs", "emulator-gaps.md"), "utf8");

  it("names every resource, attribute and API that the e2e tier leaves out", () => {
    for (const gap of [...MISSING_RESOURCES, LAMBDA_INVOKE_GAP]) {
      expect(doc).toContain(`\`${gap.resource}\``);
      expect(doc).toContain(`\`${gap.api}\``);
    }
    for (const gap of UNREAD_ATTRIBUTES) {
      expect(doc).toContain(`\`${gap.resource}\``);
      expect(doc).toContain(`\`${gap.attribute}\``);
      expect(doc).toContain(`\`${gap.api}\``);
    }
  });
});
