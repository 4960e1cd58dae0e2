// What runs the failover function: the RDS event rules, the Blue/Green rule and the schedule,
// all through one FIFO run queue with its dead-letter queue, and the run at deploy.
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import type { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Fn, type ITerraformDependable, Token } from "cdktf";
import type { Construct } from "constructs";
import {
  blueGreenEventPattern,
  MAX_RULES,
  MEMBERS_PER_RULE,
  rdsEventPattern,
  rdsEventPatterns,
} from "../../../functions/failover-sync/events";
import { policyDocument } from "../../iam";
import type { Database } from "../database";
import { FUNCTION_TIMEOUT_SECONDS } from "./function";
import type { FunctionPackage } from "./package";

/**
 * The run queue hides a batch for this long while a run holds it. Lambda's SQS guide asks for
 * at least six times the function's timeout, so that a throttled batch is retried before it
 * reappears. A failed run's batch is retried once this has passed.
 */
export const RUN_VISIBILITY_TIMEOUT_SECONDS = 6 * FUNCTION_TIMEOUT_SECONDS;
/** Receives of a message before it is dead-lettered: the first run and two retries. */
export const RUN_MAX_RECEIVES = 3;
/** Every message of the run queue carries this one group: FIFO then delivers one batch at a time. */
export const RUN_MESSAGE_GROUP = "runs";

export interface RunQueues {
  readonly runQueue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
}

/** Made before the role: the role grants reading the run queue by ARN. */
export function runQueues(scope: Construct, functionName: string): RunQueues {
  // Serial runs without reserved concurrency: a new account's Lambda quota is often 10, and
  // reserving any of it can fail the deploy ("decreases account's
  // UnreservedConcurrentExecution below its minimum value"). Lambda polls a FIFO queue with
  // one invocation per message group in flight, so a single group gives one run at a time,
  // whatever the account's quota. A FIFO dead-letter queue is required for a FIFO queue.
  const deadLetterQueue = new SqsQueue(scope, "DeadLetterQueue", {
    name: `${functionName}-dlq.fifo`,
    fifoQueue: true,
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: 14 * 24 * 3600,
  });
  const runQueue = new SqsQueue(scope, "RunQueue", {
    name: `${functionName}-runs.fifo`,
    fifoQueue: true,
    // EventBridge sends no deduplication ID: the body decides. Every event has its own id and
    // time, so only the copies of one event (a cluster event matched by two rules) collapse.
    contentBasedDeduplication: true,
    sqsManagedSseEnabled: true,
    visibilityTimeoutSeconds: RUN_VISIBILITY_TIMEOUT_SECONDS,
    // An event older than an hour is stale; the schedule has reconciled since.
    messageRetentionSeconds: 3600,
    redrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: RUN_MAX_RECEIVES }),
  });
  return { runQueue, deadLetterQueue };
}

export interface EventRulesProps {
  /** The share's name. */
  readonly name: string;
  readonly functionName: string;
  readonly database: Database["ref"];
  readonly reconcileEveryMinutes: number;
  readonly runQueue: SqsQueue;
}

export interface EventRules {
  /** Every RDS event rule, the first one being the database's own events and its first members'. */
  readonly rds: CloudwatchEventRule[];
  readonly blueGreen: CloudwatchEventRule;
  readonly schedule: CloudwatchEventRule;
}

