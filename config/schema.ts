// The one schema of the config file: field types, defaults and error messages. Rules that
// span fields live in rules.ts, the defaults that depend on other fields in resolve.ts.
// config/load.ts runs all three; scripts/write-schema.ts turns this into JSON Schema.
import { z } from "zod";
import { isIpv4Cidr } from "../functions/failover-sync/ipv4";
import { ENGINES } from "./engines";
import { regionProblem, REGIONS } from "./regions";

// CloudWatch Logs accepts only these retention periods.
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// Member slots of a cluster: each is a target group and a listener, and each slot's reader set
// is another pair, so slots cost 2 listeners each (an NLB takes 50 by default).
export const MAX_MEMBER_SLOTS = 16;
export const DEFAULT_MEMBER_SLOTS = 3;
/** Reader sets kept populated: the writer's, the previous writer's and the best failover candidate's. */
export const DEFAULT_WARM_READER_SETS = 3;
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

const cidr = z
  .string()
  .refine(isIpv4Cidr, "must be an IPv4 CIDR block such as 10.0.0.0/16");

const vpcCidr = cidr.refine(
  (c) => !isIpv4Cidr(c) || (prefixOf(c) >= 16 && prefixOf(c) <= 24),
  "must have a prefix length from /16 to /24 so that one subnet per AZ fits",
);

export const AZ_ID = /^[a-z]{2,5}\d-(?:[a-z0-9]+-)?az\d{1,2}$/;

const azId = z
  .string()
  .regex(AZ_ID, "must be an AZ ID such as use1-az1 (AZ IDs, not names: names differ per account)");

// A region outside the table is refused with the nearest one: a typo would otherwise fail only at
// apply, and the table also gives the AZ-ID prefix that rules.ts checks every AZ ID against.
const region = z.enum(REGIONS as [string, ...string[]], {
  error: (iss) => (typeof iss.input === "string" ? regionProblem(iss.input) : "must be an AWS region code such as us-east-1"),
});

const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");

const roleArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "must be an IAM role ARN such as arn:aws:iam::111111111111:role/deployer");

const hostname = z
  .string()
  .max(253, "must be at most 253 characters")
  .regex(
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a lowercase DNS name such as db.example.com",
  );

const loopbackUrl = z
  .string()
  .refine(isLoopbackUrl, "must be an http(s) URL on a loopback address (127.0.0.0/8, localhost or [::1]): it exists only for tests against an emulator");

const vpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id such as vpc-0123456789abcdef0");
const subnetId = z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id such as subnet-0123456789abcdef0");
const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id such as sg-0123456789abcdef0");
const endpointId = z.string().regex(/^vpce-[0-9a-f]{8,17}$/, "must be a VPC endpoint id such as vpce-0123456789abcdef0");
const resourceConfigurationArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:vpc-lattice:[a-z0-9-]+:\d{12}:resourceconfiguration\/rcfg-[0-9a-z]{17}$/,
    "must be a resource configuration ARN such as arn:aws:vpc-lattice:us-east-1:111111111111:resourceconfiguration/rcfg-0123456789abcdef0",
  );
const port = z.number().int("must be a whole number").min(1, "must be from 1 to 65535").max(65535, "must be from 1 to 65535");

const unique = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).refine((xs) => new Set(xs).size === xs.length, `must not list the same ${what} twice`);

