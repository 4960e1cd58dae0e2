// The parameters of the simulated AWS, each with its source. Where AWS documents no figure the
// value is marked unknown, and the model takes the harsher end of what is reported. Each
// parameter's default is AWS's documented (or reported) timeline, never a kinder guess.

export interface SimParams {
  /** NLB: seconds from RegisterTargets until health checks start (the target reads "initial"). */
  readonly registrationDelayS: number;
  /** NLB: seconds from ModifyListener until new connections follow the new target group. */
  readonly listenerDelayS: number;
  /** NLB health checks: this project's target groups (stacks/constructs/load-balancer.ts). */
  readonly healthCheckIntervalS: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** NLB: seconds the data plane keeps acting on a health verdict after the checks change it. */
  readonly healthLagS: number;
  /** NLB: seconds a deregistered target keeps receiving new connections. */
  readonly deregisteredTrafficS: number;
  /** NLB: a listener switched back to a group it left less than windowS ago works okS, then fails for failS. */
  readonly rollback: { readonly windowS: number; readonly okS: number; readonly failS: number };
  /** NLB: draining time per group role (this project: 0 s member groups, 10 s reader sets). */
  readonly deregistrationDelayS: { readonly member: number; readonly readerSet: number };
  /** Virtual milliseconds each AWS API call takes. */
  readonly apiLatencyMs: number;
  /** API throttling: token buckets per account and Region, [size, refill per second]. */
  readonly throttle: {
    readonly elbDescribe: readonly [number, number];
    readonly elbChange: readonly [number, number];
    readonly rds: readonly [number, number];
    readonly ec2Describe: readonly [number, number];
  };
  /** Seconds from an RDS event to the function's start: [min, max], drawn per event. */
  readonly eventDelayS: readonly [number, number];
  /** The cluster endpoint's DNS TTL. */
  readonly dnsTtlS: number;
  /** The function's schedule (provider.failover.reconcileEveryMinutes, default 1). */
  readonly scheduleEveryS: number;
  /** The FIFO run queue between EventBridge and the function (stacks/constructs/failover-sync/triggers.ts). */
  readonly runQueue: {
    readonly batchSize: number;
    readonly visibilityTimeoutS: number;
    readonly maxReceives: number;
    readonly deduplicationS: number;
    readonly pollerLatencyS: number;
  };
  /** The function's timeout (stacks/constructs/failover-sync/function.ts). */
  readonly functionTimeoutS: number;
  /** RDS Proxy mode: seconds after RDS names a new writer until the proxy sends new connections there. */
  readonly proxyFollowS: number;
  /** A consumer's connection pool on the writer port: its size and each connection's maximum lifetime. */
  readonly pool: { readonly size: number; readonly maxLifetimeS: number };
}

