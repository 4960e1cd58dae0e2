// The real handler through failovers that go wrong: throttling bursts, a stale DescribeDBClusters
// answer, every reader restarting with the writer, a Multi-AZ DB cluster whose old writer comes
// back with a new IP. Each case runs createHandler against moto and the loopback DNS server with
// AWS's timing put back (__tests__/support/aws-timing.ts), on the test's clock: the function's
// sleeps and its retries' backoff move that clock instead of waiting, so minutes of a failover
// take seconds here. Every RDS event reaches the handler as the run queue delivers it: an SQS
// batch whose bodies are EventBridge events in the shape of AWS's documented samples
// (__tests__/fixtures/rds-events.ts), one batch in flight at a time (one FIFO message group).
//
// Figures and their sources (__tests__/support/sim/params.ts SOURCES has the quotes):
// - Aurora failover, the docdb describe-events example: started at 0 s, the promoted instance
//   restarted at +11.0 s, the old writer "Restarting database as a reader" at +14.1 s and back
//   at +21.5 s, "Completed failover" at +23.7 s. RDS names the new writer at +23.7 s (the latest
//   the events allow), and the cluster endpoint's record moves then.
// - Multi-AZ DB cluster: the new writer is named at +35 s ("typically less than 35 seconds",
//   RDS API Reference, FailoverDBCluster); the old writer, terminated, returns as a reader with a
//   new IP at +90 s (unknown: the simulation's figure).
// - NLB: registration 180 s, then 2 checks 10 s apart (AwsTiming's defaults, from params.ts).
// - Throttling: ELB's Describe* bucket holds 40 tokens and refills 10 a second; RDS allows bursts
//   of 300 and 12 a second (ELB, Request throttling for the ELB API; RDS User Guide, Request
//   throttling for the Amazon RDS API). A burst here is a window in which every call is refused:
//   another caller in the account has drained both buckets for that long.
// - Events reach the function 1 s after they happen (unknown; the simulation draws 1-10 s), the
//   schedule fires every minute (provider.failover.reconcileEveryMinutes, default 1), and the
//   function's timeout is 300 s (stacks/constructs/failover-sync/function.ts).
import { CreateNetworkInterfaceCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateBlueGreenDeploymentCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  SwitchoverBlueGreenDeploymentCommand,
} from "@aws-sdk/client-rds";
import { createHash } from "node:crypto";
import { DEFAULT_WATCH_SECONDS } from "../../config/schema";
import { createHandler, type LambdaContext } from "../../functions/failover-sync/index";
import { RetryUntilDeadline } from "../../functions/failover-sync/retry";
import type { Report } from "../../functions/failover-sync/sync";
import { blueGreenEvent, DOCUMENTED_CLUSTER_EVENT, DOCUMENTED_INSTANCE_EVENT, withName } from "../fixtures/rds-events";
import { AwsTiming, type TimedCall } from "../support/aws-timing";
import { type DnsServer, startDns } from "../support/dns";
import { type Moto, startMoto } from "../support/moto";
import { DEFAULT_PARAMS } from "../support/sim/params";
import {
  clientConfig,
  type ClusterSpec,
  type ClusterWorld,
  createClusterWorld,
  createInstanceWorld,
  type EnvironmentOptions,
  type InstanceWorld,
  failoverTo,
  forwardsTo,
  instanceAddress,
  loopbackResolver,
  PORT,
  REGION,
  targetIps,
  testEnvironment,
} from "../support/world";

jest.setTimeout(120_000);

/** Second 0 of the test's clock: the events' ISO times and the function's clock agree. */
const EPOCH = Date.UTC(2026, 0, 5, 9, 0, 0);
const ACCOUNT = "123456789012";
const AURORA = { promotedBackS: 11.0, oldWriterDownS: 14.1, oldWriterBackS: 21.5, namedS: 23.7 };
const MULTI_AZ = { namedS: 35, oldWriterBackS: 90 };
const EVENT_DELAY_S = 1;
const SCHEDULE_EVERY_S = 60;
const FUNCTION_TIMEOUT_MS = DEFAULT_PARAMS.functionTimeoutS * 1000;
/** The share is deployed at 0 and warm after the registration delay and the checks; failovers start here. */
const T0 = 300;

let moto: Moto;
let dns: DnsServer;
let world: ClusterWorld;
/** The database the share is named after: the cluster, or the Multi-AZ instance. */
let shareName = "";
let timing: AwsTiming;
let handler: ReturnType<typeof createHandler>;
let queue: RunQueue;
/** The retry strategies of the run in progress: what it absorbed. */
let strategies: RetryUntilDeadline[];

