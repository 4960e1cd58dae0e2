// The stack-outputs contract (stacks/outputs.ts) against the synthesized stacks of both
// transports, and what npm run status reads against what those stacks declare: a stack that
// declares an output the contract does not know, or status reading one that no stack of its
// transport declares, fails here rather than in a deployed share.
import {
  CONSUMER_ENDPOINTS,
  CONSUMER_READS,
  observeConsumer,
  observeProvider,
  PROVIDER_READS,
} from "../../scripts/status/observe";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { validateConfig } from "../../config/load";
import { onlyShare, shareOutputName } from "../../config/resolve";
import {
  OUTPUTS,
  OutputError,
  WHOLE_CONFIG_OUTPUTS,
  OutputValues,
  PROVIDER_OUTPUTS as P,
  reads,
  type StackKind,
  type StackOutput,
  type ValueType,
} from "../../stacks/outputs";
import type { TransportName } from "../../config/schema";
import { demoInput, type Json, synthesize } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";

/** Configs that between them declare every output of the contract, in each transport. */
const CASES: Array<{ name: string; transport: TransportName; mutate: (c: Json) => void }> = [
  { name: "the demo (Aurora cluster, private zone)", transport: "endpoint-service", mutate: () => undefined },
  {
    name: "the demo with member ports and a private DNS name",
    transport: "endpoint-service",
    mutate: (c) => {
      c.consumers[0].memberPorts = true;
      c.provider.sharing.privateDnsName = "orders.db.example.com";
    },
  },
  {
    name: "a Multi-AZ instance with a reader port",
    transport: "endpoint-service",
    mutate: (c) => {
      c.provider.database = { engine: "mysql", create: {} };
      c.provider.ports = { writer: 3306, reader: 3307 };
    },
  },
  {
    name: "the demo behind an RDS Proxy",
    transport: "endpoint-service",
    mutate: (c) => {
      c.provider.database.proxy = { create: {} };
    },
  },
  {
    name: "the demo on the resource transport (ARN-type configuration)",
    transport: "resource",
    mutate: toResourceTransport,
  },
  {
    name: "the demo on the resource transport with DNS-type configurations",
    transport: "resource",
    mutate: (c) => {
      toResourceTransport(c);
      c.provider.resourceDefinition = "dns";
    },
  },
];

interface Declared {
  readonly case: string;
  readonly kind: StackKind;
  readonly stack: string;
  readonly transport: TransportName;
  /** Its own outputs; cdktf's cross-stack-output-* are not the contract's. */
  readonly outputs: Record<string, { value: unknown; description: string }>;
}

const declared: Declared[] = CASES.flatMap(({ name, transport, mutate }) => {
  const { json } = synthesize(mutate);
  return Object.entries(json).map(([stack, body]: [string, Json]) => ({
    case: name,
    kind: stack === "provider" ? ("provider" as const) : ("consumer" as const),
    stack,
    transport,
    outputs: Object.fromEntries(
      Object.entries(body.output ?? {}).filter(([k]) => !k.startsWith("cross-stack-output")),
    ) as Declared["outputs"],
  }));
});
const of = (kind: StackKind, transport: TransportName) =>
  declared.filter((d) => d.kind === kind && d.transport === transport);
const where = (d: Declared) => `${d.stack} of ${d.case}`;

/** The descriptions the contract gives an output in a transport: built ones for every argument a stack passes. */
function descriptions(output: StackOutput, transport: TransportName): string[] {
  const d = output.description[transport];
  if (d === undefined) return [];
  if (typeof d === "string") return [d];
  const build = d as (arg: unknown) => string;
  return ["cluster", "instance", true, false].map((arg) => build(arg));
}