export const AccountSchema = z.strictObject({
  region: region.describe("AWS region of this stack's resources."),
  profile: z.string().min(1, "must name a profile of the AWS shared config, or be left out").optional().describe("Named profile from the AWS shared config. Default: the standard credential chain."),
  assumeRoleArn: roleArn.optional().describe("Role the AWS provider assumes. Default: none."),
  accountId: accountId
    .optional()
    .describe("Expected account id. When set, Terraform refuses to run against any other account (allowed_account_ids)."),
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
        .describe("State file path, relative to the stack directory. Default: terraform.<name>.<stack>.tfstate in the project root."),
    }),
    z.strictObject({
      type: z.literal("s3").describe("Backend kind: local, s3 or cloud."),
      bucket: z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)")
        .describe("State bucket."),
      key: z.string().min(1, "must not be empty; leave it out for the default").optional().describe("State object key. Default: <name>/<stack>.tfstate."),
      region: region.optional().describe("Bucket region. Default: the stack's account region."),
      profile: z
        .string()
        .min(1, "must name a profile of the AWS shared config")
        .optional()
        .describe("Named profile that reaches the state. Default: the stack's account.profile."),
      roleArn: roleArn
        .optional()
        .describe("Role assumed to reach the state. Default: the stack's account.assumeRoleArn (none when the backend sets its own profile)."),
      dynamodbTable: z.string().min(3, "must be a DynamoDB table name of 3 to 255 characters").max(255, "must be a DynamoDB table name of 3 to 255 characters").optional().describe("Legacy DynamoDB lock table. Default: none (S3 native locking is always on)."),
    }),
    z.strictObject({
      type: z.literal("cloud").describe("Backend kind: local, s3 or cloud."),
      organization: z.string().min(1, "must name the organization").describe("Terraform Cloud / HCP Terraform organization."),
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

const retentionDays = z
  .number()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `must be one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch Logs values)`);

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
  flowLogRetentionDays: retentionDays.default(30).describe("Retention of the VPC's flow log (all traffic, to an encrypted log group)."),
});

const ExistingNetworkSchema = z.strictObject({
  vpcId: vpcId.describe("Existing VPC."),
  subnetIds: unique(subnetId, "subnet")
    .min(2, "must list at least 2 subnets in different AZs")
    .describe("Existing subnets, in different AZs."),
});

export const NetworkSchema = z
  .strictObject({
    create: CreateNetworkSchema.optional().describe("Create a VPC with isolated subnets (no internet gateway, no NAT)."),
    existing: ExistingNetworkSchema.optional().describe("Use an existing VPC and subnets."),
  })
  .describe('Exactly one of "create" or "existing".');

const DatabaseSchema = z
  .strictObject({
    engine: z.enum(ENGINES, { error: () => `must be one of ${ENGINES.join(", ")}` }).describe("Database engine."),
    create: z
      .strictObject({
        engineVersion: z.string().regex(/^\d+(\.\d+)*(\.[\w-]+)?$/, "must be an engine version such as 8.0.mysql_aurora.3.08.0 or 16.4").optional().describe("Engine version. Default: the engine's default."),
        instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an instance class such as db.t4g.medium").default("db.t4g.medium").describe("Instance class."),
        readers: z.number().int("must be a whole number").min(0, "must be 0 or more").max(15, "must be at most 15 (the Aurora limit)").optional().describe("Aurora reader instances. Default: 1 for Aurora, 0 otherwise (a Multi-AZ instance has no readers)."),
        deletionProtection: z.boolean().default(true).describe("Deletion protection of the database."),
        backupRetentionDays: z.number().int().min(1, "must be at least 1: backups stay on").max(35, "must be at most 35 days (the RDS maximum)").default(7).describe("Automated backup retention."),
        allocatedStorageGb: z.number().int("must be a whole number of GB").min(20, "must be at least 20 GB (the RDS minimum for gp3)").max(65536, "must be at most 65536 GB (the RDS maximum)").default(20).describe("Storage of a mysql/postgres instance (Aurora grows on its own)."),
      })
      .optional()
      .describe("Create a demo database: Multi-AZ, encrypted, IAM auth, password managed by RDS in Secrets Manager."),
    existing: z
      .strictObject({
        clusterIdentifier: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, "must be a DB cluster identifier").optional().describe("Existing Aurora or Multi-AZ DB cluster."),
        instanceIdentifier: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, "must be a DB instance identifier").optional().describe("Existing Multi-AZ DB instance (mysql/postgres only)."),
        securityGroupId: securityGroupId.optional().describe("Database security group; when set, an ingress rule from the NLB is added to it."),
      })
      .optional()
      .describe("Look up an existing database."),
  })
  .describe('engine plus exactly one of "create" or "existing".');

