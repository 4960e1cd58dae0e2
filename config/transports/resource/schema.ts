// The resource transport's slice of the config schema: the settings only a resource gateway,
// resource configurations and an AWS RAM share read. config/schema.ts composes it, and
// config/rules.ts refuses each of them under another transport with the reason given here.
// Loaded by config/ and scripts/write-schema.ts: zod and config-level helpers only.
import { z } from "zod";
import { resourceConfigurationArn } from "../../fields";
import { transportSchema } from "../slice";

/** How a resource configuration names the database: by its ARN (RDS names through private DNS) or by DNS names. */
export const RESOURCE_DEFINITIONS = ["arn", "dns"] as const;

const NO_RESOURCE_CONFIGURATIONS = "an endpoint service is reached by serviceName";
const NO_RAM_SHARE = "an endpoint service shares nothing through RAM; the provider accepts connections instead";

export const RESOURCE_SCHEMA = transportSchema({
  name: "resource",
  provider: {
    resourceDefinition: {
      field: z
        .enum(RESOURCE_DEFINITIONS, { error: () => `must be one of ${RESOURCE_DEFINITIONS.join(", ")}` })
        .default("arn")
        .describe(
          "resource transport: arn shares the database by its ARN in one configuration; consumers' resource endpoints get the database's own RDS names through private DNS, so TLS clients verify the server. dns shares the writer and reader endpoints' DNS names in two configurations, reached by the consumer's names, which the RDS certificate does not carry (for RDS Proxy and other DNS names). Default: arn.",
        ),
      reason: "an endpoint service has no resource configurations",
    },
    "sharing.allowExternalPrincipals": {
      field: z
        .boolean()
        .default(false)
        .describe(
          "resource transport: may principals outside your AWS Organization join the RAM share (they get an invitation)? Default: false.",
        ),
      reason: "an endpoint service has no RAM share; allowedPrincipals alone decides",
    },
  },
  consumer: {
    resourceConfigurationArn: {
      field: resourceConfigurationArn
        .optional()
        .describe(
          "resource transport: the database's resource configuration (resourceDefinition arn), or the writer's (dns). Default: the provider stack's output (cross-stack reference).",
        ),
      reason: NO_RESOURCE_CONFIGURATIONS,
    },
    readerResourceConfigurationArn: {
      field: resourceConfigurationArn
        .optional()
        .describe(
          "resource transport with resourceDefinition dns: the readers' resource configuration. Default: the provider stack's output.",
        ),
      reason: NO_RESOURCE_CONFIGURATIONS,
    },
    acceptResourceShare: {
      field: z
        .boolean()
        .default(false)
        .describe(
          "resource transport: accept the provider's RAM share invitation in this account (needed when the account is outside the provider's organization).",
        ),
      reason: NO_RAM_SHARE,
    },
    resourceShareArn: {
      field: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share\/[0-9a-f-]{36}$/,
          "must be a RAM resource share ARN such as arn:aws:ram:us-east-1:111111111111:resource-share/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
        )
        .optional()
        .describe(
          "resource transport, with acceptResourceShare: the share to accept. Default: the provider stack's output.",
        ),
      reason: NO_RAM_SHARE,
    },
  },
});