const TOKEN = /^\$\{.+\}$/s;
function hasType(output: StackOutput, value: unknown): boolean {
  if (typeof value === "string" && TOKEN.test(value)) return true;
  switch (output.type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "strings":
      return Array.isArray(value) && value.every((x) => typeof x === "string");
    case "numbers":
      return Array.isArray(value) && value.every((x) => typeof x === "number");
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}

describe("the stacks and the contract agree", () => {
  it("synthesizes a provider and a consumer stack for every case", () => {
    expect(CASES.map((c) => declared.filter((d) => d.case === c.name).map((d) => d.kind))).toEqual(
      CASES.map(() => ["provider", "consumer"]),
    );
  });

  it("declares only the contract's outputs of the stack's kind and transport, with the contract's description and value type", () => {
    const problems = declared.flatMap((d) =>
      Object.entries(d.outputs).flatMap(([name, { value, description }]) => {
        const output = OUTPUTS[d.kind].find((o) => o.name === name);
        if (!output) return [`${where(d)} declares ${name}, which stacks/outputs.ts does not know`];
        const known = descriptions(output, d.transport);
        if (known.length === 0)
          return [
            `${where(d)} declares ${name}, which the contract has only for ${Object.keys(output.description).join(", ")}`,
          ];
        return [
          ...(known.includes(description)
            ? []
            : [`${where(d)}: ${name}'s description "${description}" is not the contract's`]),
          ...(hasType(output, value)
            ? []
            : [`${where(d)}: ${name} is ${JSON.stringify(value)}, not of type ${output.type}`]),
        ];
      }),
    );
    expect(problems).toEqual([]);
  });

  it("lists no output that no stack of its transport declares (the whole config's outputs of several shares are checked below)", () => {
    const unused = (["provider", "consumer"] as const).flatMap((kind) =>
      OUTPUTS[kind]
        .filter((o) => !WHOLE_CONFIG_OUTPUTS.includes(o))
        .flatMap((output) =>
          (Object.keys(output.description) as TransportName[])
            .filter((t) => !of(kind, t).some((d) => output.name in d.outputs))
            .map((t) => `${kind} ${output.name} (${t})`),
        ),
    );
    expect(unused).toEqual([]);
  });
});

describe("npm run status reads only what the stacks declare", () => {
  it.each(["endpoint-service", "resource"] as const)(
    "reads from every %s provider stack the outputs it requires, and optional ones some stack has",
    (transport) => {
      const stacks = of("provider", transport);
      const { required, optional } = PROVIDER_READS[transport];
      const missing = [
        ...stacks.flatMap((d) =>
          required.filter((o) => !(o.name in d.outputs)).map((o) => `${o.name} (required) in ${where(d)}`),
        ),
        ...optional
          .filter((o) => !stacks.some((d) => o.name in d.outputs))
          .map((o) => `${o.name} (optional) in every ${transport} provider stack`),
      ];
      expect(stacks.length).toBeGreaterThan(1);
      expect(missing).toEqual([]);
    },
  );

  it("finds an endpoint id in every consumer stack of either transport, and reads no id no consumer declares", () => {
    const consumers = declared.filter((d) => d.kind === "consumer");
    expect(consumers.filter((d) => !CONSUMER_ENDPOINTS.some(([, o]) => o.name in d.outputs)).map(where)).toEqual([]);
    expect(
      CONSUMER_READS.optional.filter((o) => !consumers.some((d) => o.name in d.outputs)).map((o) => o.name),
    ).toEqual([]);
  });

  it("names the stack and the output when a required one is missing from a state, before asking AWS", async () => {
    const config = onlyShare(validateConfig(demoInput()));
    const err = await observeProvider(
      config,
      new OutputValues("provider", { database_port: 3306, az_ids: ["use1-az1"] }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect(err.message).toBe("provider: its database_identifier output is missing from its state");
    const none = await observeConsumer(config.consumers[0], new OutputValues("consumer-app", { ca_bundle: {} })).catch(
      (e) => e,
    );
    expect(none).toBeInstanceOf(OutputError);
    expect(none.message).toBe(
      "consumer-app: its state has none of the endpoint id outputs (endpoint_id, database_endpoint_id, writer_endpoint_id, reader_endpoint_id)",
    );
  });

  it("checks a value's type against the contract, and reads a port that the CLI printed as text", () => {
    const read = new OutputValues("provider", {
      database_identifier: 42,
      database_port: "5432",
      az_ids: ["use1-az1", 7],
    }).reader(reads({ required: [P.databaseIdentifier, P.databasePort], optional: [P.azIds] }));
    expect(() => read.require(P.databaseIdentifier)).toThrow(
      "provider: its database_identifier output is 42, not a string",
    );
    expect(read.require(P.databasePort)).toBe(5432);
    expect(() => read.get(P.azIds)).toThrow('provider: its az_ids output is ["use1-az1",7], not a list of strings');
  });

  it("refuses, at run time too, to read an output the reader was not given", () => {
    const read = new OutputValues("provider", { service_id: "vpce-svc-0123456789abcdef0" }).reader(
      reads({ optional: [P.azIds] }),
    );
    // @ts-expect-error: the types refuse it; a cast would not.
    expect(() => read.get(P.serviceId)).toThrow(
      "service_id is read without being declared among the reads (stacks/outputs.ts)",
    );
  });
});

describe("the outputs of a config with several shares", () => {
  const CATALOGUE = path.resolve(__dirname, "../../examples/platform-catalogue/config.json");
  const input = () => JSON.parse(readFileSync(CATALOGUE, "utf8"));
  const app = validateConfig(input());
  const { json } = synthesize((c) => {
    for (const key of Object.keys(c)) delete c[key];
    Object.assign(c, input());
  });
  const ownOutputs = (stack: string) =>
    Object.entries(json[stack].output ?? {}).filter(([k]) => !k.startsWith("cross-stack-output")) as Array<
      [string, { value: unknown; description: string }]
    >;
  /** The shares a stack holds: every share in the provider, the ones it reaches in a consumer. */
  const sharesOf = (stack: string) =>
    stack === "provider"
      ? app.shares
      : app.shares.filter((s) => app.consumers.find((c) => `consumer-${c.name}` === stack)!.shares.includes(s.name));
  const kindOf = (stack: string): StackKind => (stack === "provider" ? "provider" : "consumer");
  /** A value of the contract's type, as a deployed state holds it. */
  const SAMPLE: Record<ValueType, unknown> = { string: "x", number: 1, strings: ["x"], numbers: [1], object: { x: 1 } };

  it("names every output a share declares <share>_<output> of a contract output of its stack and transport, with the contract's description", () => {
    const problems = Object.keys(json).flatMap((stack) =>
      ownOutputs(stack).flatMap(([name, { description }]) => {
        const whole = WHOLE_CONFIG_OUTPUTS.find((o) => o.name === name);
        if (whole)
          return stack === "provider" && descriptions(whole, "endpoint-service").includes(description)
            ? []
            : [`${stack} declares ${name}, the whole config's, wrongly`];
        const matches = sharesOf(stack).flatMap((share) =>
          OUTPUTS[kindOf(stack)].filter(
            (o) =>
              shareOutputName(share.name, o.name) === name &&
              descriptions(o, share.config.provider.transport).includes(description),
          ),
        );
        return matches.length === 1
          ? []
          : [`${stack} declares ${name}, which is ${matches.length} of the contract's outputs of its shares`];
      }),
    );
    expect(Object.keys(json).sort()).toEqual([
      "consumer-analytics",
      "consumer-storefront",
      "consumer-warehouse",
      "provider",
    ]);
    expect(problems).toEqual([]);
    expect(ownOutputs("provider").map(([n]) => n)).toEqual(
      expect.arrayContaining(WHOLE_CONFIG_OUTPUTS.map((o) => o.name)),
    );
  });

  it("reads, share by share, every output status requires from the provider stack, and an endpoint id of each share a consumer reaches", () => {
    const state = (stack: string) =>
      new OutputValues(
        stack,
        Object.fromEntries(
          ownOutputs(stack).map(([name]) => {
            const output =
              WHOLE_CONFIG_OUTPUTS.find((o) => o.name === name) ??
              OUTPUTS[kindOf(stack)].find((o) =>
                sharesOf(stack).some((s) => shareOutputName(s.name, o.name) === name),
              )!;
            return [name, SAMPLE[output.type]];
          }),
        ),
      );
    const provider = state("provider");
    // A read that throws names the share's output it could not find: each share's required reads, under its names.
    const unread = app.shares.flatMap((share) => {
      const reader = provider.forShare(share).reader(PROVIDER_READS[share.config.provider.transport]);
      return PROVIDER_READS[share.config.provider.transport].required.flatMap((o) => {
        try {
          reader.require(o);
          return [];
        } catch (e) {
          return [(e as Error).message];
        }
      });
    });
    expect(unread).toEqual([]);
    const endpoints = app.consumers.flatMap((c) => {
      const outputs = state(`consumer-${c.name}`);
      return c.shares.map((name) => {
        const share = app.shares.find((s) => s.name === name)!;
        const ids = CONSUMER_ENDPOINTS.filter(
          ([, o]) => outputs.forShare(share).reader(CONSUMER_READS).get(o) !== undefined,
        ).map(([role]) => role);
        return `${c.name} ${name}: ${ids.join(", ")}`;
      });
    });
    expect(endpoints).toEqual([
      "storefront orders: interface",
      "storefront billing: interface",
      "storefront inventory: database",
      "analytics billing: interface",
      "analytics inventory: database",
      "warehouse orders: interface",
      "warehouse billing: interface",
      "warehouse inventory: database",
    ]);
  });

  it("reads one share's outputs under its names only, and names the share's output and the stack when one is missing or mistyped", () => {
    const [orders, billing] = app.shares;
    const values = new OutputValues("provider", {
      database_port: 1,
      orders_database_port: 3306,
      orders_az_ids: ["use1-az1"],
      billing_database_port: "not a port",
    });
    const read = (share: typeof orders) =>
      values.forShare(share).reader(reads({ required: [P.databasePort, P.databaseIdentifier], optional: [P.azIds] }));
    expect(read(orders).require(P.databasePort)).toBe(3306);
    expect(read(orders).get(P.azIds)).toEqual(["use1-az1"]);
    expect(() => read(orders).require(P.databaseIdentifier)).toThrow(
      new OutputError("provider", "its orders_database_identifier output is missing from its state"),
    );
    expect(() => read(billing).require(P.databasePort)).toThrow(
      'provider: its billing_database_port output is "not a port", not a number',
    );
    // The single-database form's share keeps the contract's names.
    const single = onlyShare(validateConfig(demoInput()));
    expect(
      new OutputValues("provider", { database_port: 5432 })
        .forShare({ name: single.name, scoped: false })
        .reader(reads({ required: [P.databasePort] }))
        .require(P.databasePort),
    ).toBe(5432);
    expect(() => values.forShare(orders).forShare(billing)).toThrow(
      "the outputs of provider are already those of share orders",
    );
  });
});
