// The one schema of the config file: field types, defaults and error messages. Rules that
// span fields live in rules.ts, the defaults that depend on other fields in resolve.ts.
// config/load.ts runs all three; scripts/write-schema.ts turns this into JSON Schema.
// The settings that only one transport reads live in that transport's slice
// (config/transports/<name>/schema.ts); the provider and consumer schemas are the common fields
// below plus every slice.
import { z } from "zod";
import { isIpv4Cidr } from "../functions/failover-sync/ipv4";
import { ENDPOINT_SERVICE_SCHEMA } from "./transports/endpoint-service/schema";
import { RESOURCE_SCHEMA } from "./transports/resource/schema";
import { ENGINES } from "./engines";
import { hostname, PRINCIPAL, port, region, retentionDays, subnetId, unique } from "./fields";
import { withSlices } from "./transports/slice";

export {
  defaultMemberSlots,
  readerSetCount,
  DEFAULT_WARM_READER_SETS,
  DEFAULT_WATCH_SECONDS,
  LOG_RETENTION_DAYS,
  MAX_MEMBER_SLOTS,
  MAX_WATCH_CALLS_PER_SECOND,
  MAX_WATCH_SECONDS,
  WATCH_INTERVAL_SECONDS,
} from "./fields";

/** The member port block starts this far above the engine port unless the config says where. */
export const MEMBER_PORT_OFFSET = 10;

// Resource names are "<name>-writer" and the like; an NLB or target group name is at most
// 32 characters, so the prefix is capped to leave room for the longest suffix ("-reader").
export const MAX_NAME_LENGTH = 24;
const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

