// AWS's timing put back where the real SDK meets moto. moto reports a registered target healthy
// at once and every instance available; this layer, a middleware on the test's SDK clients,
// rewrites what moto answers: a target registered less than the registration delay ago reads
// "initial" (Elb.RegistrationInProgress, then Elb.InitialHealthChecking for the checks that
// follow), an instance that is down reads "unhealthy", one in a zone the NLB does not enable
// reads "unused" (Target.NotInUse), and chosen instances report a chosen status. Its clock is
// the test's: `advance` moves it, so minutes of AWS's time take no time here. Parameters and
// their sources: __tests__/support/sim/params.ts.
//
// For a test that drives the real handler on this clock (failover-faults.test.ts), it also
// keeps windows of the test's seconds: restarts (a target reads unhealthy from the restart until
// its checks pass again), instance and cluster statuses (moto fails a cluster over at once; the
// window puts "failing-over" back), throttling bursts (every call in the window answers the
// SDK's throttling error, inside the client's retries), and stale DescribeDBClusters answers.
// And it is the clock's driver: `sleep` waits on the test's clock, `drive` runs a handler,
// moving the clock to the next timer only while no AWS call or DNS lookup is in flight, so that
// time passes in the model exactly when the function waits.
import { ElasticLoadBalancingV2ServiceException } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSServiceException } from "@aws-sdk/client-rds";
import { randomUUID } from "node:crypto";
import { DEFAULT_PARAMS } from "./sim/params";

