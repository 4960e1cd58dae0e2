// Field types shared by config/schema.ts and the transports' slices of it
// (config/transports/<name>/schema.ts). They live apart from schema.ts so that a slice can use
// them while schema.ts composes the slices: neither imports the other in a cycle.
import { z } from "zod";
import { regionProblem, REGIONS } from "./regions";

// CloudWatch Logs accepts only these retention periods.
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// Member slots of a cluster: each is a target group and a listener. The slots cover the largest
// cluster there can be, so that a failover to any member, Auto Scaling's too, switches listeners
// and registers nothing: an Aurora cluster has a writer and up to 15 Aurora Replicas (Aurora User
// Guide, "Amazon Aurora DB clusters"), a Multi-AZ DB cluster a writer and two readable standbys
// (RDS User Guide, "Multi-AZ DB cluster deployments"). A Blue/Green deployment's green members take
// the free slots before its switchover, so a cluster of up to half the slots switches over warm.
export const AURORA_MAX_MEMBERS = 16;
export const MULTI_AZ_CLUSTER_MEMBERS = 3;
/** Listeners per Network Load Balancer: 50, not adjustable (ELB, "Quotas for your Network Load Balancers"). */
export const NLB_LISTENERS = 50;
/** Targets per NLB with cross-zone load balancing, a target counted once per group that holds it (same page). */
export const NLB_TARGETS = 500;
/** The writer and reader listeners, besides the slots' and reader sets'. */
export const PORT_LISTENERS = 2;
/** Reader sets kept populated: the writer's alone, so each member sits in at most 2 groups and the NLB checks at most 2N targets. */
export const DEFAULT_WARM_READER_SETS = 1;
/** Reader-set listeners beyond the populated ones: a spare, so the next writer's set can be filled while the one in use serves. */
export const SPARE_READER_SETS = 1;
/** The most member slots a share can have: every listener the NLB takes, less the ports' and the fewest reader sets'. */
export const MAX_MEMBER_SLOTS = NLB_LISTENERS - PORT_LISTENERS - (DEFAULT_WARM_READER_SETS + SPARE_READER_SETS);
/** Default slots: Aurora's largest cluster (its green copy fits while it has up to 8 members); a Multi-AZ DB cluster and its green copy. */
export function defaultMemberSlots(aurora: boolean): number {
  return aurora ? AURORA_MAX_MEMBERS : MULTI_AZ_CLUSTER_MEMBERS * 2;
}
/** Reader-set listeners of a share: the populated ones and a spare, never more than the slots. */
export function readerSetCount(slots: number, warmReaderSets: number): number {
  return Math.min(slots, warmReaderSets + SPARE_READER_SETS);
}

// Watching: after reconciling, a run of the run queue asks RDS every WATCH_INTERVAL_SECONDS
// (the function's DEFAULT_TIMING.watchIntervalMs) whether the database changed, so a failover
// whose events are lost or late costs seconds, not a schedule interval.
/** One interval of the default schedule: each run hands over to the next, so some run always watches. */
export const DEFAULT_WATCH_SECONDS = 60;
/** A watch ends no later than a failover run's settling (240 s from its start), well inside the function's 300 s timeout less the 15 s it keeps back. */
export const MAX_WATCH_SECONDS = 240;
/** One DescribeDBClusters (or DescribeDBInstances) call per share this often while it watches. */
export const WATCH_INTERVAL_SECONDS = 2;
/**
 * RDS throttles its API per account and Region at a sustained 12 requests a second, bursts of
 * 300 ("Request throttling for the Amazon RDS API", RDS User Guide): the shares of one config
 * may watch with a quarter of it, leaving the rest to the console, Terraform and everyone else.
 */
export const RDS_API_SUSTAINED_PER_SECOND = 12;
export const MAX_WATCH_CALLS_PER_SECOND = RDS_API_SUSTAINED_PER_SECOND / 4;

// A region outside the table is refused with the nearest one: a typo would otherwise fail only at
// apply, and the table also gives the AZ-ID prefix that rules.ts checks every AZ ID against.
export const region = z.enum(REGIONS as [string, ...string[]], {
  error: (iss) =>
    typeof iss.input === "string" ? regionProblem(iss.input) : "must be an AWS region code such as us-east-1",
});

export const hostname = z
  .string()
  .max(253, "must be at most 253 characters")
  .regex(
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a lowercase DNS name such as db.example.com",
  );

export const subnetId = z
  .string()
  .regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id such as subnet-0123456789abcdef0");
export const endpointId = z
  .string()
  .regex(/^vpce-[0-9a-f]{8,17}$/, "must be a VPC endpoint id such as vpce-0123456789abcdef0");
export const resourceConfigurationArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:vpc-lattice:[a-z0-9-]+:\d{12}:resourceconfiguration\/rcfg-[0-9a-z]{17}$/,
    "must be a resource configuration ARN such as arn:aws:vpc-lattice:us-east-1:111111111111:resourceconfiguration/rcfg-0123456789abcdef0",
  );
export const port = z
  .number()
  .int("must be a whole number")
  .min(1, "must be from 1 to 65535")
  .max(65535, "must be from 1 to 65535");

export const unique = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).refine((xs) => new Set(xs).size === xs.length, `must not list the same ${what} twice`);

export const retentionDays = z
  .number()
  .refine(
    (d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d),
    `must be one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch Logs values)`,
  );

/** Principal kinds: IAM ARNs serve both transports; account ids, OUs and the organization only RAM. */
export const PRINCIPAL = {
  iam: /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/,
  accountId: /^\d{12}$/,
  ou: /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{4,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{4,32}$/,
  organization: /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{4,32}$/,
};
