import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, DEFAULT_CONFIG, validateConfig } from "../../config/load";
import { DEFAULT_TRANSPORT, TRANSPORT_SCHEMAS, TRANSPORTS } from "../../config/schema";
import { transportSchema, withSlices } from "../../config/transports/slice";
import { jsonSchema } from "../../scripts/write-schema";
import type { Json as Raw } from "../helpers";

const demo = (): Raw => JSON.parse(readFileSync(DEFAULT_CONFIG, "utf8"));

function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

function set(root: Raw, dotted: string, value: unknown) {
  const keys = dotted.split(".");
  const parent = keys.slice(0, -1).reduce((o, k) => (o[k] ??= {}), root);
  parent[keys[keys.length - 1]] = value;
}

// Every (slice, other transport) pair: the refusals come from the slices, so each key of each
// slice must be refused under every other transport, quoting the slice's reason.
const foreign = TRANSPORT_SCHEMAS.flatMap((slice) =>
  TRANSPORTS.filter((t) => t !== slice.name).map((current) => [slice, current] as const),
);

describe("the transports' slices of the config schema", () => {
  it.each(foreign.map(([slice, current]) => [slice.name, current, slice] as const))(
    "refuses every provider setting of the %s transport under %s, with the slice's reason",
    (owner, current, slice) => {
      for (const [field, key] of Object.entries(slice.provider)) {
        const raw = demo();
        raw.provider.transport = current;
        set(raw.provider, field, "set by the test");
        const message =
          current === DEFAULT_TRANSPORT
            ? `applies only with "transport": "${owner}" (${key.reason}); remove it or set provider.transport to "${owner}"`
            : `does not apply with "transport": "${current}" (${key.reason}); remove it`;
        expect(problemsOf(raw)).toContain(`provider.${field}: ${message}`);
      }
    },
  );

  it.each(foreign.map(([slice, current]) => [slice.name, current, slice] as const))(
    "refuses every consumer setting of the %s transport under %s, with the slice's reason",
    (owner, current, slice) => {
      for (const [field, key] of Object.entries(slice.consumer)) {
        const raw = demo();
        raw.provider.transport = current;
        raw.consumers[0][field] = "set by the test";
        const message =
          current === DEFAULT_TRANSPORT
            ? `applies only with "transport": "${owner}" in provider (${key.reason}); remove it or set "transport": "${owner}"`
            : `does not apply with "transport": "${current}" (${key.reason}); remove it`;
        expect(problemsOf(raw)).toContain(`consumers[0].${field}: ${message}`);
      }
    },
  );

  it("refuses a resource-only provider setting even when provider.sharing is left out", () => {
    const raw = demo();
    delete raw.provider.transport;
    delete raw.provider.sharing;
    raw.provider.resourceDefinition = "dns";
    expect(problemsOf(raw)).toContainEqual(
      expect.stringMatching(/^provider\.resourceDefinition: applies only with "transport": "resource" \(/),
    );
  });

  it("puts every setting of every slice into the JSON schema, with its description", () => {
    const schema = jsonSchema() as Raw;
    const provider = schema.properties.provider;
    const consumer = schema.properties.consumers.items;
    for (const slice of TRANSPORT_SCHEMAS) {
      for (const field of Object.keys(slice.provider)) {
        const node = field.split(".").reduce((n: Raw, k) => n.properties[k], provider);
        expect(node?.description).toEqual(expect.any(String));
      }
      for (const field of Object.keys(slice.consumer))
        expect(consumer.properties[field]?.description).toEqual(expect.any(String));
    }
  });

  it("derives provider.transport's values from the slices, in their order", () => {
    expect(TRANSPORTS).toEqual(TRANSPORT_SCHEMAS.map((s) => s.name));
    expect(TRANSPORTS[0]).toBe(DEFAULT_TRANSPORT);
  });
});

describe("withSlices", () => {
  const third = transportSchema({
    name: "third",
    provider: {
      gateway: { field: z.string().describe("g"), reason: "only the third has one" },
      "sharing.ticket": { field: z.boolean().default(false), reason: "only the third takes tickets" },
    },
    consumer: {},
  });

  it("adds a slice's keys after the common fields, at the top level or one object down", () => {
    const common = { account: z.string() };
    expect(Object.keys(withSlices({ ...common, sharing: z.object({}) }, [third], "provider", ""))).toEqual([
      "account",
      "sharing",
      "gateway",
    ]);
    expect(Object.keys(withSlices({ principals: z.array(z.string()) }, [third], "provider", "sharing"))).toEqual([
      "principals",
      "ticket",
    ]);
  });

  it("refuses a key that two slices declare", () => {
    const clash = transportSchema({
      name: "fourth",
      provider: { gateway: { field: z.string(), reason: "r" } },
      consumer: {},
    });
    expect(() => withSlices({ sharing: z.object({}) }, [third, clash], "provider", "")).toThrow(
      "fourth transport: provider.gateway is already declared by the third transport",
    );
  });

  it("refuses a key that the common fields already declare", () => {
    expect(() => withSlices({ gateway: z.string(), sharing: z.object({}) }, [third], "provider", "")).toThrow(
      "is already declared by the common fields of config/schema.ts",
    );
  });

  it("refuses a nested key under an object the common fields lack", () => {
    expect(() => withSlices({ account: z.string() }, [third], "provider", "")).toThrow(
      "third transport: provider.sharing.ticket names no object of the common provider fields",
    );
  });
});
