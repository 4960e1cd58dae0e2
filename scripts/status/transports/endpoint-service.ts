// The endpoint-service transport's part of npm run status: the load balancer's listeners and
// target groups, the endpoint service's connections, the failover function's runs and dead
// letters, and MySQL host blocking by the load balancer's health checks; on the consumer side,
// interface endpoints that the provider accepts and whose AZ IDs it must all serve.
// Loaded by npm run status only (scripts/status/transports/index.ts), never by synth: it uses the AWS SDK.
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeVpcEndpointConnectionsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { readGroups, readListenerTargets } from "../../../functions/failover-sync/apply";
import { parseCidr } from "../../../functions/failover-sync/ipv4";
import { standbyMember } from "../../../functions/failover-sync/standby";
import { resolveAllFromEnv } from "../../../functions/failover-sync/topology";
import { proxyReadOnlyEndpointName } from "../../../config/names";
import {
  type CurrentTarget,
  isDraining,
  type Member,
  planCluster,
  readersOf,
  readerTargets,
} from "../../../functions/failover-sync/plan";
import { blocksHosts } from "../../../stacks/constructs/instance-parameters";
import { GROUP_LABELS, MEMBER_SLOT, READER_SET } from "../../../stacks/group-labels";
import { CONSUMER_OUTPUTS as C, PROVIDER_OUTPUTS as P, reads } from "../../../stacks/outputs";
import { connectingAccount, type Finding, type FixContext, shareField } from "../finding";
import { diagnoseHostBlocking, type ObservedHostBlocking, readHostBlocking } from "../host-blocking";
import { diagnoseProxy, type ObservedProxy, observeProxy } from "../proxy";
import type { ProviderObservationBase, TransportStatus } from "./transport";

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

export interface EndpointServiceObservation extends ProviderObservationBase {
  readonly transport: "endpoint-service";
  readonly writerListener?: ObservedListener;
  readonly readerListener?: ObservedListener;
  readonly groups: ObservedGroup[];
  /** Cluster: the group the writer port forwards to while the cluster fails over. */
  readonly fenceGroupArn?: string;
  readonly serviceId: string;
  readonly connections?: ObservedConnection[];
  /** Why the connections could not be listed (the test emulator only). */
  readonly connectionsUnread?: string;
  readonly function: ObservedFunction;
  readonly reconcileEveryMinutes: number;
  /** provider.failover.warmReaderSets: how many reader sets the function keeps populated. */
  readonly warmReaderSets?: number;
  /** MySQL-family engines only: max_connect_errors of every parameter group the database uses. */
  readonly hostBlocking?: ObservedHostBlocking;
  /** Behind an RDS Proxy: the proxy as read, and the port it listens on (the targets'). */
  readonly proxy?: { readonly observed: ObservedProxy; readonly port: number };
}

/**
 * What status reads from its provider stack: required outputs are in every endpoint-service
 * provider stack; optional ones in some (a cluster's or an instance's groups, a reader port's
 * listener). A test checks each against the synthesized stacks (__tests__/stacks/outputs.test.ts).
 */
const READS = reads({
  required: [P.writerListenerArn, P.serviceId, P.failoverFunctionName, P.deadLetterQueueUrl],
  optional: [
    P.memberTargetGroupArns,
    P.readerSetTargetGroupArns,
    P.fenceTargetGroupArn,
    P.writerTargetGroupArn,
    P.readerTargetGroupArn,
    P.readerListenerArn,
    P.proxyName,
  ],
});

const HEALTHY = "healthy";

