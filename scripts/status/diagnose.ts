// npm run status, the decisions: pure functions from what the AWS calls returned to findings,
// each naming what is wrong and how to fix it. observe.ts makes the calls; nothing here does I/O.
import { CurrentTarget, isDraining, Member, readerTargets } from "../../functions/failover-sync/plan";

export interface Finding {
  readonly stack: string;
  /** Not checked, and why; such a finding is not a problem (ok stays true) but says so. */
  readonly skipped?: string;
  /** What was checked, e.g. "writer port" or "endpoint connection vpce-0abc". */
  readonly check: string;
  readonly ok: boolean;
  /** What was found, in one sentence. */
  readonly detail: string;
  /** How to fix it; only for a problem. */
  readonly fix?: string;
}

/** A target as DescribeTargetHealth reports it, with ELB's reason code. */
export type ObservedTarget = CurrentTarget;

export interface ObservedGroup {
  readonly arn: string;
  /** The name an operator knows the group by: "member slot 0", "reader set 1", "writer", "reader". */
  readonly label: string;
  readonly targets: readonly ObservedTarget[];
}

export interface ObservedListener {
  readonly arn: string;
  /** The one group it forwards to, or null (several groups, another action). */
  readonly forwardsTo: string | null;
}

export interface ObservedConnection {
  readonly endpointId: string;
  readonly owner: string;
  /** As EC2 reports it: pendingAcceptance, available, rejected, ... */
  readonly state: string;
}

export interface ObservedFunction {
  readonly name: string;
  /** ISO times from the function's log: its last run, and its last run without an error. */
  readonly lastRun?: string;
  readonly lastSuccess?: string;
  readonly deadLetters: number;
  readonly deadLetterQueueUrl: string;
}

export interface ProviderObservation {
  readonly stack: string;
  readonly region: string;
  readonly transport: "endpoint-service" | "resource";
  readonly database: { readonly kind: "cluster" | "instance"; readonly identifier: string; readonly port: number };
  /** From the RDS API and a DNS lookup of each instance's own address. */
  readonly topology: { readonly status: string; readonly writer: Member | null; readonly members: Member[] | null; readonly problems: string[] };
  readonly writerListener?: ObservedListener;
  readonly readerListener?: ObservedListener;
  readonly groups: ObservedGroup[];
  readonly serviceId?: string;
  readonly connections?: ObservedConnection[];
  /** Why the connections could not be listed (the test emulator only). */
  readonly connectionsUnread?: string;
  readonly function?: ObservedFunction;
  readonly reconcileEveryMinutes: number;
  readonly azIds: string[];
}

export interface ConsumerObservation {
  readonly stack: string;
  readonly region: string;
  readonly endpoints: Array<{ readonly role: string; readonly id: string; readonly state: string; readonly azIds: string[] }>;
}

/** How the fixes refer to the config and the CLI. */
export interface FixContext {
  readonly configFile: string;
  /** "--profile db-owner --region us-east-1": what the provider's CLI commands need. */
  readonly providerCli: string;
  readonly now: Date;
}

const HEALTHY = "healthy";

