// npm run status, the decisions: pure functions from what the AWS calls returned to findings,
// each naming what is wrong and how to fix it. observe.ts makes the calls; nothing here does I/O.
import { parseCidr } from "../../functions/failover-sync/ipv4";
import { CurrentTarget, isDraining, Member, planCluster, readersOf, readerTargets } from "../../functions/failover-sync/plan";
import { MAX_CONNECT_ERRORS } from "../../stacks/constructs/instance-parameters";
import { MEMBER_SLOT, READER_SET } from "../../stacks/group-labels";

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

/**
 * max_connect_errors as one parameter group of the database holds it (MySQL family only): each
 * NLB node's TCP health checks count against it, so a low value gets node addresses blocked.
 */
export interface ObservedConnectErrors {
  /** "db": a DB parameter group (Aurora MySQL's instance level, an RDS for MySQL instance); "cluster": a Multi-AZ DB cluster's. */
  readonly kind: "db" | "cluster";
  readonly group: string;
  /** The instances that use the group (for a Multi-AZ DB cluster, the cluster). */
  readonly usedBy: string[];
  /** What the server runs with: the group's value, or the engine default when the group leaves it to the engine. null when it is not a whole number. */
  readonly value: number | null;
  /** The group's value as RDS returns it; undefined when RDS returns none (engine default). */
  readonly raw?: string;
  /** As RDS reports it: user, system or engine-default. */
  readonly source: string;
  /** Users whose instance has not applied the group yet, with RDS's ParameterApplyStatus (pending-reboot, applying, ...). */
  readonly notApplied: Array<{ readonly instance: string; readonly status: string }>;
}

export interface ObservedHostBlocking {
  /** Whether this project created the database (a deploy restores the value) or looks it up. */
  readonly created: boolean;
  readonly groups: ObservedConnectErrors[];
  /** Why the groups could not be read (the error of the call). */
  readonly unread?: string;
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
  /** provider.failover.warmReaderSets: how many reader sets the function keeps populated. */
  readonly warmReaderSets?: number;
  readonly azIds: string[];
  /** MySQL-family engines only: max_connect_errors of every parameter group the database uses. */
  readonly hostBlocking?: ObservedHostBlocking;
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
    const readers = readersOf(t.writer, t.members);
    portCheck("writer port", o.writerListener, t.writer ? [t.writer] : null, "writer");
    // A cluster's reader port may rightly sit elsewhere for a while (its only reader modifying,
    // a set still warming): where the function's own planner would leave it is right.
    const kept = database.kind === "cluster" && o.readerListener && t.writer ? readerPortAsPlanned(o, t.writer, t.members) : undefined;
    if (kept) ok("reader port", kept);
    else portCheck("reader port", o.readerListener, readerTargets(t.writer, readers), "reader");

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
      else bad("dead letters", `${f.deadLetters} failed event(s) waiting in the dead-letter queue`, `read them: aws sqs receive-message --queue-url ${f.deadLetterQueueUrl} --max-number-of-messages 10 ${ctx.providerCli}; each holds the events of a batch whose run failed (SQS keeps the message, not the error: the function's log has it). Fix the cause, ${sync}, then purge the queue`);
    }
  }
  if (o.transport === "endpoint-service" && o.hostBlocking) findings.push(...diagnoseHostBlocking(o, o.hostBlocking, ctx));
  return findings;
}

const UNBLOCK = "a node address already blocked stays blocked until the master user runs TRUNCATE TABLE performance_schema.host_cache (FLUSH HOSTS before MySQL 8.0.23)";

/**
 * max_connect_errors against the NLB's health checks: each node probes every target from its
 * own address (the address PrivateLink clients arrive from), and MySQL counts every probe as a
 * connect error; below the value a created database ships, an idle node gets blocked.
 */