beforeAll(async () => {
  [moto, dns] = await Promise.all([startMoto(), startDns()]);
  // Powertools reads these from the process: the runs log and publish nothing.
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
});

afterAll(async () => {
  await Promise.all([moto?.stop(), dns?.close()]);
});

const clock = () => EPOCH + Math.round(timing.now * 1000);
const iso = (s: number) => new Date(EPOCH + Math.round(s * 1000)).toISOString();
const ip = (instance: string) => world.members[instance];
const slotOf = (instance: string) => world.memberGroups[Object.keys(world.members).indexOf(instance)];

/** A share in moto, deployed at 0 by the deploy-time invocation and warm by T0. */
async function share(
  spec: Pick<ClusterSpec, "cluster" | "engine" | "members" | "slots" | "managedPassword">,
  env: EnvironmentOptions = {},
): Promise<void> {
  await moto.reset();
  dns.records.clear();
  world = await createClusterWorld(moto.url, dns, { ...spec, endpointRecord: true });
  shareName = spec.cluster;
  await deployed(testEnvironment(world, dns, { fence: true, ...env }));
}

/** The handler over moto and the loopback DNS with AWS's timing put back, deployed at 0 by the deploy-time invocation and warm by T0. */
async function deployed(env: Record<string, string>): Promise<void> {
  timing = new AwsTiming();
  queue = new RunQueue();
  const resolve = loopbackResolver(dns);
  handler = createHandler({
    env,
    // Fresh clients per run, each with the run's deadline; their backoff waits on the test's clock.
    clients: (deadline) => {
      const retry = () =>
        new RetryUntilDeadline({ now: clock, sleep: timing.sleepInCall, deadline: () => deadline, random: () => 0.5 });
      const [rdsRetry, elbRetry, ec2Retry] = [retry(), retry(), retry()];
      strategies = [rdsRetry, elbRetry, ec2Retry];
      return {
        rds: timing.attach(new RDSClient({ ...clientConfig(moto.url), retryStrategy: rdsRetry })),
        elb: timing.attach(new ElasticLoadBalancingV2Client({ ...clientConfig(moto.url), retryStrategy: elbRetry })),
        ec2: () => timing.attach(new EC2Client({ ...clientConfig(moto.url), retryStrategy: ec2Retry })),
      };
    },
    resolve: (host) => timing.io(() => resolve(host)),
    now: clock,
    sleep: timing.sleep,
  });
  const deploy = await invoke({ trigger: "deploy" });
  expect(deploy.threw).toBeUndefined();
  await timing.until(T0);
}

interface Run {
  readonly trigger?: string;
  readonly report?: Report;
  readonly threw?: unknown;
  readonly start: number;
  readonly end: number;
  /** Retries the run's clients made (RetryUntilDeadline.retries): the throttles it absorbed. */
  readonly retries: number;
  /** Every attempt of a call the run made, in order. */
  readonly calls: TimedCall[];
}

/** One invocation at the current moment, driven on the test's clock to its end. */
async function invoke(event: unknown, budgetMs = FUNCTION_TIMEOUT_MS): Promise<Run> {
  const start = timing.now;
  const startedMs = clock();
  const firstCall = timing.calls.length;
  strategies = [];
  const context: LambdaContext = {
    awsRequestId: `run-at-${start}`,
    getRemainingTimeInMillis: () => budgetMs - (clock() - startedMs),
  };
  let report: Report | undefined;
  let threw: unknown;
  try {
    report = await timing.drive(handler(event, context));
  } catch (e) {
    threw = e;
  }
  const calls = timing.calls.slice(firstCall);
  return {
    trigger: report?.trigger,
    report,
    threw,
    start,
    end: timing.now,
    retries: strategies.reduce((n, s) => n + s.retries, 0),
    calls,
  };
}

/**
 * The run queue: FIFO with one message group, so one batch is in flight at a time; a batch holds
 * every message that waited, up to 10 (the event source mapping's batch size).
 */
class RunQueue {
  private readonly messages: Array<{ at: number; body: string }> = [];
  private sequence = 0;
  readonly runs: Run[] = [];

  send(at: number, event: unknown): void {
    this.messages.push({ at, body: JSON.stringify(event) });
    this.messages.sort((a, b) => a.at - b.at);
  }

  /** Runs batches until no message has arrived by `untilS`. */
  async drain(untilS: number, budgetMs = FUNCTION_TIMEOUT_MS): Promise<Run[]> {
    const runs: Run[] = [];
    while (this.messages.length > 0 && Math.max(this.messages[0].at, timing.now) <= untilS) {
      await timing.until(this.messages[0].at);
      const batch = this.messages.filter((m) => m.at <= timing.now).slice(0, 10);
      this.messages.splice(0, batch.length);
      const run = await invoke({ Records: batch.map((m) => this.record(m)) }, budgetMs);
      runs.push(run);
      this.runs.push(run);
    }
    await timing.until(Math.max(untilS, timing.now));
    return runs;
  }

