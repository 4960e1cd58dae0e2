// AWS's timing put back where the real SDK meets moto. moto reports a registered target healthy
// at once and every instance available; this layer, a middleware on the test's SDK clients,
// rewrites what moto answers: a target registered less than the registration delay ago reads
// "initial" (Elb.RegistrationInProgress, then Elb.InitialHealthChecking for the checks that
// follow), an instance that is down reads "unhealthy", one in a zone the NLB does not enable
// reads "unused" (Target.NotInUse), and chosen instances report a chosen status. Its clock is
// the test's: `advance` moves it, so minutes of AWS's time take no time here. Parameters and
// their sources: __tests__/support/sim/params.ts.
import { DEFAULT_PARAMS } from "./sim/params";

type Handler = (args: { input?: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;

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
  private readonly registeredAt = new Map<string, number>();

  advance(seconds: number): void {
    this.now += seconds;
  }

  /** Puts this timing in front of a client: the layer sits outside the deserializer, inside the retries. */
  attach<T extends { middlewareStack: { add: unknown } }>(client: T): T {
    const add = (client.middlewareStack.add as (...a: unknown[]) => void).bind(client.middlewareStack) as (
      middleware: (next: Handler, context: { commandName?: string }) => Handler,
      options: { step: string; priority: string; name: string },
    ) => void;
    add((next, context) => async (args) => this.rewrite(context.commandName ?? "", args.input ?? {}, await next(args)), { step: "deserialize", priority: "high", name: "awsTiming" });
    return client;
  }

  private rewrite(command: string, input: Record<string, unknown>, result: { output: Record<string, unknown> }) {
    const key = (group: unknown, t: { Id?: string; Port?: number }) => `${String(group)}|${t.Id}|${t.Port}`;
    const targets = (input.Targets ?? []) as Array<{ Id?: string; Port?: number }>;
    if (command === "RegisterTargetsCommand") {
      for (const t of targets) if (!this.registeredAt.has(key(input.TargetGroupArn, t))) this.registeredAt.set(key(input.TargetGroupArn, t), this.now);
    } else if (command === "DeregisterTargetsCommand") {
      for (const t of targets) this.registeredAt.delete(key(input.TargetGroupArn, t));
    } else if (command === "DescribeTargetHealthCommand") {
      const descriptions = (result.output.TargetHealthDescriptions ?? []) as Array<{ Target?: { Id?: string; Port?: number }; TargetHealth?: { State?: string; Reason?: string } }>;
      for (const d of descriptions) {
        if ((d.TargetHealth?.State ?? "").includes("draining")) continue;
        const ip = d.Target?.Id ?? "";
        const age = this.now - (this.registeredAt.get(key(input.TargetGroupArn, d.Target ?? {})) ?? -Infinity);
        if (this.unusedIps.has(ip)) d.TargetHealth = { State: "unused", Reason: "Target.NotInUse" };
        else if (age < this.registrationDelayS) d.TargetHealth = { State: "initial", Reason: "Elb.RegistrationInProgress" };
        else if (age < this.registrationDelayS + this.healthyAfterS) d.TargetHealth = { State: "initial", Reason: "Elb.InitialHealthChecking" };
        else if (this.down.has(ip)) d.TargetHealth = { State: "unhealthy", Reason: "Target.FailedHealthChecks" };
      }
    } else if (command === "DescribeDBInstancesCommand") {
      for (const i of (result.output.DBInstances ?? []) as Array<{ DBInstanceIdentifier?: string; DBInstanceStatus?: string }>) {
        const status = this.status.get(i.DBInstanceIdentifier ?? "");
        if (status) i.DBInstanceStatus = status;
      }
    }
    return result;
  }
}