export const ENDPOINT_SERVICE_STATUS: TransportStatus<EndpointServiceObservation> = {
  providerReads: READS,
  consumerEndpoints: [["interface", C.endpointId]],
  observe: async ({ config, outputs, base, client: cc, rds }) => {
    const provider = config.provider;
    const { kind, identifier } = base.database;
    const read = outputs.reader(READS);
    const elb = new ElasticLoadBalancingV2Client(cc);
    const one = (arn: string | undefined, label: string): Array<[string, string]> => (arn ? [[arn, label]] : []);
    const labelled: Array<[string, string]> = [
      ...(read.get(P.memberTargetGroupArns) ?? []).map((arn, i): [string, string] => [arn, GROUP_LABELS.memberSlot(i)]),
      ...(read.get(P.readerSetTargetGroupArns) ?? []).map((arn, i): [string, string] => [
        arn,
        GROUP_LABELS.readerSet(i),
      ]),
      ...one(read.get(P.writerTargetGroupArn), GROUP_LABELS.writer),
      ...one(read.get(P.readerTargetGroupArn), GROUP_LABELS.reader),
    ];
    const groups = (
      await readGroups(
        elb,
        labelled.map(([arn]) => arn),
      )
    ).map((g, i): ObservedGroup => ({ arn: g.arn, label: labelled[i][1], targets: g.current }));
    const writerListenerArn = read.require(P.writerListenerArn);
    const readerListenerArn = read.get(P.readerListenerArn);
    const listenerArns = [writerListenerArn, readerListenerArn].filter((a): a is string => a !== undefined);
    const forwards = await readListenerTargets(elb, listenerArns);
    const listener = (arn?: string): ObservedListener | undefined =>
      arn ? { arn, forwardsTo: forwards.get(arn) ?? null } : undefined;

    const ec2 = new EC2Client(cc);
    const serviceId = read.require(P.serviceId);
    let connections: ObservedConnection[] | undefined;
    let connectionsUnread: string | undefined;
    try {
      const out = await ec2.send(
        new DescribeVpcEndpointConnectionsCommand({ Filters: [{ Name: "service-id", Values: [serviceId] }] }),
      );
      connections = (out.VpcEndpointConnections ?? []).map((c) => ({
        endpointId: c.VpcEndpointId ?? "",
        owner: c.VpcEndpointOwner ?? "",
        state: c.VpcEndpointState ?? "unknown",
      }));
    } catch (e) {
      // Only against the test emulator, which does not implement this call (docs/emulator-gaps.md):
      // said as not checked. Against AWS the error stands.
      if (!provider.account.endpoint) throw e;
      connectionsUnread = `the emulator does not answer ec2:DescribeVpcEndpointConnections (${(e as Error).message.split("\n")[0]})`;
    }

    const functionName = read.require(P.failoverFunctionName);
    const queueUrl = read.require(P.deadLetterQueueUrl);
    const attrs = await new SQSClient(cc).send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    const fn: ObservedFunction = {
      name: functionName,
      deadLetters: Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0),
      deadLetterQueueUrl: queueUrl,
      ...(await lastRuns(new CloudWatchLogsClient(cc), `/aws/lambda/${functionName}`)),
    };
    const engine = provider.database.engine;
    // Behind a proxy the groups hold the proxy's addresses; its targets' health is the proxy's to report.
    const proxyConfig = provider.database.proxy;
    const proxyName = read.get(P.proxyName);
    const proxy =
      proxyConfig && proxyName
        ? await observeProxy(rds, resolveAllFromEnv(process.env), {
            name: proxyName,
            ...(proxyConfig.existing?.readOnlyEndpoint
              ? { readerEndpoint: proxyConfig.existing.readOnlyEndpoint }
              : proxyConfig.create?.readOnlyEndpoint
                ? { readerEndpoint: proxyReadOnlyEndpointName(proxyName) }
                : {}),
          })
        : undefined;
    // The load balancer's health checks reach the proxy, not MySQL: no host blocking to check behind one.
    const hostBlocking =
      !proxy && blocksHosts(engine)
        ? await readHostBlocking(rds, { kind, identifier, engine, created: provider.database.create !== undefined })
        : undefined;
    return {
      ...base,
      transport: "endpoint-service",
      groups,
      hostBlocking,
      writerListener: listener(writerListenerArn),
      readerListener: listener(readerListenerArn),
      fenceGroupArn: read.get(P.fenceTargetGroupArn),
      serviceId,
      connections,
      connectionsUnread,
      function: fn,
      ...(proxy && proxyConfig ? { proxy: { observed: proxy, port: proxyConfig.port } } : {}),
      reconcileEveryMinutes: provider.failover.reconcileEveryMinutes,
      warmReaderSets: provider.failover.warmReaderSets,
    };
  },
  diagnose: (o, ctx) => {
    const findings: Finding[] = [];
    const ok = (check: string, detail: string) => findings.push({ stack: o.stack, check, ok: true, detail });
    const bad = (check: string, detail: string, fix: string) =>
      findings.push({ stack: o.stack, check, ok: false, detail, fix });
    const { topology: t, database } = o;
    const names = new Map((t.members ?? []).map((m) => [m.ip, m.instance]));
    if (t.writer) names.set(t.writer.ip, t.writer.instance);
    const who = (ip: string) => (names.has(ip) ? `${names.get(ip)} (${ip})` : `${ip} (no current member)`);
    const sync = forceSync(o, ctx);
    const groups = new Map(o.groups.map((g) => [g.arn, g]));
    const portCheck = (
      check: string,
      listener: ObservedListener | undefined,
      expected: Member[] | null,
      role: string,
    ) => {
      if (!listener) return;
      if (o.fenceGroupArn !== undefined && listener.forwardsTo === o.fenceGroupArn) {
        // The function fences the writer port while the cluster fails over: no node gets a new connection.
        if (expected === null)
          ok(
            check,
            `fenced while the cluster fails over: new connections reach no node until RDS names the new writer`,
          );
        else
          bad(
            check,
            `the ${role} port is fenced (it forwards to the group that never holds a target), though RDS names ${expected.map((m) => `${m.instance} (${m.ip})`).join(", ")}`,
            sync,
          );
        return;
      }
      const group = listener.forwardsTo ? groups.get(listener.forwardsTo) : undefined;
      if (!group) {
        bad(
          check,
          `the ${role} listener forwards to ${listener.forwardsTo ?? "no single target group"}, not to one of this share's groups`,
          sync,
        );
        return;
      }
      if (expected === null) {
        bad(
          check,
          `forwards to ${group.label}; whether that is right cannot be told while RDS names no writer`,
          "run status again when the database writer is known",
        );
        return;
      }
      const live = group.targets.filter((x) => !isDraining(x.state) && x.port === database.port);
      const want = new Set(expected.map((m) => m.ip));
      const wrong = live.filter((x) => !want.has(x.ip));
      const missing = expected.filter((m) => !live.some((x) => x.ip === m.ip));
      const unhealthy = live.filter((x) => want.has(x.ip) && x.state !== HEALTHY && x.ip !== standby?.ip);
      const expectedText = expected.map((m) => `${m.instance} (${m.ip})`).join(", ");
      if (wrong.length > 0 || missing.length > 0) {
        const reaches = live.length ? live.map((x) => who(x.ip)).join(", ") : "no target";
        bad(
          check,
          `the ${role} port forwards to ${group.label}, which reaches ${reaches}; it should reach ${expectedText}`,
          sync,
        );
      } else if (unhealthy.length > 0) {
        bad(
          check,
          `the ${role} port reaches ${unhealthy.map((x) => `${who(x.ip)} ${x.state}${x.reason ? ` (${x.reason})` : ""}`).join(", ")}`,
          `the database's security group must admit port ${database.port} from the load balancer's group (output nlb_security_group_id); check the instance is available`,
        );
      } else ok(check, `forwards to ${group.label}: ${expectedText}, healthy`);
    };
    const readers = readersOf(t.writer, t.members);
    // A Multi-AZ DB instance's standby sits registered beside the primary, unhealthy: it takes no connections until it takes over.
    const standby: Member | undefined = standbyMember(database.identifier, t.standby);
    if (standby) names.set(standby.ip, standby.instance);
    const withStandby = (ms: Member[] | null) => (ms && standby ? [...ms, standby] : ms);
    if (o.proxy) {
      const byLabel = (label: string) => o.groups.find((g) => g.label === label);
      findings.push(
        ...diagnoseProxy(
          o.stack,
          o.proxy.observed,
          { writer: byLabel(GROUP_LABELS.writer), reader: byLabel(GROUP_LABELS.reader) },
          { proxy: o.proxy.port, database: database.port },
          sync,
          ctx,
        ),
      );
    } else portCheck("writer port", o.writerListener, withStandby(t.writer ? [t.writer] : null), "writer");
    // A cluster's reader port may rightly sit elsewhere for a while (its only reader modifying,
    // a set still warming): where the function's own planner would leave it is right.
    const kept =
      database.kind === "cluster" && o.readerListener && t.writer
        ? readerPortAsPlanned(o, t.writer, t.members)
        : undefined;
    if (o.proxy) {
      // The proxy's port checks above.
    } else if (kept) ok("reader port", kept);
    else portCheck("reader port", o.readerListener, withStandby(readerTargets(t.writer, readers)), "reader");
    if (database.kind === "instance" && t.standby) {
      if (t.standby.ip)
        ok(
          "standby",
          `${t.standby.ip}, registered beside the primary so that a failover registers nothing: ${t.standby.how}. It reads unhealthy until it takes over. To confirm in your account: docs/failover.md, "Multi-AZ DB instances: the standby, found before it is needed"`,
        );
      else
        bad(
          "standby",
          `not found: ${t.standby.how}. A failover registers the new address on the way (minutes before writes return)`,
          `give the instance a security group of its own, or set ${shareField(ctx, "failover.standbyDiscovery")} to false in ${ctx.configFile} to keep the old behaviour without this finding`,
        );
    }
    const bg = t.blueGreen;
    // Behind a proxy there are no member slots: the proxy follows green at the switchover itself.
    if (database.kind === "cluster" && bg && !o.proxy) {
      const free = o.groups.filter(
        (g) => g.label.startsWith(MEMBER_SLOT) && !g.targets.some((x) => !isDraining(x.state)),
      ).length;
      const placed = bg.others.filter((m) =>
        o.groups.some(
          (g) => g.label.startsWith(MEMBER_SLOT) && g.targets.some((x) => x.ip === m.ip && !isDraining(x.state)),
        ),
      );
      const others = bg.others.map((m) => `${m.instance} (${m.ip})`).join(", ") || "none resolved yet";
      if (bg.switched)
        ok(`Blue/Green ${bg.id}`, `${bg.status}: the names belong to what was green; the old environment is ${others}`);
      else if (placed.length === bg.others.length && bg.problems.length === 0)
        ok(
          `Blue/Green ${bg.id}`,
          `${bg.status}: every green member sits registered in a spare member slot (${placed.map((m) => m.instance).join(", ")}), so the switchover moves listeners only`,
        );
      else {
        const missing = bg.others.filter((m) => !placed.includes(m));
        const why =
          missing.length > free
            ? `${missing.length} green member(s) without a slot and ${free} free slot(s): raise ${shareField(ctx, "failover.memberSlots")} to at least the members of both environments and deploy`
            : sync;
        bad(
          `Blue/Green ${bg.id}`,
          `${bg.status}: not every green member is in a slot yet (${missing.map((m) => `${m.instance} (${m.ip})`).join(", ") || "none resolved"}${bg.problems.length ? `; ${bg.problems.join("; ")}` : ""}); a switchover to them registers them on the way`,
          why,
        );
      }
    }

    for (const group of o.groups) {
      const sick = group.targets.filter((x) => !isDraining(x.state) && x.state !== HEALTHY && x.ip !== standby?.ip);
      const text = group.targets.length ? group.targets.map((x) => `${who(x.ip)} ${x.state}`).join(", ") : "empty";
      if (sick.length === 0) ok(`target health: ${group.label}`, text);
      else
        bad(
          `target health: ${group.label}`,
          text + sick.map((x) => (x.reason ? `; ${x.ip}: ${x.reason}` : "")).join(""),
          o.proxy
            ? `${sync}; if a target stays unhealthy, check that the proxy is available and its security group admits the load balancer on port ${o.proxy.port}`
            : `${sync}; if a target stays unhealthy, check that the instance is available and its security group admits the load balancer on port ${database.port}`,
        );
    }

    for (const c of o.connections ?? []) {
      const check = `endpoint connection ${c.endpointId}`;
      const state = c.state.toLowerCase();
      const from = `from ${connectingAccount(ctx, c.owner)}`;
      if (state === "available") ok(check, `${from}: available`);
      else if (state === "pendingacceptance") {
        bad(
          check,
          `${from}: waiting for acceptance`,
          `add "${c.endpointId}" to ${shareField(ctx, "sharing.acceptEndpointIds")} in ${ctx.configFile} and deploy the provider stack, or run: aws ec2 accept-vpc-endpoint-connections --service-id ${o.serviceId} --vpc-endpoint-ids ${c.endpointId} ${ctx.providerCli}`,
        );
      } else
        bad(
          check,
          `${from}: ${c.state}`,
          `the consumer deletes and recreates its endpoint (npx cdktf deploy consumer-<name>); check that account ${c.owner} is among ${shareField(ctx, "sharing.allowedPrincipals")}`,
        );
    }
    if (o.connections && o.connections.length === 0)
      ok("endpoint connections", "no consumer endpoint has connected yet");
    if (o.connectionsUnread) {
      findings.push({
        stack: o.stack,
        check: "endpoint connections",
        ok: true,
        skipped: o.connectionsUnread,
        detail: `not checked: ${o.connectionsUnread}; each consumer's endpoint state is checked from its side`,
      });
    }

    const f = o.function;
    // Three missed schedules, and never under five minutes: one slow or retried run is no alarm.
    const windowMs = Math.max(3 * o.reconcileEveryMinutes, 5) * 60_000;
    const age = (iso: string) => Math.round((ctx.now.getTime() - Date.parse(iso)) / 60_000);
    if (f.lastSuccess && ctx.now.getTime() - Date.parse(f.lastSuccess) <= windowMs) {
      ok(
        "failover function",
        `last successful run ${f.lastSuccess} (${age(f.lastSuccess)} min ago; it runs every ${o.reconcileEveryMinutes} min)`,
      );
    } else {
      const last = f.lastSuccess
        ? `last successful run ${f.lastSuccess}, ${age(f.lastSuccess)} min ago`
        : "no successful run in its log";
      const lastRun = f.lastRun && f.lastRun !== f.lastSuccess ? `; last run ${f.lastRun} failed` : "";
      bad(
        "failover function",
        `${last}${lastRun}; it should run every ${o.reconcileEveryMinutes} min`,
        `read its log: aws logs tail /aws/lambda/${f.name} --since 1h ${ctx.providerCli}; then ${sync}`,
      );
    }
    if (f.deadLetters === 0) ok("dead letters", "none waiting");
    else
      bad(
        "dead letters",
        `${f.deadLetters} failed event(s) waiting in the dead-letter queue`,
        `read them: aws sqs receive-message --queue-url ${f.deadLetterQueueUrl} --max-number-of-messages 10 ${ctx.providerCli}; each holds the events of a batch whose run failed (SQS keeps the message, not the error: the function's log has it). Fix the cause, ${sync}, then purge the queue`,
      );
    if (o.hostBlocking) findings.push(...diagnoseHostBlocking(o, o.hostBlocking, ctx));
    return findings;
  },
  consumer: {
    pendingFix: (endpointId, provider, ctx) =>
      `the provider adds "${endpointId}" to ${shareField(ctx, "sharing.acceptEndpointIds")} in ${ctx.configFile} and deploys the provider stack, or runs: aws ec2 accept-vpc-endpoint-connections --service-id ${provider?.serviceId ?? "<service_id output>"} --vpc-endpoint-ids ${endpointId} ${ctx.providerCli}`,
    failedFix: (ctx) =>
      `check that this account is among ${shareField(ctx, "sharing.allowedPrincipals")}, then redeploy this consumer stack`,
    // An endpoint service is offered only in its load balancer's AZs: every endpoint subnet must be in one.
    served: (endpointAzIds, providerAzIds) => endpointAzIds.every((z) => providerAzIds.includes(z)),
  },
};