export function diagnoseProvider(o: ProviderObservation, ctx: FixContext): Finding[] {
  const findings: Finding[] = [];
  const ok = (check: string, detail: string) => findings.push({ stack: o.stack, check, ok: true, detail });
  const bad = (check: string, detail: string, fix: string) => findings.push({ stack: o.stack, check, ok: false, detail, fix });
  const { topology: t, database } = o;
  const names = new Map((t.members ?? []).map((m) => [m.ip, m.instance]));
  if (t.writer) names.set(t.writer.ip, t.writer.instance);
  const who = (ip: string) => (names.has(ip) ? `${names.get(ip)} (${ip})` : `${ip} (no current member)`);
  const sync = o.function ? `force a sync: aws lambda invoke --function-name ${o.function.name} --payload '{"trigger":"manual"}' --cli-binary-format raw-in-base64-out ${ctx.providerCli} out.json` : "";

  if (t.writer) ok("database writer", `RDS names ${t.writer.instance} (${t.writer.ip}) the writer of ${database.kind} ${database.identifier} (${t.status})`);
  else {
    const dns = t.problems.some((p) => p.startsWith("DNS lookup"));
    bad(
      "database writer",
      `RDS names no usable writer of ${database.kind} ${database.identifier} (${t.status}): ${t.problems.join("; ") || "unknown"}`,
      dns
        ? "the instances' own names must resolve where status runs (RDS names resolve to the private IPs from anywhere); set DNS_SERVERS=ip[:port] to ask another resolver"
        : "wait for RDS to finish the failover or the change, then run status again; the RDS console shows the database's events",
    );
  }

  if (o.transport === "endpoint-service") {
    const groups = new Map(o.groups.map((g) => [g.arn, g]));
    const portCheck = (check: string, listener: ObservedListener | undefined, expected: Member[] | null, role: string) => {
      if (!listener) return;
      const group = listener.forwardsTo ? groups.get(listener.forwardsTo) : undefined;
      if (!group) {
        bad(check, `the ${role} listener forwards to ${listener.forwardsTo ?? "no single target group"}, not to one of this share's groups`, sync);
        return;
      }
      if (expected === null) {
        bad(check, `forwards to ${group.label}; whether that is right cannot be told while RDS names no writer`, "run status again when the database writer is known");
        return;
      }
      const live = group.targets.filter((x) => !isDraining(x.state) && x.port === database.port);
      const want = new Set(expected.map((m) => m.ip));
      const wrong = live.filter((x) => !want.has(x.ip));
      const missing = expected.filter((m) => !live.some((x) => x.ip === m.ip));
      const unhealthy = live.filter((x) => want.has(x.ip) && x.state !== HEALTHY);
      const expectedText = expected.map((m) => `${m.instance} (${m.ip})`).join(", ");
      if (wrong.length > 0 || missing.length > 0) {
        const reaches = live.length ? live.map((x) => who(x.ip)).join(", ") : "no target";
        bad(check, `the ${role} port forwards to ${group.label}, which reaches ${reaches}; it should reach ${expectedText}`, sync);
      } else if (unhealthy.length > 0) {
        bad(
          check,
          `the ${role} port reaches ${unhealthy.map((x) => `${who(x.ip)} ${x.state}${x.reason ? ` (${x.reason})` : ""}`).join(", ")}`,
          `the database's security group must admit port ${database.port} from the load balancer's group (output nlb_security_group_id); check the instance is available`,
        );
      } else ok(check, `forwards to ${group.label}: ${expectedText}, healthy`);
    };
    const readers = t.members && t.writer ? t.members.filter((m) => m.ip !== t.writer!.ip) : null;
    portCheck("writer port", o.writerListener, t.writer ? [t.writer] : null, "writer");
    portCheck("reader port", o.readerListener, readerTargets(t.writer, readers), "reader");

    for (const group of o.groups) {
      const sick = group.targets.filter((x) => !isDraining(x.state) && x.state !== HEALTHY);
      const text = group.targets.length ? group.targets.map((x) => `${who(x.ip)} ${x.state}`).join(", ") : "empty";
      if (sick.length === 0) ok(`target health: ${group.label}`, text);
      else bad(`target health: ${group.label}`, text + sick.map((x) => (x.reason ? `; ${x.ip}: ${x.reason}` : "")).join(""), `${sync}; if a target stays unhealthy, check that the instance is available and its security group admits the load balancer on port ${database.port}`);
    }

    for (const c of o.connections ?? []) {
      const check = `endpoint connection ${c.endpointId}`;
      const state = c.state.toLowerCase();
      if (state === "available") ok(check, `from account ${c.owner}: available`);
      else if (state === "pendingacceptance") {
        bad(
          check,
          `from account ${c.owner}: waiting for acceptance`,
          `add "${c.endpointId}" to provider.sharing.acceptEndpointIds in ${ctx.configFile} and deploy the provider stack, or run: aws ec2 accept-vpc-endpoint-connections --service-id ${o.serviceId} --vpc-endpoint-ids ${c.endpointId} ${ctx.providerCli}`,
        );
      } else bad(check, `from account ${c.owner}: ${c.state}`, `the consumer deletes and recreates its endpoint (npx cdktf deploy consumer-<name>); check that account ${c.owner} is among provider.sharing.allowedPrincipals`);
    }
    if (o.connections && o.connections.length === 0) ok("endpoint connections", "no consumer endpoint has connected yet");
    if (o.connectionsUnread) {
      findings.push({ stack: o.stack, check: "endpoint connections", ok: true, skipped: o.connectionsUnread, detail: `not checked: ${o.connectionsUnread}; each consumer's endpoint state is checked from its side` });
    }

    if (o.function) {
      const f = o.function;
      // Three missed schedules, and never under five minutes: one slow or retried run is no alarm.
      const windowMs = Math.max(3 * o.reconcileEveryMinutes, 5) * 60_000;
      const age = (iso: string) => Math.round((ctx.now.getTime() - Date.parse(iso)) / 60_000);
      if (f.lastSuccess && ctx.now.getTime() - Date.parse(f.lastSuccess) <= windowMs) {
        ok("failover function", `last successful run ${f.lastSuccess} (${age(f.lastSuccess)} min ago; it runs every ${o.reconcileEveryMinutes} min)`);
      } else {
        const last = f.lastSuccess ? `last successful run ${f.lastSuccess}, ${age(f.lastSuccess)} min ago` : "no successful run in its log";
        const lastRun = f.lastRun && f.lastRun !== f.lastSuccess ? `; last run ${f.lastRun} failed` : "";
        bad("failover function", `${last}${lastRun}; it should run every ${o.reconcileEveryMinutes} min`, `read its log: aws logs tail /aws/lambda/${f.name} --since 1h ${ctx.providerCli}; then ${sync}`);
      }
      if (f.deadLetters === 0) ok("dead letters", "none waiting");
      else bad("dead letters", `${f.deadLetters} failed event(s) waiting in the dead-letter queue`, `read them: aws sqs receive-message --queue-url ${f.deadLetterQueueUrl} --max-number-of-messages 10 ${ctx.providerCli}; each holds the error. Fix the cause, ${sync}, then purge the queue`);
    }
  }
  return findings;
}

