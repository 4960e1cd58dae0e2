// The config matrix that the Terraform and security tiers run: the demo, then create/existing
// network x the four engines x the three backends.
import { ENGINES } from "../../config/engines";
import { EXISTING_NETWORK, Json } from "../helpers";

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
              : { engine, existing: engine.startsWith("aurora") ? { clusterIdentifier: "shared-db", securityGroupId: "sg-0123456789abcdef0" } : { instanceIdentifier: "shared-db" } };
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
];