export const SOURCES = {
  registrationDelayS:
    'unknown; AWS: "It can take a few minutes for the registration process to complete and health checks to start" (ELB, Health checks for Network Load Balancer target groups); "90 to 180 seconds" per an AWS load balancer controller maintainer, "4~5mins" per another, "upwards of 5 minutes" reported (kubernetes-sigs/aws-load-balancer-controller#1834, #1786): swept over 90, 180 and 300 s',
  listenerDelayS:
    "unknown; AWS documents no figure (ELB, Update a listener for your Network Load Balancer); one report saw new connections go to the previous group for ~75 s (aws/containers-roadmap#470): swept over 0, 30 and 75 s",
  healthCheck:
    "this project's target groups: TCP, every 10 s, 2 healthy, 2 unhealthy (stacks/constructs/load-balancer.ts); a target gets traffic once registration completes and it passes the checks (ELB, Health checks for Network Load Balancer target groups)",
  failOpen:
    '"If all targets fail health checks at the same time in all enabled Availability Zones, the load balancer fails open ... to allow traffic to all targets ... regardless of their health status"; "Network Load Balancers will also fail open when you have an empty target group" (ELB, Health checks for Network Load Balancer target groups): a group whose known targets the data plane deems unhealthy sends to all of them; an empty group sends to no node (what the client sees is undocumented: counted dark). A target still registering gets nothing (unknown; the docs route only after registration completes)',
  healthLagS:
    'unknown to AWS\'s docs; "It takes about 30-40 seconds for new connections to stop being sent to the target after it gets marked as Unhealthy" (aws/containers-roadmap#470): 40 s, applied to both directions (the harsher reading)',
  deregisteredTrafficS:
    'contradicts the docs ("new connections stop as soon as the target begins draining"); reported: "about two minutes ... the effective minimum delay seems to be 120 seconds" (aws/containers-roadmap#470), "deregistration takes at least 2 minutes regardless of the deregistration delay setting" (kubernetes-sigs/aws-load-balancer-controller#2366): 120 s',
  rollback:
    'reported once: after a switch back, "The NLB works ok for 10-20 seconds, then starts rejecting connections (TCP reset), then starts timing out, and only 30+ seconds later it starts replying correctly" (aws/containers-roadmap#470); how recent the first switch must be is unknown: 10 minutes. Modelled at the harsher end: 10 s, then 30 s of failures',
  connections:
    'the NLB "routes each individual TCP connection to a single target for the life of the connection" (ELB, How Elastic Load Balancing works): a listener switch moves new connections only',
  deregistrationDelayS:
    "this project's target groups: 0 s member groups, 10 s reader sets (stacks/constructs/load-balancer.ts)",
  apiLatencyMs:
    "unknown (no AWS account here): 100 ms a call, slower than the end-to-end run measured against moto (bench/failover.ts)",
  throttle:
    'ELB: "ELB throttles its API requests for each AWS account on a per-Region basis"; Describe* bucket 40 tokens, refill 10 a second; buckets of RegisterTargets, DeregisterTargets and ModifyListener not found: the same 40/10 (ELB, Request throttling for the ELB API). RDS: "up to 300 requests in a burst and a sustained 12 requests per second" per account and Region (RDS User Guide, Request throttling for the Amazon RDS API). EC2: each non-mutating action has its own bucket of 100 tokens, refilled at 20 a second (EC2 Developer Guide, Request throttling for the Amazon EC2 API, its DescribeHosts example). Other callers in the account share the buckets: a burst scenario drains them for its whole length',
  eventDelayS:
    'unknown; RDS delivers events "on a best effort basis ... they might be out of sequence or missing" (Aurora User Guide, Monitoring Amazon Aurora events): drawn from 1-10 s on time; the sweep adds late (+45 s) and lost',
  dnsTtlS:
    '"Aurora DNS zones use a short time-to-live (TTL) of 5 seconds" (AWS re:Post, "Why did I get a read only error after an Amazon Aurora DB cluster failed over?"); when the cluster endpoint\'s record moves relative to the API is undocumented: at the moment the API names the new writer, and any resolver may answer from a cache up to one TTL old',
  scheduleEveryS: "provider.failover.reconcileEveryMinutes, default 1 (config/schema.ts)",
  runQueue:
    "this project's run queue: batches of 10, visibility timeout 6 x the 300 s function timeout, 3 receives, then the dead-letter queue (stacks/constructs/failover-sync/triggers.ts); \"at least six times the timeout\" (Lambda Developer Guide, Using Lambda with Amazon SQS); FIFO content-based deduplication over 5 minutes (Amazon SQS Developer Guide, exactly-once processing); the poller's delay is unknown: 1 s",
  auroraFailover:
    'AWS CLI Command Reference, docdb describe-events example (Aurora\'s cluster design): "Started cross AZ failover to DB instance" at 0 s, the promoted instance "DB instance restarted" at +11.0 s, the old writer "A new writer was promoted. Restarting database as a reader." at +14.1 s and "DB instance restarted" at +21.5 s, "Completed failover to DB instance" at +23.7 s. Modelled: no writer from 0 s until +23.7 s (when the API names the new writer is undocumented: the latest the events allow); the promoted instance down from 0 to +11.0 s (when its restart began is undocumented: the harsher end); the old writer up but no longer the writer from 0, down from +14.1 to +21.5 s, then a read-only reader. "Aurora restarts only the writer DB instance and the reader instance to which it fails over" (Aurora User Guide, High availability for Amazon Aurora)',
  olderEngines:
    '"Rebooting the writer DB instance also initiates a reboot for each reader DB instance ... This reboot behavior applies to all DB clusters created in Aurora MySQL version 2.09 and lower"; Aurora PostgreSQL "14.6 and lower 14 versions; 13.9 and lower 13 versions; 12.13 and lower 12 versions; All PostgreSQL 11 versions" (Aurora User Guide, Rebooting an Aurora cluster without read availability). The page speaks of reboots; that failovers restart every reader on these versions is inferred (harsher): every reader down with the old writer',
  multiAzClusterFailover:
    '"after RDS terminates the primary DB instance, the internal monitoring system detects that the primary DB instance is unhealthy and promotes a readable standby ... Failover times are typically less than 35 seconds" (RDS API Reference, FailoverDBCluster): the new writer is named at 35 s; whether the replacement keeps its IP is undocumented: a new IP (harsher), back as a reader at 90 s (unknown)',
  multiAzInstanceFailover:
    '"Failover times are typically 60-120 seconds" and the DNS record moves to the standby (RDS User Guide, Failing over a Multi-AZ DB instance): the address moves at 90 s',
  staleReads:
    'the consistency of DescribeDBClusters is undocumented; AWS\'s JDBC wrapper "checks for stale writer records ... obtained after writer-failover so that they are not used" (aws/aws-advanced-jdbc-wrapper changelog, 2.1.0): a scenario answers twice in a row, then once more, with the previous writer after a failover',
  blueGreen:
    'Blue/Green switchover: blue is renamed "-oldn", green takes the original names and endpoints, and "the previous production DB cluster only allows read operations until the writer instance is rebooted"; "The switchover typically takes under a minute" (Aurora User Guide, Switching a blue/green deployment; Overview of Blue/Green Deployments)',
  globalDatabase:
    'SwitchoverGlobalCluster "demotes the current primary cluster to a secondary (read-only) cluster" (RDS API Reference, SwitchoverGlobalCluster)',
  instanceClassChange:
    '"An outage occurs during this change" (Aurora User Guide, Modifying an Amazon Aurora DB cluster); a writer class change is among the causes of a failover (AWS re:Post, "Why did my Aurora PostgreSQL-Compatible cluster failover?"); how long the instance stays modifying and how long the outage lasts are unknown: modifying for 5 minutes, then a 60 s restart, or a failover away from the writer',
  proxy:
    '"During DB failovers, RDS Proxy continues to accept connections at the same IP address and automatically directs connections to the new primary DB instance"; "When the database writer is unavailable, RDS Proxy queues up incoming requests" (RDS User Guide, RDS Proxy concepts); ConnectionBorrowTimeout, default 120 s, "also applies if no appropriate database instance is available to handle the request because, for example, a failover operation is in process" (RDS User Guide, Configuring connection settings): while RDS names no writer, a new connection is held, counted dark. Blue/Green: "RDS Proxy continues routing connections to the blue database during this transitional period", where writes fail (read-only errors, AdminShutdown): counted wrong; at promotion "existing connections to the proxy are dropped" (RDS User Guide, Using RDS Proxy with Blue/Green Deployments), left out. "Each proxy has a default endpoint which is provisioned across only two Availability Zones" (RDS User Guide, RDS Proxy limitations); the proxy "automatically adjusts its capacity as needed based on the size and number of DB instances registered with it" and may need more IP addresses (RDS User Guide, Planning for IP address capacity); how often and with what overlap addresses change is unknown; the DNS TTL of proxy endpoints is undocumented: the cluster endpoint\'s 5 s',
  proxyFollowS:
    'unknown: how long the proxy takes to send new connections to a writer RDS has named is undocumented; AWS reports client recovery "up to 79% faster" for Aurora MySQL and "up to 32%" for RDS for MySQL (AWS Database Blog, "Improving application availability with Amazon RDS Proxy"), no figure for this delay. Swept over 0, 10 and 30 s; inside it the proxy is modelled as still sending to the writer it knew while that node is up (harsher than the concepts page, by which clients do not wait on a former writer)',
  pool: 'a consumer pool of 20 connections; HikariCP\'s default maxLifetime is 1,800,000 ms (30 minutes) and "should be several seconds shorter than any database or infrastructure imposed connection time limit" (HikariCP README)',
} as const;

