// The parameters of the simulated AWS, each with its source. Where AWS documents no figure the
// value is marked unknown, and the tests sweep it or pick the harsher end of what is reported.

export interface SimParams {
  /** NLB: seconds from RegisterTargets until health checks start (the target reads "initial"). */
  readonly registrationDelayS: number;
  /** NLB: seconds from ModifyListener until new connections follow the new target group. */
  readonly listenerDelayS: number;
  /** NLB health checks: this project's target groups (stacks/constructs/load-balancer.ts). */
  readonly healthCheckIntervalS: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** NLB: draining time per group role (this project: 0 s member groups, 10 s reader sets). */
  readonly deregistrationDelayS: { readonly member: number; readonly readerSet: number };
  /** Virtual milliseconds each AWS API call takes. */
  readonly apiLatencyMs: number;
  /** Seconds from an RDS event to the function's start: [min, max], drawn per event. */
  readonly eventDelayS: readonly [number, number];
  /** The function's schedule (provider.failover.reconcileEveryMinutes, default 1). */
  readonly scheduleEveryS: number;
  /** The FIFO run queue between EventBridge and the function (stacks/constructs/failover-sync/triggers.ts). */
  readonly runQueue: { readonly batchSize: number; readonly visibilityTimeoutS: number; readonly maxReceives: number; readonly deduplicationS: number; readonly pollerLatencyS: number };
  /** The function's timeout (stacks/constructs/failover-sync/function.ts). */
  readonly functionTimeoutS: number;
}

export const SOURCES = {
  registrationDelayS:
    'unknown; AWS: "It can take a few minutes for the registration process to complete and health checks to start" (ELB, Register targets for your Network Load Balancer); 90-180 s per an AWS load balancer controller maintainer and "upwards of 5 minutes" reported (kubernetes-sigs/aws-load-balancer-controller#1834, #1786): swept over 90, 180 and 300 s',
  listenerDelayS:
    "unknown; AWS documents no figure (ELB, Update a listener for your Network Load Balancer); one report saw traffic go to the previous group for ~75 s (aws/containers-roadmap#470): swept over 0 and 75 s",
  healthCheck: "this project's target groups: TCP, every 10 s, 2 healthy, 2 unhealthy (stacks/constructs/load-balancer.ts); a target is in service once it passes the checks (ELB, Troubleshoot your Network Load Balancer)",
  deregistrationDelayS: "this project's target groups: 0 s member groups, 10 s reader sets (stacks/constructs/load-balancer.ts)",
  apiLatencyMs: "unknown (no AWS account here): 100 ms a call, which makes runs slower than the 118 ms end to end measured against moto (bench/failover.ts)",
  eventDelayS: 'unknown; RDS delivers events to EventBridge "in near-real time" and "on a best effort basis ... they might be out of sequence or missing" (Aurora User Guide, Monitoring Amazon Aurora events): drawn from 1-10 s, and lost, duplicated or reordered in the fault scenarios',
  scheduleEveryS: "provider.failover.reconcileEveryMinutes, default 1 (config/schema.ts)",
  runQueue:
    'this project\'s run queue: batches of 10, visibility timeout 6 x the 300 s function timeout, 3 receives, then the dead-letter queue (stacks/constructs/failover-sync/triggers.ts); FIFO content-based deduplication over 5 minutes (Amazon SQS Developer Guide, exactly-once processing); the poller\'s delay is unknown: 1 s',
  auroraFailover:
    'Aurora: "service is typically restored in less than 60 seconds, and often less than 30 seconds"; "In Aurora MySQL, Aurora restarts only the writer DB instance and the reader instance to which it fails over" (Aurora User Guide, High availability for Amazon Aurora): the new writer is named at 30 s, the promoted reader restarts for the first 30 s and the old writer for 60 s (how long each restart takes is unknown)',
  multiAzClusterFailover: '"Failover times are typically under 35 seconds" (RDS User Guide, Failing over a Multi-AZ DB cluster): the new writer is named at 35 s; the old writer is terminated and comes back as a reader at 90 s (unknown)',
  multiAzInstanceFailover: '"Failover times are typically 60-120 seconds" and the DNS record moves to the standby (RDS User Guide, Failing over a Multi-AZ DB instance): the address moves at 90 s',
  blueGreen:
    'Blue/Green switchover: blue is renamed "-oldn", green takes the original names and endpoints, and "the previous production DB cluster only allows read operations until the writer instance is rebooted"; "The switchover typically takes under a minute" (Aurora User Guide, Switching a blue/green deployment; Overview of Blue/Green Deployments)',
  globalDatabase: 'SwitchoverGlobalCluster "demotes the current primary cluster to a secondary (read-only) cluster" (RDS API Reference, SwitchoverGlobalCluster)',
  instanceClassChange: '"An outage occurs during this change" (Aurora User Guide, Modifying an Amazon Aurora DB cluster); how long the instance stays modifying and how long the outage lasts are unknown: modifying for 5 minutes, then a 60 s restart',
} as const;

export const DEFAULT_PARAMS: SimParams = {
  registrationDelayS: 180,
  listenerDelayS: 75,
  healthCheckIntervalS: 10,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  deregistrationDelayS: { member: 0, readerSet: 10 },
  apiLatencyMs: 100,
  eventDelayS: [1, 10],
  scheduleEveryS: 60,
  runQueue: { batchSize: 10, visibilityTimeoutS: 1800, maxReceives: 3, deduplicationS: 300, pollerLatencyS: 1 },
  functionTimeoutS: 300,
};

/** The sweep the issue asks for: every R with every L. */
export const SWEEP = {
  registrationDelayS: [90, 180, 300],
  listenerDelayS: [0, 75],
} as const;