type Handler = (args: { input?: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;
type Context = { commandName?: string; clientName?: string };
type AddMiddleware = (
  middleware: (next: Handler, context: Context) => Handler,
  options: { step: string; priority: string; name: string },
) => void;

/** One attempt of a call through an attached client, on the test's clock. */
export interface TimedCall {
  /** Seconds on the test's clock. */
  readonly at: number;
  readonly service: "rds" | "elb" | "other";
  /** The command's name without "Command": ModifyListener, RegisterTargets, ... */
  readonly command: string;
  readonly input: Record<string, unknown>;
  /** "throttled": answered with a throttling error, never reaching moto. */
  readonly outcome: "sent" | "throttled";
  /** RegisterTargets and DeregisterTargets: each target of the group just before the call, `ip:port` -> state as read. */
  readonly groupBefore?: Record<string, string>;
}

interface Window {
  readonly from: number;
  readonly until: number;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  /** The test's timeline (the world changing) goes before the function's wake-ups at the same moment. */
  readonly kind: "action" | "sleep";
  readonly fire: () => unknown;
}

export class AwsTiming {
  /** Seconds on the test's clock. */
  now = 0;
  registrationDelayS = DEFAULT_PARAMS.registrationDelayS;
  /** Checks that must pass after registration: healthy threshold x interval (this project's groups). */
  readonly healthyAfterS = DEFAULT_PARAMS.healthyThreshold * DEFAULT_PARAMS.healthCheckIntervalS;
  /** IPs whose instance is down (a restart): their targets fail their checks. */
  readonly down = new Set<string>();
  /** IPs in a zone the NLB does not enable. */
  readonly unusedIps = new Set<string>();
  /** DB instance identifier -> the status DescribeDBInstances reports instead of moto's. */
  readonly status = new Map<string, string>();
  /** Every attempt of every call made through an attached client, in order. */
  readonly calls: TimedCall[] = [];
  /** DescribeDBClusters answers rewritten to name a previous writer (see answerStale). */
  staleAnswersServed = 0;
  private readonly registeredAt = new Map<string, number>();
  private readonly throttles: Window[] = [];
  private readonly restarts: Array<Window & { readonly ip: string }> = [];
  private readonly statuses: Array<Window & { readonly instance: string; readonly status: string }> = [];
  private readonly clusterStatuses: Array<Window & { readonly status: string }> = [];
  private readonly deploymentStatuses: Array<Window & { readonly status: string }> = [];
  private stale: { writer: string; left: number } | undefined;
  private readonly timers: Timer[] = [];
  private seq = 0;
  /** Calls and lookups doing real work now (a call waiting out its retry backoff is not). */
  private busy = 0;
  private idleWaiters: Array<() => void> = [];

  advance(seconds: number): void {
    this.now += seconds;
  }

  // ---------- the world, in windows of the test's seconds ----------

  /** Every call in [fromS, untilS) answers a throttling error: another caller drained the account's buckets. */
  throttle(fromS: number, untilS: number): void {
    this.throttles.push({ from: fromS, until: untilS });
  }

  /**
   * The instance at `ip` restarts over [fromS, untilS): its targets read unhealthy from the start
   * (the harsher end: the checks notice at once) until healthyAfterS after it is back, the
   * passing checks a target needs before it is healthy again.
   */
  restart(ip: string, fromS: number, untilS: number): void {
    this.restarts.push({ ip, from: fromS, until: untilS });
  }

  /** DescribeDBInstances reports `status` for the instance over [fromS, untilS). */
  statusFor(instance: string, status: string, fromS: number, untilS: number): void {
    this.statuses.push({ instance, status, from: fromS, until: untilS });
  }

  /** DescribeDBClusters reports `status` over [fromS, untilS): "failing-over", which moto never shows. */
  clusterStatusFor(status: string, fromS: number, untilS: number): void {
    this.clusterStatuses.push({ status, from: fromS, until: untilS });
  }

  /**
   * DescribeBlueGreenDeployments reports `status` over [fromS, untilS), for the deployment and each
   * of its SwitchoverDetails: "SWITCHOVER_IN_PROGRESS", which moto, switching over at once, never shows.
   */
  deploymentStatusFor(status: string, fromS: number, untilS: number): void {
    this.deploymentStatuses.push({ status, from: fromS, until: untilS });
  }

  /** The next `count` DescribeDBClusters answers name `writer` as the writer: stale answers. */
  answerStale(writer: string, count = 1): void {
    this.stale = { writer, left: count };
  }

  /** Attempts answered with a throttling error. */
  get throttledCalls(): number {
    return this.calls.filter((c) => c.outcome === "throttled").length;
  }

  // ---------- the clock's driver ----------

  /** Waits `ms` on the test's clock: the function's sleep between polls. */
  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => this.push(this.now + Math.max(0, ms) / 1000, "sleep", resolve));

  /** The same, from inside a call (a retry's backoff): the call is not in flight while it waits. */
  sleepInCall = async (ms: number): Promise<void> => {
    this.leave();
    try {
      await this.sleep(ms);
    } finally {
      this.busy++;
    }
  };

  /** At `seconds` on the test's clock the world changes: a failover, a DNS record moving. */
  at(seconds: number, action: () => unknown): void {
    this.push(seconds, "action", action);
  }

  /** Counts real work (a DNS lookup) as in flight, so the clock waits for it. */
  async io<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  /** Between runs: the world moves on to `seconds` (the timeline's actions up to it happen). */
  async until(seconds: number): Promise<void> {
    while (this.timers.length > 0 && this.sorted()[0].at <= seconds) await this.fireNext();
    this.now = Math.max(this.now, seconds);
  }

  /**
   * Runs `work` (a handler's run) to its end, moving the clock to the next timer whenever nothing
   * is in flight. When it ends, the function's timers are dropped: Lambda freezes the sandbox once
   * the handler returns, and nothing the run left waiting acts in the world again.
   */
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await this.quiet();
      if (settled) break;
      if (this.timers.length === 0) throw new Error("the run waits on nothing the test's clock knows");
      await this.fireNext();
    }
    for (let i = this.timers.length - 1; i >= 0; i--) if (this.timers[i].kind === "sleep") this.timers.splice(i, 1);
    return work;
  }

  private push(at: number, kind: Timer["kind"], fire: () => unknown): void {
    this.timers.push({ at: Math.round(at * 1e6) / 1e6, seq: this.seq++, kind, fire });
  }

  private sorted(): Timer[] {
    return this.timers.sort(
      (a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === "action" ? -1 : 1) || a.seq - b.seq,
    );
  }

  private async fireNext(): Promise<void> {
    const at = this.sorted()[0].at;
    this.now = Math.max(this.now, at);
    while (this.timers.length > 0 && this.sorted()[0].at <= this.now) await this.timers.shift()!.fire();
  }

  /** Until nothing is in flight and every continuation has run: what is left waits on a timer. */
  private async quiet(): Promise<void> {
    for (;;) {
      while (this.busy > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
      await new Promise((r) => setImmediate(r));
      if (this.busy === 0) return;
    }
  }

  private leave(): void {
    this.busy--;
    if (this.busy === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  // ---------- the middleware ----------

  /** Puts this timing in front of a client: the layer sits outside the deserializer, inside the retries. */
  attach<T extends { middlewareStack: { add: unknown } }>(client: T): T {
    const add = (client.middlewareStack.add as (...a: unknown[]) => void).bind(client.middlewareStack) as AddMiddleware;
    // Outermost: a call is in flight from send() to its answer, but for its retries' waits (sleepInCall).
    add(
      (next) => async (args) => {
        this.busy++;
        try {
          return await next(args);
        } finally {
          this.leave();
        }
      },
      { step: "initialize", priority: "high", name: "awsTimingInFlight" },
    );
    // Inside the SDK's retry loop (the finalizeRequest step): a throttled attempt is retried as one from the wire.
    add(
      (next, context) => async (args) => {
        const command = context.commandName ?? "";
        const input = args.input ?? {};
        const service =
          context.clientName === "RDSClient"
            ? "rds"
            : context.clientName === "ElasticLoadBalancingV2Client"
              ? "elb"
              : "other";
        const throttled = this.inWindow(this.throttles);
        const changesTargets = command === "RegisterTargetsCommand" || command === "DeregisterTargetsCommand";
        this.calls.push({
          at: this.now,
          service,
          command: command.replace(/Command$/, ""),
          input,
          outcome: throttled ? "throttled" : "sent",
          ...(changesTargets ? { groupBefore: this.groupAsRead(String(input.TargetGroupArn)) } : {}),
        });
        if (throttled) throw throttlingError(service);
        return this.rewrite(command, input, await next(args));
      },
      { step: "deserialize", priority: "high", name: "awsTiming" },
    );
    return client;
  }

  private inWindow(windows: readonly Window[], lagS = 0): boolean {
    return windows.some((w) => this.now >= w.from && this.now < w.until + lagS);
  }

  private isDown(ip: string): boolean {
    return (
      this.down.has(ip) ||
      this.inWindow(
        this.restarts.filter((r) => r.ip === ip),
        this.healthyAfterS,
      )
    );
  }

  private key(group: unknown, t: { Id?: string; Port?: number }): string {
    return `${String(group)}|${t.Id}|${t.Port}`;
  }

  /** What this layer makes of a registered target (moto alone says healthy). */
  private health(
    group: unknown,
    target: { Id?: string; Port?: number },
  ): { State: string; Reason?: string } | undefined {
    const ip = target.Id ?? "";
    const age = this.now - (this.registeredAt.get(this.key(group, target)) ?? -Infinity);
    if (this.unusedIps.has(ip)) return { State: "unused", Reason: "Target.NotInUse" };
    if (age < this.registrationDelayS) return { State: "initial", Reason: "Elb.RegistrationInProgress" };
    if (age < this.registrationDelayS + this.healthyAfterS)
      return { State: "initial", Reason: "Elb.InitialHealthChecking" };
    if (this.isDown(ip)) return { State: "unhealthy", Reason: "Target.FailedHealthChecks" };
    return undefined;
  }

  /** The targets registered through attached clients in a group, as they read now. */
  private groupAsRead(group: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of this.registeredAt.keys()) {
      const [g, ip, port] = key.split("|");
      if (g === group) out[`${ip}:${port}`] = this.health(group, { Id: ip, Port: Number(port) })?.State ?? "healthy";
    }
    return out;
  }

  private rewrite(command: string, input: Record<string, unknown>, result: { output: Record<string, unknown> }) {
    const targets = (input.Targets ?? []) as Array<{ Id?: string; Port?: number }>;
    if (command === "RegisterTargetsCommand") {
      for (const t of targets)
        if (!this.registeredAt.has(this.key(input.TargetGroupArn, t)))
          this.registeredAt.set(this.key(input.TargetGroupArn, t), this.now);
    } else if (command === "DeregisterTargetsCommand") {
      for (const t of targets) this.registeredAt.delete(this.key(input.TargetGroupArn, t));
    } else if (command === "DescribeTargetHealthCommand") {
      const descriptions = (result.output.TargetHealthDescriptions ?? []) as Array<{
        Target?: { Id?: string; Port?: number };
        TargetHealth?: { State?: string; Reason?: string };
      }>;
      for (const d of descriptions) {
        if ((d.TargetHealth?.State ?? "").includes("draining")) continue;
        const health = this.health(input.TargetGroupArn, d.Target ?? {});
        if (health) d.TargetHealth = health;
      }
    } else if (command === "DescribeDBInstancesCommand") {
      for (const i of (result.output.DBInstances ?? []) as Array<{
        DBInstanceIdentifier?: string;
        DBInstanceStatus?: string;
      }>) {
        const id = i.DBInstanceIdentifier ?? "";
        const windowed = this.statuses.find((s) => s.instance === id && this.now >= s.from && this.now < s.until);
        const status = windowed?.status ?? this.status.get(id);
        if (status) i.DBInstanceStatus = status;
      }
    } else if (command === "DescribeBlueGreenDeploymentsCommand") {
      const status = this.deploymentStatuses.find((s) => this.now >= s.from && this.now < s.until)?.status;
      for (const d of (result.output.BlueGreenDeployments ?? []) as Array<{
        Status?: string;
        SwitchoverDetails?: Array<{ Status?: string }>;
      }>) {
        if (!status) continue;
        d.Status = status;
        for (const detail of d.SwitchoverDetails ?? []) detail.Status = status;
      }
    } else if (command === "DescribeDBClustersCommand") {
      const clusters = (result.output.DBClusters ?? []) as Array<{
        Status?: string;
        DBClusterMembers?: Array<{ DBInstanceIdentifier?: string; IsClusterWriter?: boolean }>;
      }>;
      const status = this.clusterStatuses.find((s) => this.now >= s.from && this.now < s.until)?.status;
      for (const c of clusters) if (status) c.Status = status;
      if (this.stale && this.stale.left > 0 && clusters.length > 0) {
        for (const m of clusters[0].DBClusterMembers ?? [])
          m.IsClusterWriter = m.DBInstanceIdentifier === this.stale.writer;
        this.stale.left--;
        this.staleAnswersServed++;
      }
    }
    return result;
  }
}

/**
 * A throttling error as the SDK hands it to its retry loop: the service's exception class, code
 * "Throttling" (RDS's Query API) or "ThrottlingException" (ELB's common errors), "Rate exceeded",
 * HTTP 400, a client fault.
 */
function throttlingError(service: TimedCall["service"]): Error {
  const $metadata = { httpStatusCode: 400, requestId: randomUUID(), attempts: 1, totalRetryDelay: 0 };
  const options = { $fault: "client" as const, $metadata, message: "Rate exceeded" };
  return service === "rds"
    ? new RDSServiceException({ ...options, name: "Throttling" })
    : new ElasticLoadBalancingV2ServiceException({ ...options, name: "ThrottlingException" });
}