  /** An SQS record as Lambda hands it over (Lambda Developer Guide, "Using Lambda with Amazon SQS", FIFO example event). */
  private record(m: { at: number; body: string }): Record<string, unknown> {
    const n = ++this.sequence;
    const sent = String(EPOCH + Math.round(m.at * 1000));
    return {
      messageId: `msg-${n}`,
      receiptHandle: `receipt-${n}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: sent,
        SequenceNumber: `1884949646046769${String(n).padStart(4, "0")}`,
        MessageGroupId: "runs",
        SenderId: "AIDAIO23YVJENQZJOL4VO",
        MessageDeduplicationId: createHash("sha256").update(m.body).digest("hex"),
        ApproximateFirstReceiveTimestamp: String(clock()),
      },
      messageAttributes: {},
      md5OfBody: createHash("md5").update(m.body).digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${shareName}-failover-sync-runs.fifo`,
      awsRegion: REGION,
    };
  }
}

/** An RDS cluster event as EventBridge delivers it: the documented sample with this cluster, event and time. */
function rdsEvent(eventId: string, message: string, atS: number): unknown {
  const e = withName(DOCUMENTED_CLUSTER_EVENT, "my-db-cluster", world.cluster, { eventId, message });
  return {
    ...e,
    id: `event-${eventId}-${atS}`,
    time: iso(atS).replace(/\.\d+Z$/, "Z"),
    detail: { ...e.detail, EventCategories: ["failover"], Date: iso(atS) },
  };
}