/** The fix that puts the listeners and targets where they belong: a run of the failover function. */
function forceSync(o: EndpointServiceObservation, ctx: FixContext): string {
  return `force a sync: aws lambda invoke --function-name ${o.function.name} --payload '{"trigger":"manual"}' --cli-binary-format raw-in-base64-out ${ctx.providerCli} out.json`;
}

/** The function's last runs, from the newest streams of its log group (Lambda writes a run's output there). */
async function lastRuns(
  logs: CloudWatchLogsClient,
  group: string,
): Promise<{ lastRun?: string; lastSuccess?: string }> {
  const streams = await logs.send(
    new DescribeLogStreamsCommand({ logGroupName: group, orderBy: "LastEventTime", descending: true, limit: 5 }),
  );
  const lines: Array<{ message: string; timestamp?: number }> = [];
  for (const stream of streams.logStreams ?? []) {
    const events = await logs.send(
      new GetLogEventsCommand({
        logGroupName: group,
        logStreamName: stream.logStreamName!,
        startFromHead: false,
        limit: 500,
      }),
    );
    for (const e of events.events ?? []) lines.push({ message: e.message ?? "", timestamp: e.timestamp });
  }
  return runsFromLog(lines);
}

/** The last run and the last successful run, from the function's log lines (its EMF metric records). */
export function runsFromLog(lines: Array<{ readonly message: string; readonly timestamp?: number }>): {
  lastRun?: string;
  lastSuccess?: string;
} {
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
function readerPortAsPlanned(
  o: EndpointServiceObservation,
  writer: Member,
  members: Member[] | null,
): string | undefined {
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
    state: {
      kind: "cluster",
      memberGroups,
      readerSetGroups: slot(READER_SET),
      writerListener: o.writerListener,
      readerListener: o.readerListener,
    },
    port: o.database.port,
    // Status judges where traffic goes, not which IPs may be registered: the function refuses those.
    allowedCidrs: [parseCidr("0.0.0.0/0")!],
    warmReaderSets: o.warmReaderSets,
  });
  // Only a settled port: no move to come, and nothing left to register in or remove from its group.
  const pending = p.groups.some(
    (g) => g.arn === o.readerListener!.forwardsTo && (g.plan.register.length > 0 || g.plan.deregister.length > 0),
  );
  if (p.heldBecause || pending || p.switches.some((s) => s.listener === "reader")) return undefined;
  const group = o.groups.find((g) => g.arn === o.readerListener!.forwardsTo);
  const serving = group?.targets.filter((x) => x.state === HEALTHY && x.port === o.database.port) ?? [];
  if (!group || serving.length === 0) return undefined;
  const note = p.notes.find((n) => n.startsWith("reader port on "));
  const reaches = serving
    .map((x) => `${(members ?? []).find((m) => m.ip === x.ip)?.instance ?? x.ip} (${x.ip})`)
    .join(", ");
  return `forwards to ${group.label}: ${reaches}, healthy${note ? `; the function keeps it there (${note.replace(/^reader port on /, "")})` : ""}`;
}