/** The rules, each sending to the run queue, and the queue policy that lets only them send. */
export function eventRulesToRunQueue(scope: Construct, props: EventRulesProps): EventRules {
  const { name, functionName, database: ref, reconcileEveryMinutes, runQueue } = props;
  // Only this database's events, matched by ARN: in AWS's documented samples RDS events carry
  // SourceIdentifier as "rds:<id>", and the plain ARN in detail.SourceArn. EventBridge caps a
  // pattern at 2,048 characters, so members are spread over rules of MEMBERS_PER_RULE each.
  // Members added to an existing cluster after the deploy are not named; the schedule picks them up.
  const rds = eventPatternsOf(ref).map(
    (pattern, i) =>
      new CloudwatchEventRule(scope, i === 0 ? "RdsEventRule" : `RdsEventRule${i}`, {
        name: i === 0 ? `${functionName}-rds-events` : `${functionName}-rds-events-${i}`,
        description:
          i === 0
            ? `Failover and membership events of ${ref.identifier}`
            : `Failover and membership events of ${ref.identifier}, members ${i * MEMBERS_PER_RULE + 1}-${(i + 1) * MEMBERS_PER_RULE}`,
        eventPattern: Fn.jsonencode(pattern),
      }),
  );
  // Blue/Green switchovers name the deployment, not the cluster, as their source (events.ts).
  const blueGreen = new CloudwatchEventRule(scope, "BlueGreenEventRule", {
    name: `${functionName}-blue-green`,
    description: `Blue/Green switchovers in the region, for ${ref.identifier}`,
    eventPattern: JSON.stringify(blueGreenEventPattern()),
  });
  const schedule = new CloudwatchEventRule(scope, "ScheduleRule", {
    name: `${functionName}-reconcile`,
    description: `Reconciles ${name}'s target groups every ${reconcileEveryMinutes} minute(s)`,
    scheduleExpression: `rate(${reconcileEveryMinutes} ${reconcileEveryMinutes === 1 ? "minute" : "minutes"})`,
  });
  // No input on the schedule's target: the scheduled event itself carries its own id and
  // time, and a fixed body would be deduplicated to one run per five minutes.
  const rules: [string, CloudwatchEventRule][] = [
    ...rds.map((r, i): [string, CloudwatchEventRule] => [i === 0 ? "Rds" : `Rds${i}`, r]),
    ["BlueGreen", blueGreen],
    ["Schedule", schedule],
  ];
  for (const [ruleId, rule] of rules) {
    new CloudwatchEventTarget(scope, `${ruleId}Target`, {
      rule: rule.name,
      arn: runQueue.arn,
      sqsTarget: { messageGroupId: RUN_MESSAGE_GROUP },
    });
  }
  new SqsQueuePolicy(scope, "RunQueuePolicy", {
    queueUrl: runQueue.url,
    policy: policyDocument([
      {
        Sid: "EventRules",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: runQueue.arn,
        Condition: { ArnEquals: { "aws:SourceArn": rules.map(([, r]) => r.arn) } },
      },
    ]),
  });
  return { rds, blueGreen, schedule };
}

/** One pattern per rule; a list of members unknown at synth (an existing cluster) gets MAX_RULES slices. */
function eventPatternsOf(ref: Database["ref"]): Record<string, unknown>[] {
  if (ref.kind === "instance") return rdsEventPatterns(ref.arn, []);
  if (!Token.isUnresolved(ref.memberArns)) return rdsEventPatterns(ref.arn, ref.memberArns);
  const members = ref.memberArns;
  const count = Fn.lengthOf(members);
  return Array.from({ length: MAX_RULES }, (_, i) =>
    rdsEventPattern(
      Fn.concat([
        [ref.arn],
        Fn.slice(members, Fn.min([i * MEMBERS_PER_RULE, count]), Fn.min([(i + 1) * MEMBERS_PER_RULE, count])),
      ]),
    ),
  );
}

export interface RunsProps {
  readonly fn: LambdaFunction;
  readonly code: FunctionPackage;
  readonly runQueue: SqsQueue;
  /** The role's policy: the event source mapping polls the queue with its grants. */
  readonly policy: IamRolePolicy;
  /** A change to any of these runs the function again at deploy. */
  readonly targetGroupArns: string[];
  /** Resources the first run must wait for, such as the database instances. */
  readonly dependsOn?: ITerraformDependable[];
}

/** The run at deploy, then the run queue's event source mapping, in that order. */
export function firstRunThenRunQueue(scope: Construct, props: RunsProps): void {
  // The first run, at deploy: targets are in place when `cdktf deploy` returns. It runs
  // again when the code or a target group changes.
  const firstRun = new LambdaInvocation(scope, "FirstRun", {
    functionName: props.fn.functionName,
    input: JSON.stringify({ trigger: "deploy" }),
    triggers: {
      code: props.code.sourceCodeHash,
      targetGroups: Fn.join(",", props.targetGroupArns),
    },
    dependsOn: props.dependsOn?.length ? props.dependsOn : undefined,
  });
  // Created after the first run has returned: events queued during the first deploy wait
  // for it instead of running beside it. Later deploy-time runs can overlap a queued run;
  // docs/failover.md ("Serial runs") says why that is safe.
  new LambdaEventSourceMapping(scope, "RunQueueSource", {
    eventSourceArn: props.runQueue.arn,
    functionName: props.fn.arn,
    // One run serves a whole batch (events.ts runEvent): a burst of failover events is one run.
    batchSize: 10,
    dependsOn: [props.policy, firstRun],
  });
}