/** EventBridge's scheduled event (EventBridge User Guide, example of a scheduled event). */
function scheduledEvent(atS: number): unknown {
  return {
    version: "0",
    id: `schedule-${atS}`,
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ACCOUNT,
    time: iso(atS).replace(/\.\d+Z$/, "Z"),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/${shareName}-failover-sync-reconcile`],
    detail: {},
  };
}

function schedule(fromS: number, untilS: number): void {
  for (let s = Math.ceil(fromS / SCHEDULE_EVERY_S) * SCHEDULE_EVERY_S; s <= untilS; s += SCHEDULE_EVERY_S)
    queue.send(s, scheduledEvent(s));
}

/**
 * An Aurora failover from `from` to `to` at t0, on the docdb example's timeline. moto fails over
 * at once, so the failover itself (FailoverDBCluster) and the cluster endpoint's record move
 * when RDS names the new writer; until then DescribeDBClusters says "failing-over".
 */
function auroraFailover(
  t0: number,
  from: string,
  to: string,
  options: { oldWriterBackS?: number; readersRestart?: boolean } = {},
): void {
  const named = t0 + AURORA.namedS;
  const back = t0 + (options.oldWriterBackS ?? AURORA.oldWriterBackS);
  timing.clusterStatusFor("failing-over", t0, named);
  // The promoted instance: down from the start (when its restart began is undocumented: the harsher end) to "DB instance restarted".
  timing.restart(ip(to), t0, t0 + AURORA.promotedBackS);
  timing.restart(ip(from), t0 + AURORA.oldWriterDownS, back);
  timing.statusFor(from, "rebooting", t0 + AURORA.oldWriterDownS, Math.max(back, named));
  // Older engines restart every reader with the writer (Aurora User Guide, Rebooting an Aurora cluster without read availability).
  if (options.readersRestart)
    for (const m of Object.keys(world.members))
      if (m !== from && m !== to) timing.restart(ip(m), t0 + AURORA.oldWriterDownS, back);
  timing.at(named, async () => {
    await failoverTo(moto.url, world.cluster, to);
    dns.records.set(world.endpoint, ip(to));
  });
  queue.send(t0 + EVENT_DELAY_S, rdsEvent("RDS-EVENT-0073", `Started cross AZ failover to DB instance: ${to}`, t0));
  queue.send(named + EVENT_DELAY_S, rdsEvent("RDS-EVENT-0071", `Completed failover to DB instance: ${to}`, named));
}

/** A Multi-AZ DB cluster failover: the writer is terminated, `to` is named at +35 s, `from` comes back as a reader at `newIp` at +90 s. */
function multiAzFailover(t0: number, from: string, to: string, oldIp: string, newIp: string, toIp: string): void {
  const named = t0 + MULTI_AZ.namedS;
  timing.clusterStatusFor("failing-over", t0, named);
  // Terminated: the old address never answers again.
  timing.restart(oldIp, t0, Infinity);
  // The replacement has its new address in DNS from the start and answers once it is back.
  timing.at(t0, () => dns.records.set(instanceAddress(from), newIp));
  timing.restart(newIp, t0, t0 + MULTI_AZ.oldWriterBackS);
  timing.statusFor(from, "rebooting", t0, t0 + MULTI_AZ.oldWriterBackS);
  timing.at(named, async () => {
    await failoverTo(moto.url, world.cluster, to);
    dns.records.set(world.endpoint, toIp);
  });
  queue.send(t0 + EVENT_DELAY_S, rdsEvent("RDS-EVENT-0073", `Started cross AZ failover to DB instance: ${to}`, t0));
  queue.send(named + EVENT_DELAY_S, rdsEvent("RDS-EVENT-0071", `Completed failover to DB instance: ${to}`, named));
}

/** The function's calls of one kind that reached moto, from `fromS` on. */
const callsOf = (command: string, fromS = -Infinity, calls: readonly TimedCall[] = timing.calls): TimedCall[] =>
  calls.filter((c) => c.command === command && c.outcome === "sent" && c.at >= fromS);
const forwardTarget = (c: TimedCall) => (c.input.DefaultActions as Array<{ TargetGroupArn: string }>)[0].TargetGroupArn;
/** Where a listener was switched to, in order, from `fromS` on (or within a run's calls). */
const switchesOf = (listenerArn: string, fromS = -Infinity, calls: readonly TimedCall[] = timing.calls) =>
  callsOf("ModifyListener", fromS, calls)
    .filter((c) => c.input.ListenerArn === listenerArn)
    .map((c) => ({ at: c.at, to: forwardTarget(c) }));
/** The first ModifyListener call that moved the writer listener to `group` from `fromS` on. */
function writerSwitchTo(group: string, fromS: number): TimedCall {
  const call = callsOf("ModifyListener", fromS).find(
    (c) => c.input.ListenerArn === world.writerListenerArn && forwardTarget(c) === group,
  );
  if (!call) throw new Error(`the writer listener never moved to ${group} after ${fromS} s`);
  return call;
}
const targetsOf = (c: TimedCall) => (c.input.Targets as Array<{ Id: string }>).map((t) => t.Id);

const AURORA_MEMBERS = { "orders-1": "10.0.1.11", "orders-2": "10.0.2.22", "orders-3": "10.0.3.33" };

describe("a run of the run queue through a throttling burst across a failover", () => {
  it("absorbs a 30 s burst inside the run, returns for its batch and leaves the writer port on the new writer's group", async () => {
    await share({ cluster: "orders", engine: "aurora-mysql", members: AURORA_MEMBERS });
    auroraFailover(T0, "orders-1", "orders-2");
    timing.throttle(T0, T0 + 30);

    const [first, ...rest] = await queue.drain(T0 + 120);
    expect(first.trigger).toBe("failover-started");
    expect(first.threw).toBeUndefined();
    expect(first.report?.problems).toEqual([]);
    // Throttled attempts happened inside the run, and every one was retried: none surfaced.
    const throttled = first.calls.filter((c) => c.outcome === "throttled").length;
    expect(throttled).toBeGreaterThan(0);
    expect(first.retries).toBe(throttled);
    // By the end of that run the writer port is on the new writer's member group.
    expect(
      switchesOf(world.writerListenerArn, T0, first.calls)
        .map((s) => s.to)
        .pop(),
    ).toBe(slotOf("orders-2"));
    expect(rest.map((r) => r.threw)).toEqual(rest.map(() => undefined));
    expect(await forwardsTo(moto.url, world.writerListenerArn)).toBe(slotOf("orders-2"));
  });

  it("reports a 100 s burst that outlasts its runs without failing their batches, and the schedule's run that outlives the burst puts the writer port right", async () => {
    await share({ cluster: "orders", engine: "aurora-mysql", members: AURORA_MEMBERS });
    auroraFailover(T0, "orders-1", "orders-2");
    const burstEnd = T0 + 100;
    timing.throttle(T0, burstEnd);
    schedule(T0, T0 + 240);
    // A small budget: 60 s left at the start, 45 s once the handler keeps its 15 s margin, so the burst outlasts a whole run.
    const runs = await queue.drain(T0 + 240, 60_000);

    expect(runs.map((r) => r.threw)).toEqual(runs.map(() => undefined));
    const during = runs.filter((r) => r.end < burstEnd);
    expect(during.length).toBeGreaterThanOrEqual(1);
    for (const r of during) {
      expect(r.report?.problems.join("; ")).toMatch(/run stopped: (Throttling|ThrottlingException): Rate exceeded/);
    }
    // Nothing moved while every call was refused.
    expect(switchesOf(world.writerListenerArn, T0).filter((s) => s.at < burstEnd)).toEqual([]);
    // The first run to end after the burst is the schedule's, and it moves the writer port.
    const after = runs.find((r) => r.end >= burstEnd)!;
    expect(after.trigger).toBe("schedule");
    expect(after.report?.problems).toEqual([]);
    expect(after.report?.switches.find((s) => s.listener === "writer")).toMatchObject({ to: slotOf("orders-2") });
    expect(await forwardsTo(moto.url, world.writerListenerArn)).toBe(slotOf("orders-2"));
  });
});

describe("a run of the run queue through an Aurora failover", () => {
  it("fences the writer port while RDS says failing-over, then moves it to the new writer's group, and never back to the old writer's, which returns 10 s after the new writer is named", async () => {
    await share(
      { cluster: "orders", engine: "aurora-mysql", members: AURORA_MEMBERS },
      { watchSeconds: DEFAULT_WATCH_SECONDS },
    );
    auroraFailover(T0, "orders-1", "orders-2", { oldWriterBackS: AURORA.namedS + 10 });
    const runs = await queue.drain(T0 + 180);

    expect(runs.map((r) => r.trigger).slice(0, 2)).toEqual(["failover-started", "failover-finished"]);
    expect(runs.map((r) => r.threw)).toEqual(runs.map(() => undefined));
    const moves = switchesOf(world.writerListenerArn, T0);
    expect(moves.map((m) => m.to)).toEqual([world.fenceGroup, slotOf("orders-2")]);
    // The fence while RDS reported failing-over; the new writer's group once RDS named it.
    expect(moves[0].at).toBeLessThan(T0 + AURORA.namedS);
    expect(moves[1].at).toBeGreaterThanOrEqual(T0 + AURORA.namedS);
    expect(moves.some((m) => m.to === slotOf("orders-1"))).toBe(false);
    expect(await forwardsTo(moto.url, world.writerListenerArn)).toBe(slotOf("orders-2"));
  });

  it("does not switch the writer port back on a stale DescribeDBClusters answer naming the old writer, and says the change is not yet corroborated", async () => {
    await share({ cluster: "orders", engine: "aurora-mysql", members: AURORA_MEMBERS });
    auroraFailover(T0, "orders-1", "orders-2");
    const [started] = await queue.drain(T0 + EVENT_DELAY_S);
    expect(started.trigger).toBe("failover-started");
    expect(await forwardsTo(moto.url, world.writerListenerArn)).toBe(slotOf("orders-2"));

    // The next run's first DescribeDBClusters answer names the old writer again.
    timing.answerStale("orders-1");
    const [finished] = await queue.drain(T0 + 120);
    expect(timing.staleAnswersServed).toBe(1);
    expect(finished.trigger).toBe("failover-finished");
    expect(finished.threw).toBeUndefined();
    expect(finished.report?.notes?.join(" ")).toMatch(
      /writer change to orders-1 \(10\.0\.1\.11\) not yet corroborated: the cluster endpoint still resolves to 10\.0\.2\.22/,
    );
    expect(finished.calls.filter((c) => c.command === "ModifyListener")).toEqual([]);
    expect(await forwardsTo(moto.url, world.writerListenerArn)).toBe(slotOf("orders-2"));
    expect(await loopbackResolver(dns)(world.endpoint)).toBe(ip("orders-2"));
  });

  it("moves the writer port with no RegisterTargets while every reader restarts with the writer, and puts the reader port on live readers once they are back", async () => {
    await share({ cluster: "orders", engine: "aurora-mysql", members: AURORA_MEMBERS });
    auroraFailover(T0, "orders-1", "orders-2", { readersRestart: true });
    const runs = await queue.drain(T0 + 180);

    expect(runs.map((r) => r.threw)).toEqual(runs.map(() => undefined));
    expect(callsOf("RegisterTargets", T0)).toEqual([]);
    expect(switchesOf(world.writerListenerArn, T0).map((m) => m.to)).toEqual([world.fenceGroup, slotOf("orders-2")]);
    // The readers read healthy again once back and through two checks; the reader port moved to them no sooner.
    const readersHealthy = T0 + AURORA.oldWriterBackS + timing.healthyAfterS;
    const readerGroup = await forwardsTo(moto.url, world.readerListenerArn);
    expect(await targetIps(moto.url, readerGroup)).toEqual([ip("orders-1"), ip("orders-3")]);
    const toReaders = switchesOf(world.readerListenerArn, T0).filter((s) => s.to === readerGroup);
    expect(toReaders).toHaveLength(1);
    expect(toReaders[0].at).toBeGreaterThanOrEqual(readersHealthy);
  });
});

describe("a run of the run queue through a Multi-AZ DB cluster failover and failback", () => {
  const MEMBERS = { "ledger-1": "10.0.1.11", "ledger-2": "10.0.2.22", "ledger-3": "10.0.3.33" };
  const LEDGER_1_NEW = "10.0.1.99";
  const LEDGER_3_NEW = "10.0.3.99";

  it("registers the old writer's new IP into its own slot off the failover path, drops the old IP after it, and fails back to it by switching listeners alone", async () => {
    await share({ cluster: "ledger", engine: "mysql", members: MEMBERS }, { watchSeconds: DEFAULT_WATCH_SECONDS });
    const m0 = slotOf("ledger-1");
    multiAzFailover(T0, "ledger-1", "ledger-3", MEMBERS["ledger-1"], LEDGER_1_NEW, MEMBERS["ledger-3"]);
    // The failback, once the new IP's registration has completed (registered about T0 + 35 s, then 180 s and two checks).
    const failback = T0 + 300;
    schedule(T0 + 60, failback + 240);
    multiAzFailover(failback, "ledger-3", "ledger-1", MEMBERS["ledger-3"], LEDGER_3_NEW, LEDGER_1_NEW);
    const runs = await queue.drain(failback + 240);
    expect(runs.map((r) => r.threw)).toEqual(runs.map(() => undefined));

    // The failover: the writer port to ledger-3's group; then, after it, ledger-1's new IP into slot 0.
    const toWriter = writerSwitchTo(slotOf("ledger-3"), T0);
    const registered = callsOf("RegisterTargets", T0).find(
      (c) => c.input.TargetGroupArn === m0 && targetsOf(c).includes(LEDGER_1_NEW),
    )!;
    expect(registered).toBeDefined();
    expect(timing.calls.indexOf(registered)).toBeGreaterThan(timing.calls.indexOf(toWriter));
    // The old IP leaves slot 0 after the new one is registered, and only as a target that no longer answers.
    const dropped = callsOf("DeregisterTargets", T0).find(
      (c) => c.input.TargetGroupArn === m0 && targetsOf(c).includes(MEMBERS["ledger-1"]),
    )!;
    expect(timing.calls.indexOf(dropped)).toBeGreaterThan(timing.calls.indexOf(registered));
    expect(dropped.groupBefore?.[`${MEMBERS["ledger-1"]}:${PORT}`]).not.toBe("healthy");

    // The failback: the writer port goes to slot 0 warm, with no RegisterTargets before it.
    const back = writerSwitchTo(m0, failback);
    expect(
      callsOf("RegisterTargets", failback).filter((c) => timing.calls.indexOf(c) < timing.calls.indexOf(back)),
    ).toEqual([]);
    const backRun = runs.find((r) => r.start <= back.at && back.at <= r.end)!;
    expect(backRun.report?.switches.find((s) => s.listener === "writer" && s.to === m0)).toMatchObject({ warm: true });
    expect(backRun.report?.fallback).toBeNull();
    expect(await forwardsTo(moto.url, world.writerListenerArn)).toBe(m0);
    expect(await targetIps(moto.url, m0)).toEqual([LEDGER_1_NEW]);
  });
});

describe("a run of the run queue through a Blue/Green switchover", () => {
  const MEMBERS = { "orders-1": "10.0.1.11", "orders-2": "10.0.2.22" };
  const GREEN: Record<string, string> = { "orders-1": "10.0.1.77", "orders-2": "10.0.2.77" };
  /** moto switches over at once; RDS takes this long from "switchover started" to the rename (the simulation's 30 s, unknown to AWS's documents beyond "typically under a minute"). */
  const SWITCHOVER_S = 30;

  it("registers the green members into spare slots when the deployment is ready, fences during the switchover and moves the writer port to the green writer's slot with no RegisterTargets", async () => {
    await share(
      { cluster: "orders", engine: "aurora-mysql", members: MEMBERS, slots: 4, managedPassword: false },
      { watchSeconds: DEFAULT_WATCH_SECONDS },
    );
    const rds = new RDSClient(clientConfig(moto.url));
    const clusterArn = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: "orders" }))).DBClusters![0]
      .DBClusterArn!;
    // The deployment at T0: moto creates the green cluster and its members at once, named <blue>-green-<random>.
    const d = (
      await rds.send(
        new CreateBlueGreenDeploymentCommand({ BlueGreenDeploymentName: "orders-upgrade", Source: clusterArn }),
      )
    ).BlueGreenDeployment!;
    const greenCluster = d.Target!.split(":").pop()!;
    const green = (
      await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: [greenCluster] }] }))
    ).DBInstances!;
    expect(green.map((i) => i.DBInstanceIdentifier!.replace(/-green-[a-z]+$/, "")).sort()).toEqual([
      "orders-1",
      "orders-2",
    ]);
    const greenIpOf = (id: string) => GREEN[id.replace(/-green-[a-z]+$/, "")];
    for (const g of green) dns.records.set(g.Endpoint!.Address!, greenIpOf(g.DBInstanceIdentifier!));
    const deploymentArn = `arn:aws:rds:${REGION}:${ACCOUNT}:deployment:${d.BlueGreenDeploymentIdentifier}`;
    queue.send(
      T0 + EVENT_DELAY_S,
      blueGreenEvent(deploymentArn, "RDS-EVENT-0244", "Blue/green deployment tasks completed."),
    );
    const [ready] = await queue.drain(T0 + 60);
    expect(ready.trigger).toBe("membership");
    expect(ready.report?.blueGreen).toMatchObject({ id: d.BlueGreenDeploymentIdentifier, unplaced: [] });
    // Into the two free slots, the blue writer's counterpart first; no member's slot changes.
    expect(callsOf("RegisterTargets", T0).map((c) => [c.input.TargetGroupArn, targetsOf(c)])).toEqual([
      [world.memberGroups[2], [GREEN["orders-1"]]],
      [world.memberGroups[3], [GREEN["orders-2"]]],
    ]);

    // The switchover, after the registration and its checks: RDS reports it in progress, then renames.
    const S = T0 + timing.registrationDelayS + timing.healthyAfterS + 60;
    schedule(T0 + 60, S + 180);
    timing.deploymentStatusFor("SWITCHOVER_IN_PROGRESS", S, S + SWITCHOVER_S);
    timing.at(S + SWITCHOVER_S, async () => {
      await rds.send(
        new SwitchoverBlueGreenDeploymentCommand({ BlueGreenDeploymentIdentifier: d.BlueGreenDeploymentIdentifier }),
      );
      // The names now belong to green: their records move, the cluster endpoint's too.
      for (const [name, ip] of Object.entries(GREEN)) dns.records.set(instanceAddress(name), ip);
      dns.records.set(world.endpoint, GREEN["orders-1"]);
    });
    queue.send(
      S + EVENT_DELAY_S,
      blueGreenEvent(deploymentArn, "RDS-EVENT-0247", "Switchover started on blue/green deployment."),
    );
    queue.send(
      S + SWITCHOVER_S + EVENT_DELAY_S,
      blueGreenEvent(deploymentArn, "RDS-EVENT-0248", "Switchover completed on blue/green deployment."),
    );
    const runs = await queue.drain(S + 180);
    expect(runs.map((r) => r.threw)).toEqual(runs.map(() => undefined));

    const moves = switchesOf(world.writerListenerArn, S);
    expect(moves.map((m) => m.to)).toEqual([world.fenceGroup, world.memberGroups[2]]);
    expect(moves[0].at).toBeLessThan(S + SWITCHOVER_S);
    expect(moves[1].at).toBeGreaterThanOrEqual(S + SWITCHOVER_S);
    // Nothing registered between the switchover's start and the writer port's move: the green writer was warm.
    const move = writerSwitchTo(world.memberGroups[2], S);
    expect(callsOf("RegisterTargets", S).filter((c) => timing.calls.indexOf(c) < timing.calls.indexOf(move))).toEqual(
      [],
    );
    expect(await forwardsTo(moto.url, world.writerListenerArn)).toBe(world.memberGroups[2]);
    // The old blue members leave their slots: the port never goes back to the read-only old primary.
    expect(await targetIps(moto.url, world.memberGroups[0])).toEqual([]);
  });
});

describe("a run of the run queue through a Multi-AZ DB instance failover", () => {
  const PRIMARY = "10.0.1.11";
  const STANDBY = "10.0.2.22";
  /** "Failovers ... typically complete within 60-120 seconds" (RDS User Guide, Failing over a Multi-AZ DB instance): the harsher end. */
  const FAILOVER_S = 120;
  let instanceWorld: InstanceWorld;

  /** A Multi-AZ instance share in moto, its interfaces as RDS keeps them, deployed at 0 and warm by T0. */
  async function instanceShare(extraInterfaces: string[] = []): Promise<void> {
    await moto.reset();
    dns.records.clear();
    instanceWorld = await createInstanceWorld(moto.url, dns, "shop", PRIMARY);
    shareName = "shop";
    const ec2 = new EC2Client(clientConfig(moto.url));
    // RDS's requester-managed interfaces: moto cannot mark them requester-managed, so only the description and groups are RDS's.
    for (const [ip, subnet] of [
      [PRIMARY, instanceWorld.subnets[0]],
      [STANDBY, instanceWorld.subnets[1]],
      ...extraInterfaces.map((x) => [x, instanceWorld.subnets[1]]),
    ]) {
      await ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: subnet,
          Description: "RDSNetworkInterface",
          Groups: [instanceWorld.securityGroup],
          PrivateIpAddress: ip,
        }),
      );
    }
    await deployed({
      ...testEnvironment(instanceWorld, dns, { watchSeconds: DEFAULT_WATCH_SECONDS }),
      STANDBY_DISCOVERY: "1",
    });
  }

  function instanceEvent(eventId: string, message: string, atS: number): unknown {
    const e = withName(
      DOCUMENTED_INSTANCE_EVENT as unknown as Parameters<typeof withName>[0],
      "my-db-instance",
      "shop",
      { eventId, message },
    );
    return {
      ...e,
      id: `event-${eventId}-${atS}`,
      time: iso(atS).replace(/\.\d+Z$/, "Z"),
      detail: { ...e.detail, EventCategories: ["failover"], Date: iso(atS) },
    };
  }

  /** The primary fails at t0; RDS names the standby at t0 + FAILOVER_S, and the old primary's interface stays as the new standby's. */
  function instanceFailover(t0: number): void {
    timing.restart(PRIMARY, t0, Infinity);
    timing.at(t0 + FAILOVER_S, () => dns.records.set(instanceAddress("shop"), STANDBY));
    queue.send(
      t0 + EVENT_DELAY_S,
      instanceEvent(
        "RDS-EVENT-0013",
        "A Multi-AZ failover that resulted in the promotion of a standby instance has started.",
        t0,
      ),
    );
    queue.send(
      t0 + FAILOVER_S + EVENT_DELAY_S,
      instanceEvent(
        "RDS-EVENT-0015",
        "Multi-AZ failover to standby complete - DNS may take a few minutes to propagate.",
        t0 + FAILOVER_S,
      ),
    );
  }

  it("registers the standby's interface beside the primary at deploy, and fails over with no RegisterTargets", async () => {
    await instanceShare();
    // At deploy: both addresses in both groups; the report says how the standby was found.
    expect(await targetIps(moto.url, instanceWorld.writerArn)).toEqual([PRIMARY, STANDBY]);
    expect(await targetIps(moto.url, instanceWorld.readerArn)).toEqual([PRIMARY, STANDBY]);
    instanceFailover(T0);
    schedule(T0 + 60, T0 + 300);
    const runs = await queue.drain(T0 + 300);
    expect(runs.map((r) => r.threw)).toEqual(runs.map(() => undefined));
    expect(runs[runs.length - 1].report?.standby).toEqual({
      ip: PRIMARY,
      how: expect.stringMatching(
        /^the one other RDSNetworkInterface interface in vpc-\w+ with sg-\w+, in subnet-\w+ \(us-east-1a\)/,
      ),
    });
    expect(callsOf("RegisterTargets", T0)).toEqual([]);
    expect(callsOf("DeregisterTargets", T0)).toEqual([]);
    expect(await targetIps(moto.url, instanceWorld.writerArn)).toEqual([PRIMARY, STANDBY]);
    // What it read to find the standby: DescribeNetworkInterfaces by VPC, description and the instance's group.
    const eni = timing.calls.find((c) => c.command === "DescribeNetworkInterfaces")!;
    expect(eni.input.Filters).toEqual([
      { Name: "vpc-id", Values: [instanceWorld.vpc] },
      { Name: "description", Values: ["RDSNetworkInterface"] },
      { Name: "group-id", Values: [instanceWorld.securityGroup] },
    ]);
  });

  it("with two candidates (another database shares the security group) falls back: registers the new address after the failover, as before, and says why", async () => {
    await instanceShare(["10.0.2.99"]);
    expect(await targetIps(moto.url, instanceWorld.writerArn)).toEqual([PRIMARY]);
    instanceFailover(T0);
    schedule(T0 + 60, T0 + 300);
    const runs = await queue.drain(T0 + 300);
    expect(runs.map((r) => r.threw)).toEqual(runs.map(() => undefined));
    expect(runs[0].report?.standby).toEqual({
      ip: null,
      how: expect.stringMatching(
        /2 other RDSNetworkInterface interfaces \(10\.0\.2\.22, 10\.0\.2\.99\) carry sg-\w+: another RDS resource shares these security groups/,
      ),
    });
    const registered = callsOf("RegisterTargets", T0).filter((c) => c.input.TargetGroupArn === instanceWorld.writerArn);
    expect(registered.map(targetsOf)).toEqual([[STANDBY]]);
    expect(registered[0].at).toBeGreaterThanOrEqual(T0 + FAILOVER_S);
  });
});