const name = (what: string) =>
  z
    .string()
    .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters: it prefixes ${what}`)
    .regex(NAME, "must start with a letter and use only lowercase letters, digits and hyphens (not at the end)")
    .refine((s) => !s.includes("--"), "must not contain two hyphens in a row");

const cidr = z.string().refine(isIpv4Cidr, "must be an IPv4 CIDR block such as 10.0.0.0/16");

const vpcCidr = cidr.refine(
  (c) => !isIpv4Cidr(c) || (prefixOf(c) >= 16 && prefixOf(c) <= 24),
  "must have a prefix length from /16 to /24 so that one subnet per AZ fits",
);

export const AZ_ID = /^[a-z]{2,5}\d-(?:[a-z0-9]+-)?az\d{1,2}$/;

const azId = z.string().regex(AZ_ID, "must be an AZ ID such as use1-az1 (AZ IDs, not names: names differ per account)");

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");

const roleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    "must be an IAM role ARN such as arn:aws:iam::111111111111:role/deployer",
  );

const loopbackUrl = z
  .string()
  .refine(
    isLoopbackUrl,
    "must be an http(s) URL on a loopback address (127.0.0.0/8, localhost or [::1]): it exists only for tests against an emulator",
  );

const vpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id such as vpc-0123456789abcdef0");
const securityGroupId = z
  .string()
  .regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id such as sg-0123456789abcdef0");

export const AccountSchema = z.strictObject({
  region: region.describe("AWS region of this stack's resources."),
  profile: z
    .string()
    .min(1, "must name a profile of the AWS shared config, or be left out")
    .optional()
    .describe("Named profile from the AWS shared config. Default: the standard credential chain."),
  assumeRoleArn: roleArn.optional().describe("Role the AWS provider assumes. Default: none."),
  accountId: accountId
    .optional()
    .describe(
      "Expected account id. When set, Terraform refuses to run against any other account (allowed_account_ids).",
    ),
  endpoint: loopbackUrl
    .optional()
    .describe("TEST ONLY: send every AWS API call to an emulator on a loopback URL. Never set in real use."),
});

export const BackendSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("local").describe("Backend kind: local, s3 or cloud."),
      path: z
        .string()
        .min(1)
        .optional()
        .describe(
          "State file path, relative to the stack directory. Default: terraform.<name>.<stack>.tfstate in the project root.",
        ),
    }),
    z.strictObject({
      type: z.literal("s3").describe("Backend kind: local, s3 or cloud."),
      bucket: z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
          "must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)",
        )
        .describe("State bucket."),
      key: z
        .string()
        .min(1, "must not be empty; leave it out for the default")
        .optional()
        .describe("State object key. Default: <name>/<stack>.tfstate."),
      region: region.optional().describe("Bucket region. Default: the stack's account region."),
      profile: z
        .string()
        .min(1, "must name a profile of the AWS shared config")
        .optional()
        .describe("Named profile that reaches the state. Default: the stack's account.profile."),
      roleArn: roleArn
        .optional()
        .describe(
          "Role assumed to reach the state. Default: the stack's account.assumeRoleArn (none when the backend sets its own profile).",
        ),
      dynamodbTable: z
        .string()
        .min(3, "must be a DynamoDB table name of 3 to 255 characters")
        .max(255, "must be a DynamoDB table name of 3 to 255 characters")
        .optional()
        .describe("Legacy DynamoDB lock table. Default: none (S3 native locking is always on)."),
    }),
    z.strictObject({
      type: z.literal("cloud").describe("Backend kind: local, s3 or cloud."),
      organization: z
        .string()
        .min(1, "must name the organization")
        .describe("Terraform Cloud / HCP Terraform organization."),
      workspace: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,90}$/, "must use only letters, digits, '-' and '_' (at most 90)")
        .optional()
        .describe("Workspace of this stack. Default: <name>-<stack>."),
      hostname: hostname.optional().describe("Terraform Enterprise host. Default: app.terraform.io."),
    }),
  ],
  { error: (iss) => (iss.code === "invalid_union" ? 'must be "local", "s3" or "cloud"' : undefined) },
);

const CreateNetworkSchema = z.strictObject({
  cidr: vpcCidr.describe("VPC CIDR block."),
  azIds: unique(azId, "AZ ID")
    .min(2, "must list at least 2 AZ IDs: a load balancer and a Multi-AZ database need two zones")
    .optional()
    .describe("AZ IDs of the subnets, one subnet each. Default: the first azCount AZ IDs of the region."),
  azCount: z
    .number()
    .int()
    .min(2, "must be at least 2: a load balancer and a Multi-AZ database need two zones")
    .max(6, "must be at most 6")
    .default(2)
    .describe("How many AZs to use when azIds is not given."),
  flowLogRetentionDays: retentionDays
    .default(30)
    .describe("Retention of the VPC's flow log (all traffic, to an encrypted log group)."),
});

const ExistingNetworkSchema = z.strictObject({
  vpcId: vpcId.describe("Existing VPC."),
  subnetIds: unique(subnetId, "subnet")
    .min(2, "must list at least 2 subnets in different AZs")
    .describe("Existing subnets, in different AZs."),
});

export const NetworkSchema = z
  .strictObject({
    create: CreateNetworkSchema.optional().describe(
      "Create a VPC with isolated subnets (no internet gateway, no NAT).",
    ),
    existing: ExistingNetworkSchema.optional().describe("Use an existing VPC and subnets."),
  })
  .describe('Exactly one of "create" or "existing".');

/** RDS names: a letter, then letters, digits and single hyphens, at most 63 (RDS API Reference, CreateDBProxy). */
const proxyName = z
  .string()
  .regex(/^[A-Za-z](?:-?[A-Za-z0-9]){0,62}$/, "must be an RDS name: a letter, then letters, digits and single hyphens");

const ProxySchema = z.strictObject({
  create: z
    .strictObject({
      secretArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/,
          "must be a Secrets Manager secret ARN such as arn:aws:secretsmanager:us-east-1:111111111111:secret:orders-db-AbCdEf",
        )
        .optional()
        .describe(
          "The secret the proxy signs in to the database with (a username and password). Default: a created database's own master secret, which RDS manages; required for an existing database.",
        ),
      secretKmsKeyArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/,
          "must be a KMS key ARN such as arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )
        .optional()
        .describe(
          "The customer managed KMS key of that secret, which the proxy's role may use only through Secrets Manager. Default: a created database's key; none for an existing database's secret (the AWS managed key aws/secretsmanager).",
        ),
      readOnlyEndpoint: z
        .boolean()
        .optional()
        .describe(
          "A read-only proxy endpoint behind the reader port, which passes connections to the cluster's readers. Default: true for a cluster with readers, false otherwise (the reader port then forwards to the proxy's read/write endpoint). A Multi-AZ DB instance has none.",
        ),
      idleClientTimeoutSeconds: z
        .number()
        .int("must be a whole number of seconds")
        .min(1, "must be from 1 to 28800 seconds (the RDS Proxy range)")
        .max(28800, "must be from 1 to 28800 seconds (the RDS Proxy range)")
        .default(1800)
        .describe("How long a client connection may idle before the proxy closes it. Default: 1800, RDS Proxy's own."),
      iamAuth: z
        .enum(["disabled", "required"], { error: () => 'must be "disabled" or "required"' })
        .default("disabled")
        .describe(
          'Whether clients sign in to the proxy with IAM authentication ("required") or the database\'s own users ("disabled"). Default: disabled.',
        ),
    })
    .optional()
    .describe(
      "Create the proxy: its IAM role (read the secret, decrypt it only through Secrets Manager), its security group, its default target group with the database as target, a read-only endpoint for a cluster's readers, and its log group. TLS is required of every client.",
    ),
  existing: z
    .strictObject({
      name: proxyName.describe("The existing proxy, in the NLB's VPC, with the database as its target."),
      readOnlyEndpoint: proxyName
        .optional()
        .describe(
          "Its read-only endpoint, by name, behind the reader port. Default: none (the reader port forwards to the proxy's read/write endpoint).",
        ),
      securityGroupId: securityGroupId
        .optional()
        .describe("The proxy's security group; when set, an ingress rule from the NLB is added to it."),
    })
    .optional()
    .describe("Use an existing proxy by name: the plan checks that it is in the NLB's VPC."),
});

const DatabaseSchema = z
  .strictObject({
    engine: z.enum(ENGINES, { error: () => `must be one of ${ENGINES.join(", ")}` }).describe("Database engine."),
    create: z
      .strictObject({
        engineVersion: z
          .string()
          .regex(/^\d+(\.\d+)*(\.[\w-]+)?$/, "must be an engine version such as 8.0.mysql_aurora.3.08.0 or 16.4")
          .optional()
          .describe("Engine version. Default: the engine's default."),
        instanceClass: z
          .string()
          .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an instance class such as db.t4g.medium")
          .default("db.t4g.medium")
          .describe("Instance class."),
        readers: z
          .number()
          .int("must be a whole number")
          .min(0, "must be 0 or more")
          .max(15, "must be at most 15 (the Aurora limit)")
          .optional()
          .describe(
            "Aurora reader instances. Default: 1 for Aurora, 0 otherwise (a Multi-AZ instance has no readers).",
          ),
        deletionProtection: z.boolean().default(true).describe("Deletion protection of the database."),
        backupRetentionDays: z
          .number()
          .int()
          .min(1, "must be at least 1: backups stay on")
          .max(35, "must be at most 35 days (the RDS maximum)")
          .default(7)
          .describe("Automated backup retention."),
        allocatedStorageGb: z
          .number()
          .int("must be a whole number of GB")
          .min(20, "must be at least 20 GB (the RDS minimum for gp3)")
          .max(65536, "must be at most 65536 GB (the RDS maximum)")
          .default(20)
          .describe("Storage of a mysql/postgres instance (Aurora grows on its own)."),
      })
      .optional()
      .describe("Create a demo database: Multi-AZ, encrypted, IAM auth, password managed by RDS in Secrets Manager."),
    existing: z
      .strictObject({
        clusterIdentifier: z
          .string()
          .regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, "must be a DB cluster identifier")
          .optional()
          .describe("Existing Aurora or Multi-AZ DB cluster."),
        instanceIdentifier: z
          .string()
          .regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, "must be a DB instance identifier")
          .optional()
          .describe("Existing Multi-AZ DB instance (mysql/postgres only)."),
        securityGroupId: securityGroupId
          .optional()
          .describe("Database security group; when set, an ingress rule from the NLB is added to it."),
      })
      .optional()
      .describe("Look up an existing database."),
    proxy: ProxySchema.optional().describe(
      'An RDS Proxy in front of the database, which the load balancer forwards to instead of the members: the proxy follows failovers itself and keeps client connections open through them, and the failover function only keeps its addresses registered. Exactly one of "create" or "existing". Costs per vCPU-hour of the database (npm run cost). endpoint-service transport only. Default: none (warm member slots; docs/proxy.md compares the two).',
    ),
  })
  .describe('engine plus exactly one of "create" or "existing".');

/**
 * Every transport's slice, in the order of provider.transport's values. A new transport adds its
 * slice here; the schema, the JSON schema, the config reference (docs/configuration.md) and the refusals of
 * config/rules.ts follow from it.
 */
export const TRANSPORT_SCHEMAS = [ENDPOINT_SERVICE_SCHEMA, RESOURCE_SCHEMA] as const;
type TransportNames<S> = { readonly [I in keyof S]: S[I] extends { name: infer N } ? N : never };
export const TRANSPORTS = TRANSPORT_SCHEMAS.map((slice) => slice.name) as unknown as TransportNames<
  typeof TRANSPORT_SCHEMAS
>;
export type TransportName = (typeof TRANSPORTS)[number];
/** The transport of a provider that names none: config/rules.ts words its refusals for it. */
export const DEFAULT_TRANSPORT: TransportName = "endpoint-service";

const PortsSchema = z
  .strictObject(
    withSlices(
      {
        writer: port
          .optional()
          .describe(
            "Writer listener port. Default: the engine port. With the resource transport: the database's own port, which consumers use unchanged.",
          ),
      },
      TRANSPORT_SCHEMAS,
      "provider",
      "ports",
    ),
  )
  .describe("NLB listener ports.");

export { PRINCIPAL };

const principal = z
  .string()
  .refine(
    (p) => p === "*" || Object.values(PRINCIPAL).some((re) => re.test(p)),
    'must be an IAM principal ARN such as arn:aws:iam::222222222222:root, a 12-digit account id, an OU ARN or the organization ARN (the last three with "transport": "resource"), or "*" with allowAnyPrincipal',
  );

const SharingSchema = z.strictObject(
  withSlices(
    {
      allowedPrincipals: unique(principal, "principal")
        .default([])
        .describe(
          "Principals allowed to connect. endpoint-service: IAM ARNs. resource: account ids, account root ARNs, OU ARNs or the organization ARN (one RAM association each).",
        ),
    },
    TRANSPORT_SCHEMAS,
    "provider",
    "sharing",
  ),
);

/** The settings of one shared database: under provider (one database), or in each of provider.shares. */
const shareFields = {
  transport: z
    .enum(TRANSPORTS, { error: () => `must be one of ${TRANSPORTS.join(", ")}` })
    .default(DEFAULT_TRANSPORT)
    .describe(
      "endpoint-service: an NLB, a VPC endpoint service and the failover function. resource: a resource gateway, resource configurations and an AWS RAM share (accounts, OUs, the organization). Default: endpoint-service.",
    ),
  database: DatabaseSchema,
  ports: PortsSchema.default({}),
  // The default is the schema's own answer to {}, so that a slice's sharing defaults apply too.
  sharing: SharingSchema.describe("Who may connect, and how.").default(SharingSchema.parse({})),
};

/** The most shares one config holds: each is a load balancer or a gateway's configurations, with its own quotas. */
export const MAX_SHARES = 20;

/** The keys of a share: what provider.shares[] entries hold, and what the single-database form sets under provider. */
export const ShareSchema = z.strictObject(
  withSlices(
    {
      name: name("the share's resource names (after the config's name) and its outputs").describe(
        "Unique share name: the share's resources are named <config name>-<share name>, its outputs <share>_<output> (hyphens as underscores).",
      ),
      ...shareFields,
    },
    TRANSPORT_SCHEMAS,
    "provider",
    "",
  ),
);
/** A share's own keys: refused under provider when provider.shares is set, since each share has its own. */
export const SHARE_KEYS = Object.keys(ShareSchema.shape).filter((k) => k !== "name");

// One object schema composed from the slices, not a z.discriminatedUnion on transport: a union
// would answer a setting of another transport with zod's own "unrecognized key" (or, for a
// missing or mistyped transport, "invalid discriminator") instead of config/rules.ts's message
// that names the transport the setting needs and why, and transport's default would no longer
// select a branch. The JSON schema and the config reference (docs/configuration.md) stay one flat table too.
// The single-database form sets a share's keys here; provider.shares holds several (rules.ts
// refuses both at once, and either missing).
const ProviderSchema = z.strictObject(
  withSlices(
    {
      account: AccountSchema.describe("The database owner's account."),
      backend: BackendSchema.default({ type: "local" }).describe("State backend. Default: local."),
      network: NetworkSchema,
      ...shareFields,
      database: DatabaseSchema.optional().describe(
        'The shared database (the single-database form). Required unless provider.shares is set; engine plus exactly one of "create" or "existing".',
      ),
      shares: z
        .array(ShareSchema)
        .min(1, "must list at least one share; for one database, leave shares out and set database here")
        .max(MAX_SHARES, `must list at most ${MAX_SHARES} shares`)
        .optional()
        .describe(
          "Several databases in one provider stack: each share has a name and its own database, transport, ports, sharing (and loadBalancer, failover, alarms or resourceDefinition). Default: one share, named by the config's name, from the keys set directly under provider.",
        ),
    },
    TRANSPORT_SCHEMAS,
    "provider",
    "",
  ),
);

/** A consumer's settings of one share it reaches: its own keys in the single-database form, an entry of consumers[].shares otherwise. */
const consumerShareFields = {
  databaseNames: z
    .strictObject({
      writer: hostname.describe(
        "The writer's RDS name: the cluster endpoint (<cluster>.cluster-<id>.<region>.rds.amazonaws.com), or a Multi-AZ instance's address.",
      ),
      reader: hostname
        .optional()
        .describe("Clusters: the reader endpoint (<cluster>.cluster-ro-<id>.<region>.rds.amazonaws.com)."),
      instances: unique(hostname, "name")
        .min(1)
        .optional()
        .describe(
          "Clusters, with memberPorts: the members' instance endpoints (<instance>.<id>.<region>.rds.amazonaws.com).",
        ),
    })
    .optional()
    .describe(
      "The database's own RDS names, which its certificate carries: with the endpoint-service transport this consumer's VPC resolves them to its endpoint (one private zone each); with resourceDefinition arn the resource endpoint's private DNS answers them, and they name the outputs. Default: the provider stack's writer_name, reader_name and instance_names outputs (cross-stack reference).",
    ),
  privateZone: z
    .strictObject({ name: hostname.describe("Private hosted zone; records writer.<zone> and reader.<zone>.") })
    .optional()
    .describe(
      "Friendly names for clients that do not verify the server's identity (the RDS certificate does not carry them). Default: none: applications use the endpoint's own DNS names (writer_address, reader_address); synth says so.",
    ),
};

export const ConsumerShareSchema = z.strictObject(
  withSlices(
    {
      name: z
        .string()
        .min(1, "must name one of provider.shares")
        .describe("The share this entry reaches (one of provider.shares[].name)."),
      ...consumerShareFields,
    },
    TRANSPORT_SCHEMAS,
    "consumer",
    "",
  ),
);
/** A consumer's keys that belong to one share: with provider.shares they go in the entries of consumers[].shares. */
export const CONSUMER_SHARE_KEYS = Object.keys(ConsumerShareSchema.shape).filter((k) => k !== "name");

export const ConsumerSchema = z.strictObject(
  withSlices(
    {
      name: name("the stack name consumer-<name> and resource names").describe(
        "Unique consumer name; its stack is consumer-<name>.",
      ),
      account: AccountSchema,
      backend: BackendSchema.default({ type: "local" }).describe("State backend. Default: local."),
      network: NetworkSchema,
      allowedCidrs: unique(cidr, "CIDR").default([]).describe("Client CIDRs allowed to reach the endpoint."),
      allowedSecurityGroupIds: unique(securityGroupId, "security group")
        .default([])
        .describe("Client security groups allowed to reach the endpoint."),
      ...consumerShareFields,
      providerAzIds: unique(azId, "AZ ID")
        .min(1)
        .optional()
        .describe(
          "AZ IDs of the provider's NLB (its az_ids output). Default: the provider's config, else its stack output.",
        ),
      shareFacts: z
        .enum(["state", "descriptor"], {
          error: () =>
            'must be "state" (a cross-stack reference to the provider\'s state) or "descriptor" (the share\'s SSM parameter, read by ARN)',
        })
        .default("state")
        .describe(
          "Where this consumer's stack takes each share's facts (service name or resource configurations, AZ IDs, the database's RDS names): \"state\", a cross-stack reference to the provider stack's outputs, which the consumer's plan reads from the provider's state backend; or \"descriptor\", the share's SSM parameter (descriptor_arn), read by its ARN with this consumer's own credentials, so its pipeline needs no access to the provider's state (needs provider.account.accountId). Default: state, for a config whose one pipeline deploys the provider and its consumers; see docs/accounts-and-state.md.",
        ),
      shares: z
        .array(
          z.union([z.string(), ConsumerShareSchema], {
            error: () =>
              'must be a share\'s name, or an object such as { "name": "orders", "privateZone": { "name": "orders.db.internal" } }',
          }),
        )
        .min(1, "must list at least one share; leave shares out to reach every share")
        .optional()
        .describe(
          "With provider.shares: the shares this consumer reaches, each a share's name or an object with its name and this consumer's settings of that share (databaseNames, privateZone, serviceName, memberPorts, and the resource transport's keys). Default: every share, with no settings.",
        ),
    },
    TRANSPORT_SCHEMAS,
    "consumer",
    "",
  ),
);

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  name: name("every resource name").describe(
    "Name of the share: lowercase letters, digits, hyphens; prefixes every resource name.",
  ),
  tags: z
    .record(
      z.string().regex(/^[\w .:/=+@-]{1,128}$/, "tag keys use at most 128 letters, digits, spaces and _.:/=+-@"),
      z.string().max(256, "tag values are at most 256 characters"),
    )
    .default({})
    .describe("Tags on every resource."),
  provider: ProviderSchema,
  consumers: z
    .array(ConsumerSchema)
    .max(100, "must list at most 100 consumers")
    .default([])
    .describe(
      "One consumer stack each, in the consumer's own account. Empty: only the provider stack is synthesized (synth says so); consumers elsewhere connect with its outputs.",
    ),
});

/** The config as the schema leaves it, before the defaults that depend on other fields. */
export type ParsedConfig = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type Account = z.output<typeof AccountSchema>;
export type Backend = z.output<typeof BackendSchema>;
export type NetworkConfig = z.output<typeof NetworkSchema>;
export type ParsedConsumer = ParsedConfig["consumers"][number];
/** One consumer as one share's constructs read it: its own keys, with its settings of that share. */
export type ConsumerConfig = Omit<ParsedConsumer, "shares">;
export type ParsedShare = z.output<typeof ShareSchema>;
export type ResourceDefinition = ParsedShare["resourceDefinition"];

export function prefixOf(cidr: string): number {
  return Number(cidr.split("/")[1]);
}

function isLoopbackUrl(s: string): boolean {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (url.username || url.password) return false;
  const host = url.hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