const PortsSchema = z
  .strictObject({
    writer: port
      .optional()
      .describe("Writer listener port. Default: the engine port. With the resource transport: the database's own port, which consumers use unchanged."),
    reader: port.nullable().optional().describe("Reader listener port; null means no reader listener. Default: engine port + 1."),
    firstMember: port
      .optional()
      .describe(
        "Clusters: first port of the member listeners. Slot i listens on firstMember + i (an instance-pinned endpoint); slot i's reader set on firstMember + slots + i. Default: engine port + 10.",
      ),
  })
  .describe("NLB listener ports.");

export const TRANSPORTS = ["endpoint-service", "resource"] as const;
/** How a resource configuration names the database: by its ARN (RDS names through private DNS) or by DNS names. */
export const RESOURCE_DEFINITIONS = ["arn", "dns"] as const;
export type Transport = (typeof TRANSPORTS)[number];
export type ResourceDefinition = (typeof RESOURCE_DEFINITIONS)[number];

/** Principal kinds: IAM ARNs serve both transports; account ids, OUs and the organization only RAM. */
export const PRINCIPAL = {
  iam: /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/,
  accountId: /^\d{12}$/,
  ou: /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{4,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{4,32}$/,
  organization: /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{4,32}$/,
};

const principal = z.string().refine(
  (p) => p === "*" || Object.values(PRINCIPAL).some((re) => re.test(p)),
  'must be an IAM principal ARN such as arn:aws:iam::222222222222:root, a 12-digit account id, an OU ARN or the organization ARN (the last three with "transport": "resource"), or "*" with allowAnyPrincipal',
);

const SharingSchema = z.strictObject({
  allowedPrincipals: unique(principal, "principal")
    .default([])
    .describe("Principals allowed to connect. endpoint-service: IAM ARNs. resource: account ids, account root ARNs, OU ARNs or the organization ARN (one RAM association each)."),
  allowExternalPrincipals: z
    .boolean()
    .default(false)
    .describe("resource transport: may principals outside your AWS Organization join the RAM share (they get an invitation)? Default: false."),
  acceptanceRequired: z.boolean().default(true).describe("Each endpoint connection must be accepted."),
  allowAnyPrincipal: z.boolean().default(false).describe('Allow "*" in allowedPrincipals (any AWS account may request a connection).'),
  acceptEndpointIds: unique(endpointId, "endpoint").default([]).describe("Endpoint connections to accept."),
  privateDnsName: hostname.optional().describe("Private DNS name of the service (domain ownership is verified by a TXT record)."),
  supportedRegions: unique(region, "region").default([]).describe("Other regions whose consumers may connect (cross-region PrivateLink)."),
});

const FailoverSchema = z.strictObject({
  memberSlots: z
    .number()
    .int("must be a whole number")
    .min(2, "must be at least 2: the writer and one failover target")
    .max(MAX_MEMBER_SLOTS, `must be at most ${MAX_MEMBER_SLOTS} (an Aurora cluster has at most ${MAX_MEMBER_SLOTS} instances)`)
    .optional()
    .describe(
      `Existing cluster: how many members sit warm in their own target group, best failover candidates (promotion tier) first. Default: ${DEFAULT_MEMBER_SLOTS}, the members of a Multi-AZ DB cluster. A created cluster gets one per instance.`,
    ),
  warmReaderSets: z
    .number()
    .int("must be a whole number")
    .min(2, "must be at least 2: the writer's reader set and one for the next writer")
    .max(MAX_MEMBER_SLOTS, `must be at most ${MAX_MEMBER_SLOTS}, the most member slots a share has`)
    .default(DEFAULT_WARM_READER_SETS)
    .describe(
      `Clusters: how many reader sets are kept populated: the writer's, the previous writer's (so a failback is warm) and the best failover candidates'. The others stay empty, so the targets the NLB health-checks grow with the member count, not its square. Default: ${DEFAULT_WARM_READER_SETS}.`,
    ),
  reconcileEveryMinutes: z
    .number()
    .int("must be a whole number of minutes")
    .min(1, "must be from 1 to 60 minutes: EventBridge schedules run at most once a minute")
    .max(60, "must be from 1 to 60 minutes: a slower schedule leaves a missed failover event unrepaired for over an hour").default(1).describe("Schedule of the reconciling run."),
  logRetentionDays: retentionDays.default(30).describe("Retention of the function's log group and of the database's exported logs."),
  vpcSubnetIds: unique(subnetId, "subnet").min(1, "must list at least one subnet, or be left out to run outside a VPC").optional().describe("Run the function in these subnets (needs interface endpoints, see README). Default: outside a VPC."),
});

const AlarmsSchema = z.strictObject({
  email: z.email("must be an email address").optional().describe("Subscribe this address to the alarm topic."),
});

const ProviderSchema = z.strictObject({
  account: AccountSchema.describe("The database owner's account."),
  transport: z
    .enum(TRANSPORTS, { error: () => `must be one of ${TRANSPORTS.join(", ")}` })
    .default("endpoint-service")
    .describe(
      "endpoint-service: an NLB, a VPC endpoint service and the failover function. resource: a resource gateway, resource configurations and an AWS RAM share (accounts, OUs, the organization). Default: endpoint-service.",
    ),
  backend: BackendSchema.default({ type: "local" }).describe("State backend. Default: local."),
  resourceDefinition: z
    .enum(RESOURCE_DEFINITIONS, { error: () => `must be one of ${RESOURCE_DEFINITIONS.join(", ")}` })
    .default("arn")
    .describe(
      "resource transport: arn shares the database by its ARN in one configuration; consumers' resource endpoints get the database's own RDS names through private DNS, so TLS clients verify the server. dns shares the writer and reader endpoints' DNS names in two configurations, reached by the consumer's names, which the RDS certificate does not carry (for RDS Proxy and other DNS names). Default: arn.",
    ),
  network: NetworkSchema,
  database: DatabaseSchema,
  ports: PortsSchema.default({}),
  sharing: SharingSchema.describe("Who may connect, and how.").default({ allowedPrincipals: [], allowExternalPrincipals: false, acceptanceRequired: true, allowAnyPrincipal: false, acceptEndpointIds: [], supportedRegions: [] }),
  loadBalancer: z
    .strictObject({
      deletionProtection: z.boolean().default(true).describe("Deletion protection of the NLB."),
      tcpIdleTimeoutSeconds: z
        .number()
        .int("must be a whole number of seconds")
        .min(60, "must be from 60 to 6000 seconds (the NLB's TCP idle timeout range)")
        .max(6000, "must be from 60 to 6000 seconds (the NLB's TCP idle timeout range)")
        .default(350)
        .describe("Seconds a connection may sit idle before every listener resets it. Default: 350, the NLB's own. Clients should send keepalives more often (README, \"Idle connections\")."),
    })
    .describe("The internal Network Load Balancer.")
    .default({ deletionProtection: true, tcpIdleTimeoutSeconds: 350 }),
  failover: FailoverSchema.describe("The failover function.").default({ warmReaderSets: DEFAULT_WARM_READER_SETS, reconcileEveryMinutes: 1, logRetentionDays: 30 }),
  alarms: AlarmsSchema.describe("Where the failover alarms go.").default({}),
});

const ConsumerSchema = z.strictObject({
  name: name("the stack name consumer-<name> and resource names").describe("Unique consumer name; its stack is consumer-<name>."),
  account: AccountSchema,
  backend: BackendSchema.default({ type: "local" }).describe("State backend. Default: local."),
  network: NetworkSchema,
  allowedCidrs: unique(cidr, "CIDR").default([]).describe("Client CIDRs allowed to reach the endpoint."),
  allowedSecurityGroupIds: unique(securityGroupId, "security group").default([]).describe("Client security groups allowed to reach the endpoint."),
  serviceName: z
    .string()
    .regex(/^com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-f]{8,17}$/, "must be an endpoint service name such as com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0")
    .optional()
    .describe("Endpoint service name. Default: the provider stack's output (cross-stack reference)."),
  resourceConfigurationArn: resourceConfigurationArn
    .optional()
    .describe("resource transport: the database's resource configuration (resourceDefinition arn), or the writer's (dns). Default: the provider stack's output (cross-stack reference)."),
  readerResourceConfigurationArn: resourceConfigurationArn
    .optional()
    .describe("resource transport with resourceDefinition dns: the readers' resource configuration. Default: the provider stack's output."),
  acceptResourceShare: z
    .boolean()
    .default(false)
    .describe("resource transport: accept the provider's RAM share invitation in this account (needed when the account is outside the provider's organization)."),
  resourceShareArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share\/[0-9a-f-]{36}$/, "must be a RAM resource share ARN such as arn:aws:ram:us-east-1:111111111111:resource-share/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b")
    .optional()
    .describe("resource transport, with acceptResourceShare: the share to accept. Default: the provider stack's output."),
  memberPorts: z
    .boolean()
    .default(false)
    .describe("Open the provider's member ports (instance-pinned endpoints of a cluster) on this consumer's endpoint. Default: only the writer and reader ports."),
  databaseNames: z
    .strictObject({
      writer: hostname.describe("The writer's RDS name: the cluster endpoint (<cluster>.cluster-<id>.<region>.rds.amazonaws.com), or a Multi-AZ instance's address."),
      reader: hostname.optional().describe("Clusters: the reader endpoint (<cluster>.cluster-ro-<id>.<region>.rds.amazonaws.com)."),
      instances: unique(hostname, "name")
        .min(1)
        .optional()
        .describe("Clusters, with memberPorts: the members' instance endpoints (<instance>.<id>.<region>.rds.amazonaws.com)."),
    })
    .optional()
    .describe(
      "The database's own RDS names, which its certificate carries: with the endpoint-service transport this consumer's VPC resolves them to its endpoint (one private zone each); with resourceDefinition arn the resource endpoint's private DNS answers them, and they name the outputs. Default: the provider stack's writer_name, reader_name and instance_names outputs (cross-stack reference).",
    ),
  privateZone: z.strictObject({ name: hostname.describe("Private hosted zone; records writer.<zone> and reader.<zone>.") }).optional().describe("Friendly names for clients that do not verify the server's identity (the RDS certificate does not carry them). Default: none: applications use the endpoint's own DNS names (writer_address, reader_address); synth says so."),
  providerAzIds: unique(azId, "AZ ID")
    .min(1)
    .optional()
    .describe("AZ IDs of the provider's NLB (its az_ids output). Default: the provider's config, else its stack output."),
});

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  name: name("every resource name").describe("Name of the share: lowercase letters, digits, hyphens; prefixes every resource name."),
  tags: z
    .record(z.string().regex(/^[\w .:/=+@-]{1,128}$/, "tag keys use at most 128 letters, digits, spaces and _.:/=+-@"), z.string().max(256, "tag values are at most 256 characters"))
    .default({})
    .describe("Tags on every resource."),
  provider: ProviderSchema,
  consumers: z.array(ConsumerSchema).max(100, "must list at most 100 consumers").default([]).describe("One consumer stack each, in the consumer's own account. Empty: only the provider stack is synthesized (synth says so); consumers elsewhere connect with its outputs."),
});

/** The config as the schema leaves it, before the defaults that depend on other fields. */
export type ParsedConfig = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type Account = z.output<typeof AccountSchema>;
export type Backend = z.output<typeof BackendSchema>;
export type Network = z.output<typeof NetworkSchema>;
export type ConsumerConfig = ParsedConfig["consumers"][number];

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
