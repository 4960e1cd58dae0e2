// The endpoint-service transport's slice of the config schema: the settings only an NLB, a VPC
// endpoint service and the failover function read. config/schema.ts composes it, and
// config/rules.ts refuses each of them under another transport with the reason given here.
// Loaded by config/ and scripts/write-schema.ts: zod and config-level helpers only.
import { z } from "zod";
import {
  DEFAULT_WARM_READER_SETS,
  DEFAULT_WATCH_SECONDS,
  endpointId,
  hostname,
  MAX_MEMBER_SLOTS,
  AURORA_MAX_MEMBERS,
  MULTI_AZ_CLUSTER_MEMBERS,
  NLB_LISTENERS,
  defaultMemberSlots,
  MAX_WATCH_SECONDS,
  PRINCIPAL,
  port,
  region,
  retentionDays,
  subnetId,
  unique,
  WATCH_INTERVAL_SECONDS,
} from "../../fields";
import { transportSchema } from "../slice";

/** Why connection acceptance means nothing to a RAM share: both acceptance settings give it. */
const NO_ACCEPTANCE =
  "a RAM share has no connection acceptance: principals outside the organization accept an invitation instead (consumers[].acceptResourceShare)";
const NO_MEMBER_LISTENERS = "there are no member listeners without a load balancer";

const FailoverSchema = z.strictObject({
  memberSlots: z
    .number()
    .int("must be a whole number")
    .min(2, "must be at least 2: the writer and one failover target")
    .max(
      MAX_MEMBER_SLOTS,
      `must be at most ${MAX_MEMBER_SLOTS}: an NLB takes ${NLB_LISTENERS} listeners, and the writer, reader and reader-set listeners need the rest`,
    )
    .optional()
    .describe(
      `Clusters: how many members sit warm in their own target group, so that a failover to any of them only switches listeners. Default: ${AURORA_MAX_MEMBERS} for Aurora (its largest cluster, so members that Auto Scaling adds fail over warm too; a Blue/Green deployment's green members take the free slots), ${defaultMemberSlots(false)} for a Multi-AZ DB cluster (its ${MULTI_AZ_CLUSTER_MEMBERS} members and their green copies). An empty slot costs nothing and is not health-checked.`,
    ),
  warmReaderSets: z
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1: the writer's reader set")
    .max(MAX_MEMBER_SLOTS, `must be at most ${MAX_MEMBER_SLOTS}, the most member slots a share has`)
    .default(DEFAULT_WARM_READER_SETS)
    .describe(
      `Clusters: how many reader sets are kept populated: the writer's, then the previous writer's (so the old writer serves reads at once after a failback) and the best failover candidates'. Each set holds every member but its owner, so the NLB checks N + warmReaderSets x (N - 1) targets. Default: ${DEFAULT_WARM_READER_SETS}: each member sits in at most 2 groups and the NLB checks at most 2N targets; after a failover the old writer serves reads once its registration in the writer's set completes (docs/health-checks.md).`,
    ),
  reconcileEveryMinutes: z
    .number()
    .int("must be a whole number of minutes")
    .min(1, "must be from 1 to 60 minutes: EventBridge schedules run at most once a minute")
    .max(
      60,
      "must be from 1 to 60 minutes: a slower schedule leaves a missed failover event unrepaired for over an hour",
    )
    .default(1)
    .describe("Schedule of the reconciling run."),
  watchSeconds: z
    .number()
    .int("must be a whole number of seconds")
    .min(0, `must be from 0 to ${MAX_WATCH_SECONDS} seconds; 0 turns watching off`)
    .max(
      MAX_WATCH_SECONDS,
      `must be from 0 to ${MAX_WATCH_SECONDS} seconds: a run must end inside the function's 300 s timeout, which keeps 15 s back and lets a failover run settle for 240 s; 0 turns watching off`,
    )
    .default(DEFAULT_WATCH_SECONDS)
    .describe(
      `How long each run of the run queue keeps watching the database after reconciling: one DescribeDBClusters (an instance: DescribeDBInstances) call every ${WATCH_INTERVAL_SECONDS} s, and a full sync only when something changed, so a failover whose RDS events are lost or late costs seconds, not a schedule interval. Default: ${DEFAULT_WATCH_SECONDS}, one interval of the default schedule, so that each run hands over to the next and some run is always watching; a shorter watch leaves gaps that only RDS events cover. The function is billed for the watch (npm run cost shows it on its own line); 0 turns it off.`,
    ),
  logRetentionDays: retentionDays
    .default(30)
    .describe("Retention of the function's log group and of the database's exported logs."),
  standbyDiscovery: z
    .boolean()
    .optional()
    .describe(
      "Multi-AZ DB instance: find the standby's network interface (described RDSNetworkInterface, with the instance's security groups, in a subnet of its subnet group and its secondary zone) and keep it registered beside the primary, so that a failover registers nothing. Taken only when exactly one interface fits and no other RDS resource shares the security groups; otherwise the run says why and the new address is registered after the failover. No AWS document promises that the standby's interface is visible: confirm it in your account (docs/failover.md, Multi-AZ DB instances). Default: on for a created instance, whose security group this project owns; off for an existing one. Needs ec2:DescribeNetworkInterfaces, which IAM cannot scope to a resource, and, for a function in a VPC, an EC2 interface endpoint.",
    ),
  vpcSubnetIds: unique(subnetId, "subnet")
    .min(1, "must list at least one subnet, or be left out to run outside a VPC")
    .optional()
    .describe(
      "Run the function in these subnets (needs interface endpoints, see docs/failover.md). Default: outside a VPC.",
    ),
});

