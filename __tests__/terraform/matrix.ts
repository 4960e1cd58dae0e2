// The config matrix that the Terraform and security tiers run: the demo, create/existing
// network x the four engines x the three backends, the resource transport's create/existing
// network x cluster/instance x backends, and every runnable example in examples/.
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ENGINES } from "../../config/engines";
import { EXISTING_NETWORK, type Json } from "../helpers";

export const BACKENDS: Record<string, Json> = {
  local: { type: "local" },
  s3: { type: "s3", bucket: "orders-tf-state" },
  cloud: { type: "cloud", organization: "acme" },
};

export interface MatrixCase {
  name: string;
  mutate: (c: Json) => void;
  /** Set for the matrix cases, not for the demo. */
  network?: "create" | "existing";
  engine?: (typeof ENGINES)[number];
  backend?: string;
  /** Resource transport: how the configurations name the database (the default arn, or dns). */
  definition?: "arn" | "dns";
}

export const MATRIX: MatrixCase[] = [
  { name: "default", mutate: () => undefined },
  ...(["create", "existing"] as const).flatMap((network) =>
    ENGINES.flatMap((engine) =>
      Object.keys(BACKENDS).map((backend) => ({
        name: `${network} network, ${engine}, ${backend} backend`,
        network,
        engine,
        backend,
        mutate: (c: Json) => {
          c.provider.database =
            network === "create"
              ? { engine, create: {} }
              : {
                  engine,
                  existing: engine.startsWith("aurora")
                    ? { clusterIdentifier: "shared-db", securityGroupId: "sg-0123456789abcdef0" }
                    : { instanceIdentifier: "shared-db" },
                };
          c.provider.ports = {};
          c.provider.backend = BACKENDS[backend];
          c.consumers[0].backend = BACKENDS[backend];
          if (network === "existing") {
            c.provider.network = EXISTING_NETWORK;
            c.consumers[0].network = EXISTING_NETWORK;
          }
        },
      })),
    ),
  ),
  {
    // The proxy's existing form, beside examples/proxy's created one: the data source and its VPC postcondition.
    name: "existing network, a Multi-AZ PostgreSQL instance behind an existing RDS Proxy",
    network: "existing",
    engine: "postgres",
    mutate: (c: Json) => {
      c.provider.database = {
        engine: "postgres",
        existing: { instanceIdentifier: "shared-db", securityGroupId: "sg-0fedcba9876543210" },
        proxy: { existing: { name: "shared-proxy", securityGroupId: "sg-0123456789abcdef0" } },
      };
      c.provider.ports = {};
      c.provider.network = EXISTING_NETWORK;
      c.consumers[0].network = EXISTING_NETWORK;
    },
  },
];

/**
 * The resource transport: create/existing network x cluster/instance x the three backends. Its
 * provider stack has no function and so no archive_file: nothing is left out when it is validated.
 */
export const RESOURCE_MATRIX: MatrixCase[] = (["create", "existing"] as const)
  .flatMap((network) =>
    (["aurora-postgresql", "mysql"] as const).flatMap((engine) =>
      Object.keys(BACKENDS).map((backend) => ({
        name: `resource transport, ${network} network, ${engine === "mysql" ? "Multi-AZ instance" : "cluster"}, ${backend} backend`,
        network,
        engine,
        backend,
        mutate: (c: Json) => {
          toResourceTransport(c);
          c.provider.database =
            network === "create"
              ? { engine, create: {} }
              : {
                  engine,
                  existing:
                    engine === "mysql"
                      ? { instanceIdentifier: "shared-db" }
                      : { clusterIdentifier: "shared-db", securityGroupId: "sg-0123456789abcdef0" },
                };
          c.provider.backend = BACKENDS[backend];
          c.consumers[0].backend = BACKENDS[backend];
          if (network === "existing") {
            c.provider.network = EXISTING_NETWORK;
            c.consumers[0].network = EXISTING_NETWORK;
          }
        },
      })),
    ),
  )
  .concat(
    // DNS-type configurations, the option for RDS Proxy and other DNS names: one network and backend.
    (["aurora-postgresql", "mysql"] as const).map((engine) => ({
      name: `resource transport, DNS-type configurations, ${engine === "mysql" ? "Multi-AZ instance" : "cluster"}`,
      network: "create" as const,
      engine,
      backend: "local",
      definition: "dns" as const,
      mutate: (c: Json) => {
        toResourceTransport(c);
        c.provider.resourceDefinition = "dns";
        c.provider.database = { engine, create: {} };
      },
    })),
  );

/** The demo config moved to the resource transport: the endpoint-service settings go, an OU and the organization join. */
export function toResourceTransport(c: Json): void {
  c.provider.transport = "resource";
  for (const key of ["ports", "loadBalancer", "failover", "alarms"]) delete c.provider[key];
  c.provider.sharing = {
    allowedPrincipals: [
      "222222222222",
      "arn:aws:organizations::111111111111:ou/o-abc123defg/ou-ab12-cd34ef56",
      "arn:aws:organizations::111111111111:organization/o-abc123defg",
    ],
    allowExternalPrincipals: false,
  };
}

export const EXAMPLES_DIR = path.join(__dirname, "..", "..", "examples");

const exampleConfig = (scenario: string) => path.join(EXAMPLES_DIR, scenario, "config.json");
const SCENARIOS = readdirSync(EXAMPLES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const isConsumerOnlyExample = (scenario: string) =>
  !("provider" in JSON.parse(readFileSync(exampleConfig(scenario), "utf8")));

/** One case per examples/<scenario>/config.json of a provider's config: the file as a user would copy it. */
export const EXAMPLES: MatrixCase[] = SCENARIOS.filter((s) => !isConsumerOnlyExample(s)).map((scenario) => ({
  name: `example ${scenario}`,
  mutate: (c: Json) => {
    for (const key of Object.keys(c)) delete c[key];
    Object.assign(c, JSON.parse(readFileSync(exampleConfig(scenario), "utf8")));
  },
}));

/** The examples of a consumer team's own config (config/consumer-only.ts), each by its config file. */
export const CONSUMER_ONLY_EXAMPLES: Array<{ name: string; file: string }> = SCENARIOS.filter(
  isConsumerOnlyExample,
).map((scenario) => ({ name: `example ${scenario}`, file: exampleConfig(scenario) }));