export function diagnoseConsumer(o: ConsumerObservation, provider: { readonly azIds: string[]; readonly transport: string; readonly serviceId?: string }, ctx: FixContext): Finding[] {
  const findings: Finding[] = [];
  for (const e of o.endpoints) {
    const check = `${e.role} endpoint ${e.id}`;
    const state = e.state.toLowerCase();
    if (state === "available") findings.push({ stack: o.stack, check, ok: true, detail: "available" });
    else if (state === "pendingacceptance") {
      findings.push({
        stack: o.stack,
        check,
        ok: false,
        detail: "waiting for the provider to accept the connection",
        fix: `the provider adds "${e.id}" to provider.sharing.acceptEndpointIds in ${ctx.configFile} and deploys the provider stack, or runs: aws ec2 accept-vpc-endpoint-connections --service-id ${provider.serviceId ?? "<service_id output>"} --vpc-endpoint-ids ${e.id} ${ctx.providerCli}`,
      });
    } else {
      findings.push({
        stack: o.stack,
        check,
        ok: false,
        detail: e.state,
        fix: provider.transport === "resource" ? "check that the RAM share reached this account (consumers[].acceptResourceShare outside the organization), then redeploy this consumer stack" : "check that this account is among provider.sharing.allowedPrincipals, then redeploy this consumer stack",
      });
    }
    const stray = e.azIds.filter((z) => !provider.azIds.includes(z));
    const check2 = `AZ IDs of ${e.role} endpoint`;
    if (e.azIds.length === 0) findings.push({ stack: o.stack, check: check2, ok: false, detail: "the endpoint has no subnets", fix: "redeploy this consumer stack" });
    else if (provider.transport === "resource" ? !e.azIds.some((z) => provider.azIds.includes(z)) : stray.length > 0) {
      findings.push({
        stack: o.stack,
        check: check2,
        ok: false,
        detail: `${e.azIds.join(", ")}; the provider serves ${provider.azIds.join(", ")}${stray.length ? ` (not served: ${stray.join(", ")})` : ""}`,
        fix: `place this consumer's subnets in the provider's AZ IDs (${provider.azIds.join(", ")}), or add subnets in ${stray.join(", ")} to the provider`,
      });
    } else findings.push({ stack: o.stack, check: check2, ok: true, detail: `${e.azIds.join(", ")}, all served by the provider (${provider.azIds.join(", ")})` });
  }
  return findings;
}

/** The last run and the last successful run, from the function's log lines (its EMF metric records). */
export function runsFromLog(lines: Array<{ readonly message: string; readonly timestamp?: number }>): { lastRun?: string; lastSuccess?: string } {
  let lastRun: number | undefined;
  let lastSuccess: number | undefined;
  for (const line of lines) {
    const record = parseRecord(line.message);
    if (!record || typeof record.SyncErrors !== "number") continue;
    const at = typeof record._aws?.Timestamp === "number" ? record._aws.Timestamp : line.timestamp;
    if (at === undefined) continue;
    lastRun = Math.max(lastRun ?? at, at);
    if (record.SyncErrors === 0) lastSuccess = Math.max(lastSuccess ?? at, at);
  }
  const iso = (n?: number) => (n === undefined ? undefined : new Date(n).toISOString());
  return { lastRun: iso(lastRun), lastSuccess: iso(lastSuccess) };
}

function parseRecord(message: string): { SyncErrors?: unknown; _aws?: { Timestamp?: unknown } } | undefined {
  const start = message.indexOf("{");
  if (start < 0) return undefined;
  try {
    return JSON.parse(message.slice(start));
  } catch {
    return undefined;
  }
}