const AlarmsSchema = z.strictObject({
  email: z.email("must be an email address").optional().describe("Subscribe this address to the alarm topic."),
});

export const ENDPOINT_SERVICE_SCHEMA = transportSchema({
  name: "endpoint-service",
  provider: {
    "ports.reader": {
      field: port
        .nullable()
        .optional()
        .describe("Reader listener port; null means no reader listener. Default: engine port + 1."),
      reason: "consumers reach the reader endpoint on the database's own port, through their reader endpoint",
    },
    "ports.firstMember": {
      field: port
        .optional()
        .describe(
          "Clusters: first port of the member listeners. Slot i listens on firstMember + i (an instance-pinned endpoint); slot i's reader set on firstMember + slots + i. Default: engine port + 10.",
        ),
      reason: NO_MEMBER_LISTENERS,
    },
    "sharing.acceptanceRequired": {
      field: z.boolean().default(true).describe("Each endpoint connection must be accepted."),
      reason: NO_ACCEPTANCE,
    },
    "sharing.allowAnyPrincipal": {
      field: z
        .boolean()
        .default(false)
        .describe('Allow "*" in allowedPrincipals (any AWS account may request a connection).'),
      reason: "a RAM share goes to listed accounts, OUs or the organization, never to everyone",
    },
    "sharing.descriptorReaders": {
      field: unique(
        z
          .string()
          .refine(
            (p) => [PRINCIPAL.accountId, PRINCIPAL.ou, PRINCIPAL.organization].some((re) => re.test(p)),
            "must be a 12-digit account id, an OU ARN (arn:aws:organizations::<management account>:ou/o-.../ou-...) or the organization's ARN (arn:aws:organizations::<management account>:organization/o-...)",
          ),
        "reader",
      )
        .default([])
        .describe(
          "More readers of the share's descriptor, through its RAM share: account ids, OU ARNs or the organization's ARN. For consumers the service admits through \"*\" (allowAnyPrincipal, with acceptance) who keep a config of their own (docs/self-service.md). Default: none; the accounts of allowedPrincipals' IAM ARNs read it in any case.",
        ),
      reason: "the resource transport's RAM share of the configurations (allowedPrincipals) carries the descriptor",
    },
    "sharing.acceptEndpointIds": {
      field: unique(endpointId, "endpoint").default([]).describe("Endpoint connections to accept."),
      reason: NO_ACCEPTANCE,
    },
    "sharing.privateDnsName": {
      field: hostname
        .optional()
        .describe("Private DNS name of the service (domain ownership is verified by a TXT record)."),
      reason: "resource endpoints use the names in each consumer's private zone (consumers[].privateZone)",
    },
    "sharing.supportedRegions": {
      field: unique(region, "region")
        .default([])
        .describe("Other regions whose consumers may connect (cross-region PrivateLink)."),
      reason: "the resource transport serves consumers in the provider's region only",
    },
    loadBalancer: {
      field: z
        .strictObject({
          deletionProtection: z.boolean().default(true).describe("Deletion protection of the NLB."),
          tcpIdleTimeoutSeconds: z
            .number()
            .int("must be a whole number of seconds")
            .min(60, "must be from 60 to 6000 seconds (the NLB's TCP idle timeout range)")
            .max(6000, "must be from 60 to 6000 seconds (the NLB's TCP idle timeout range)")
            .default(350)
            .describe(
              'Seconds a connection may sit idle before every listener resets it. Default: 350, the NLB\'s own. Clients should send keepalives more often (docs/transports.md, "Idle connections").',
            ),
        })
        .describe("The internal Network Load Balancer.")
        .default({ deletionProtection: true, tcpIdleTimeoutSeconds: 350 }),
      reason: "the resource transport has no load balancer",
    },
    failover: {
      field: FailoverSchema.describe("The failover function.").default({
        warmReaderSets: DEFAULT_WARM_READER_SETS,
        reconcileEveryMinutes: 1,
        watchSeconds: DEFAULT_WATCH_SECONDS,
        logRetentionDays: 30,
      }),
      reason:
        "there is no load balancer to keep in step, so no failover function: the resource configurations follow the RDS endpoints' DNS names",
    },
    alarms: {
      field: AlarmsSchema.describe("Where the failover alarms go.").default({}),
      reason:
        "the alarms watch the failover function and the load balancer, which the resource transport does not have",
    },
  },
  consumer: {
    serviceName: {
      field: z
        .string()
        .regex(
          /^com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-f]{8,17}$/,
          "must be an endpoint service name such as com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
        )
        .optional()
        .describe("Endpoint service name. Default: the provider stack's output (cross-stack reference)."),
      reason:
        "a resource endpoint connects to resource configurations (resourceConfigurationArn), not to an endpoint service",
    },
    memberPorts: {
      field: z
        .boolean()
        .default(false)
        .describe(
          "Open the provider's member ports (instance-pinned endpoints of a cluster) on this consumer's endpoint. Default: only the writer and reader ports.",
        ),
      reason: NO_MEMBER_LISTENERS,
    },
  },
});