export const DEFAULT_PARAMS: SimParams = {
  registrationDelayS: 180,
  listenerDelayS: 75,
  healthCheckIntervalS: 10,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  healthLagS: 40,
  deregisteredTrafficS: 120,
  rollback: { windowS: 600, okS: 10, failS: 30 },
  deregistrationDelayS: { member: 0, readerSet: 10 },
  apiLatencyMs: 100,
  throttle: { elbDescribe: [40, 10], elbChange: [40, 10], rds: [300, 12], ec2Describe: [100, 20] },
  eventDelayS: [1, 10],
  dnsTtlS: 5,
  scheduleEveryS: 60,
  runQueue: { batchSize: 10, visibilityTimeoutS: 1800, maxReceives: 3, deduplicationS: 300, pollerLatencyS: 1 },
  functionTimeoutS: 300,
  proxyFollowS: 30,
  pool: { size: 20, maxLifetimeS: 1800 },
};

/** The sweep the issue asks for: every registration delay R with every listener delay L. */
export const SWEEP = {
  registrationDelayS: [90, 180, 300],
  listenerDelayS: [0, 30, 75],
} as const;

/** RDS Proxy mode: how long the proxy takes to follow a new writer (SOURCES.proxyFollowS). */
export const PROXY_FOLLOW_SWEEP = [0, 10, 30] as const;

/** How RDS events reach the function: on time (1-10 s), 45 s late, or never. */
export const EVENT_TIMINGS = ["on time", "late", "lost"] as const;
export type EventTiming = (typeof EVENT_TIMINGS)[number];
export const LATE_EVENT_S = 45;