export function diagnoseHostBlocking(o: ProviderObservation, h: ObservedHostBlocking, ctx: FixContext): Finding[] {
  const check = (group?: string) => `max_connect_errors${group ? `: ${group}` : ""}`;
  if (h.unread) {
    return [
      {
        stack: o.stack,
        check: check(),
        ok: false,
        detail: `could not read the database's parameter groups: ${h.unread}`,
        fix: "allow the caller rds:DescribeDBInstances, rds:DescribeDBParameters (and for a Multi-AZ DB cluster rds:DescribeDBClusters, rds:DescribeDBClusterParameters), then run status again",
      },
    ];
  }
  // How many health checks per interval each node sends an instance: one per group holding it.
  const ipOf = new Map((o.topology.members ?? []).map((m) => [m.instance, m.ip]));
  const groupsHolding = (instance: string) => {
    const ip = ipOf.get(instance);
    return ip === undefined ? undefined : o.groups.filter((g) => g.targets.some((t) => t.ip === ip && !isDraining(t.state))).length;
  };
  return h.groups.map((g): Finding => {
    const what = g.kind === "db" ? "DB parameter group" : "DB cluster parameter group";
    const users = g.usedBy.join(", ");
    const value = g.value === null ? `"${g.raw}"` : `${g.value}${g.source === "engine-default" ? " (the engine default)" : ""}`;
    if (g.value !== null && g.value >= MAX_CONNECT_ERRORS) {
      if (g.notApplied.length === 0) return { stack: o.stack, check: check(g.group), ok: true, detail: `${value} in ${what} ${g.group} of ${users}: the load balancer's health checks cannot block its addresses` };
      return {
        stack: o.stack,
        check: check(g.group),
        ok: false,
        detail: `${value} in ${what} ${g.group}, but not applied yet on ${g.notApplied.map((n) => `${n.instance} (${n.status})`).join(", ")}: they still run with their earlier setting`,
        fix: `a newly associated parameter group applies at the next reboot: reboot each at a quiet time, e.g. ${g.notApplied.map((n) => (g.kind === "db" ? `aws rds reboot-db-instance --db-instance-identifier ${n.instance} ${ctx.providerCli}` : `aws rds reboot-db-cluster --db-cluster-identifier ${n.instance} ${ctx.providerCli}`)).join("; ")}`,
      };
    }
    const probes = g.usedBy.map((u) => [u, groupsHolding(u)] as const).filter(([, n]) => n !== undefined && n > 0);
    const rate = probes.length ? ` (${probes.map(([u, n]) => `${u} is a target of ${n} group(s): ${n} check(s) per interval from each node`).join("; ")})` : "";
    const detail = `${value} in ${what} ${g.group} of ${users}: every NLB node TCP-health-checks each target from its own address, the one PrivateLink clients arrive from${rate}, and MySQL counts each check as a connect error; after ${g.value ?? "that many"} without a successful login through a node, it refuses that node's address`;
    const set = `ParameterName=max_connect_errors,ParameterValue=${MAX_CONNECT_ERRORS},ApplyMethod=immediate`;
    let fix: string;
    if (h.created) {
      fix = `deploy the provider stack again (npx cdktf deploy provider): it sets max_connect_errors to ${MAX_CONNECT_ERRORS} in ${g.group}; or at once: aws rds modify-db-parameter-group --db-parameter-group-name ${g.group} --parameters "${set}" ${ctx.providerCli}`;
    } else if (g.group.startsWith("default.")) {
      // A default group cannot be modified: a custom one of the same family takes its place.
      const family = g.group.slice("default.".length);
      const name = `${o.database.identifier}-connect-errors`;
      fix =
        g.kind === "db"
          ? `default groups cannot be changed, so create one: aws rds create-db-parameter-group --db-parameter-group-name ${name} --db-parameter-group-family ${family} --description "max_connect_errors for the load balancer's health checks" ${ctx.providerCli}; aws rds modify-db-parameter-group --db-parameter-group-name ${name} --parameters "${set}" ${ctx.providerCli}; then for each of ${users}: aws rds modify-db-instance --db-instance-identifier <instance> --db-parameter-group-name ${name} --apply-immediately ${ctx.providerCli}, and reboot it at a quiet time (a newly associated group applies at the next reboot)`
          : `default groups cannot be changed, so create one: aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name ${name} --db-parameter-group-family ${family} --description "max_connect_errors for the load balancer's health checks" ${ctx.providerCli}; aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name ${name} --parameters "${set}" ${ctx.providerCli}; aws rds modify-db-cluster --db-cluster-identifier ${o.database.identifier} --db-cluster-parameter-group-name ${name} --apply-immediately ${ctx.providerCli}, then reboot the cluster at a quiet time`;
    } else {
      fix =
        g.kind === "db"
          ? `aws rds modify-db-parameter-group --db-parameter-group-name ${g.group} --parameters "${set}" ${ctx.providerCli} (a dynamic parameter: no reboot); or in the RDS console, Parameter groups > ${g.group} > Edit, max_connect_errors = ${MAX_CONNECT_ERRORS}`
          : `aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name ${g.group} --parameters "${set}" ${ctx.providerCli} (a dynamic parameter: no reboot); or in the RDS console, Parameter groups > ${g.group} > Edit, max_connect_errors = ${MAX_CONNECT_ERRORS}`;
    }
    return { stack: o.stack, check: check(g.group), ok: false, detail, fix: `${fix}; ${UNBLOCK}` };
  });
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

/**
 * The reader port's group, said as the function's planner sees it, when the planner would leave
 * the reader listener where it is and that group serves: undefined when it would move it.
 */
function readerPortAsPlanned(o: ProviderObservation, writer: Member, members: Member[] | null): string | undefined {
  const slot = (prefix: string) =>
    o.groups
      .filter((g) => g.label.startsWith(prefix))
      .sort((a, b) => Number(a.label.slice(prefix.length)) - Number(b.label.slice(prefix.length)))
      .map((g) => ({ arn: g.arn, current: g.targets }));
  const memberGroups = slot(MEMBER_SLOT);
  // Without either listener there is no plan to judge by: the port checks report what is missing.
  if (memberGroups.length === 0 || !o.readerListener || !o.writerListener) return undefined;
  const p = planCluster({
    writer,
    members,
    state: { kind: "cluster", memberGroups, readerSetGroups: slot(READER_SET), writerListener: o.writerListener, readerListener: o.readerListener },
    port: o.database.port,
    // Status judges where traffic goes, not which IPs may be registered: the function refuses those.
    allowedCidrs: [parseCidr("0.0.0.0/0")!],
    warmReaderSets: o.warmReaderSets,
  });
  // Only a settled port: no move to come, and nothing left to register in or remove from its group.
  const pending = p.groups.some((g) => g.arn === o.readerListener!.forwardsTo && (g.plan.register.length > 0 || g.plan.deregister.length > 0));
  if (p.heldBecause || pending || p.switches.some((s) => s.listener === "reader")) return undefined;
  const group = o.groups.find((g) => g.arn === o.readerListener!.forwardsTo);
  const serving = group?.targets.filter((x) => x.state === HEALTHY && x.port === o.database.port) ?? [];
  if (!group || serving.length === 0) return undefined;
  const note = p.notes.find((n) => n.startsWith("reader port on "));
  const reaches = serving.map((x) => `${(members ?? []).find((m) => m.ip === x.ip)?.instance ?? x.ip} (${x.ip})`).join(", ");
  return `forwards to ${group.label}: ${reaches}, healthy${note ? `; the function keeps it there (${note.replace(/^reader port on /, "")})` : ""}`;
}
