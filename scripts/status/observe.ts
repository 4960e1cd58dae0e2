// npm run status, the shell: read-only AWS calls with each account's own profile, turned into the
// plain observations diagnose.ts decides on. Nothing here changes anything.
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeSubnetsCommand, DescribeVpcEndpointConnectionsCommand, DescribeVpcEndpointsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { DescribeDBClusterParametersCommand, DescribeDBClustersCommand, DescribeDBInstancesCommand, DescribeDBParametersCommand, Parameter, RDSClient } from "@aws-sdk/client-rds";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { fromIni, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { readGroups, readListenerTargets } from "../../functions/failover-sync/apply";
import { readTopology, resolverFromEnv } from "../../functions/failover-sync/topology";
import { Config } from "../../config/resolve";
import { Account, ConsumerConfig } from "../../config/schema";
import { blocksHosts, ENGINE_DEFAULT_MAX_CONNECT_ERRORS, MAX_CONNECT_ERRORS_PARAMETER } from "../../stacks/constructs/instance-parameters";
import { ConsumerObservation, ObservedConnectErrors, ObservedGroup, ObservedHostBlocking, ObservedListener, ProviderObservation, runsFromLog } from "./diagnose";
import { GROUP_LABELS } from "../../stacks/group-labels";
import { CONSUMER_OUTPUTS as C, OutputError, OutputValues, PROVIDER_OUTPUTS as P, reads } from "../../stacks/outputs";

/** SDK client settings for one account of the config: its region, profile and role, or the emulator. */
export function clientConfig(account: Account) {
  if (account.endpoint) return { region: account.region, endpoint: account.endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 3 };
  const base = account.profile ? fromIni({ profile: account.profile }) : undefined;
  const credentials = account.assumeRoleArn
    ? fromTemporaryCredentials({ params: { RoleArn: account.assumeRoleArn, RoleSessionName: "rds-privatelink-status" }, masterCredentials: base })
    : base;
  return { region: account.region, credentials, maxAttempts: 3 };
}

/** What the fixes add to an AWS CLI command so it runs against that account. */
export function cliFlags(account: Account): string {
  return [account.profile ? `--profile ${account.profile}` : "", `--region ${account.region}`].filter(Boolean).join(" ");
}

/**
 * Every output status reads, by the transport it reads it for: a reader reads nothing else (it
 * does not compile), and a test checks each against the synthesized stacks of that transport.
 * Required outputs are in every provider stack; optional ones in some (a cluster's or an
 * instance's groups, a reader port's listener).
 */
const COMMON_READS = [P.databaseIdentifier, P.databasePort, P.azIds] as const;
export const PROVIDER_READS = {
  resource: reads({ required: COMMON_READS }),
  "endpoint-service": reads({
    required: [...COMMON_READS, P.writerListenerArn, P.serviceId, P.failoverFunctionName, P.deadLetterQueueUrl],
    optional: [P.memberTargetGroupArns, P.readerSetTargetGroupArns, P.writerTargetGroupArn, P.readerTargetGroupArn, P.readerListenerArn],
  }),
};
/** A consumer stack has one or more of these, by transport and resource definition; each is checked by its role. */
export const CONSUMER_ENDPOINTS = [
  ["interface", C.endpointId],
  ["database", C.databaseEndpointId],
  ["writer", C.writerEndpointId],
  ["reader", C.readerEndpointId],
] as const;
export const CONSUMER_READS = reads({ optional: CONSUMER_ENDPOINTS.map(([, output]) => output) });

/** Throws an OutputError, naming the output and the stack, for a required output the state lacks. */
export async function observeProvider(config: Config, outputs: OutputValues, env: NodeJS.ProcessEnv = process.env): Promise<ProviderObservation> {
  const provider = config.provider;
  const cc = clientConfig(provider.account);
  const kind = provider.database.kind;
  const common = outputs.reader(PROVIDER_READS.resource);
  const identifier = common.require(P.databaseIdentifier);
  const rds = new RDSClient(cc);
  const topology = await readTopology(rds, resolverFromEnv(env), { kind, identifier });
  const base = {
    stack: outputs.stack,
    region: provider.account.region,
    database: { kind, identifier, port: common.require(P.databasePort) },
    topology,
    reconcileEveryMinutes: provider.failover.reconcileEveryMinutes,
    warmReaderSets: provider.failover.warmReaderSets,
    azIds: common.require(P.azIds),
    groups: [] as ObservedGroup[],
  };
  if (provider.transport === "resource") return { ...base, transport: "resource" };

  const read = outputs.reader(PROVIDER_READS["endpoint-service"]);
  const elb = new ElasticLoadBalancingV2Client(cc);
  const one = (arn: string | undefined, label: string): Array<[string, string]> => (arn ? [[arn, label]] : []);
  const labelled: Array<[string, string]> = [
    ...(read.get(P.memberTargetGroupArns) ?? []).map((arn, i): [string, string] => [arn, GROUP_LABELS.memberSlot(i)]),
    ...(read.get(P.readerSetTargetGroupArns) ?? []).map((arn, i): [string, string] => [arn, GROUP_LABELS.readerSet(i)]),
    ...one(read.get(P.writerTargetGroupArn), GROUP_LABELS.writer),
    ...one(read.get(P.readerTargetGroupArn), GROUP_LABELS.reader),
  ];
  const groups = (await readGroups(elb, labelled.map(([arn]) => arn))).map((g, i): ObservedGroup => ({ arn: g.arn, label: labelled[i][1], targets: g.current }));
  const writerListenerArn = read.require(P.writerListenerArn);
  const readerListenerArn = read.get(P.readerListenerArn);
  const listenerArns = [writerListenerArn, readerListenerArn].filter((a): a is string => a !== undefined);
  const forwards = await readListenerTargets(elb, listenerArns);
  const listener = (arn?: string): ObservedListener | undefined => (arn ? { arn, forwardsTo: forwards.get(arn) ?? null } : undefined);

  const ec2 = new EC2Client(cc);
  const serviceId = read.require(P.serviceId);
  let connections: ProviderObservation["connections"];
  let connectionsUnread: string | undefined;
  try {
    const out = await ec2.send(new DescribeVpcEndpointConnectionsCommand({ Filters: [{ Name: "service-id", Values: [serviceId] }] }));
    connections = (out.VpcEndpointConnections ?? []).map((c) => ({ endpointId: c.VpcEndpointId ?? "", owner: c.VpcEndpointOwner ?? "", state: c.VpcEndpointState ?? "unknown" }));
  } catch (e) {
    // Only against the test emulator, which does not implement this call (docs/emulator-gaps.md):
    // said as not checked. Against AWS the error stands.
    if (!provider.account.endpoint) throw e;
    connectionsUnread = `the emulator does not answer ec2:DescribeVpcEndpointConnections (${(e as Error).message.split("\n")[0]})`;
  }

  const functionName = read.require(P.failoverFunctionName);
  const queueUrl = read.require(P.deadLetterQueueUrl);
  const attrs = await new SQSClient(cc).send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
  const fn: ProviderObservation["function"] = {
    name: functionName,
    deadLetters: Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0),
    deadLetterQueueUrl: queueUrl,
    ...(await lastRuns(new CloudWatchLogsClient(cc), `/aws/lambda/${functionName}`)),
  };
  const engine = provider.database.engine;
  const hostBlocking = blocksHosts(engine) ? await readHostBlocking(rds, { kind, identifier, engine, created: provider.database.create !== undefined }) : undefined;
  return {
    ...base,
    transport: "endpoint-service",
    groups,
    hostBlocking,
    writerListener: listener(writerListenerArn),
    readerListener: listener(readerListenerArn),
    serviceId,
    connections,
    connectionsUnread,
    function: fn,
  };
}

/**
 * max_connect_errors of every parameter group the database's instances use. Aurora MySQL and a
 * Multi-AZ instance keep it in the instances' DB parameter groups (Aurora: an instance-level
 * parameter); a Multi-AZ DB cluster in its DB cluster parameter group, which applies to all
 * its instances. A call that fails is reported, not thrown: the other checks still stand.
 */
export async function readHostBlocking(
  rds: RDSClient,
  db: { readonly kind: "cluster" | "instance"; readonly identifier: string; readonly engine: string; readonly created: boolean },
): Promise<ObservedHostBlocking> {
  try {
    if (db.kind === "cluster" && db.engine === "mysql") {
      const cluster = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: db.identifier }))).DBClusters?.[0];
      const group = cluster?.DBClusterParameterGroup;
      if (!group) return { created: db.created, groups: [], unread: `cluster ${db.identifier} reports no DB cluster parameter group` };
      const notApplied = (cluster.DBClusterMembers ?? [])
        .filter((m) => m.DBClusterParameterGroupStatus && m.DBClusterParameterGroupStatus !== "in-sync")
        .map((m) => ({ instance: m.DBInstanceIdentifier ?? "?", status: m.DBClusterParameterGroupStatus! }));
      const parameter = await findParameter((Marker) => rds.send(new DescribeDBClusterParametersCommand({ DBClusterParameterGroupName: group, Filters: byName, Marker })));
      return { created: db.created, groups: [connectErrors("cluster", group, [db.identifier], parameter, notApplied)] };
    }
    const instances =
      (
        await rds.send(
          db.kind === "cluster" ? new DescribeDBInstancesCommand({ Filters: [{ Name: "db-cluster-id", Values: [db.identifier] }] }) : new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.identifier }),
        )
      ).DBInstances ?? [];
    const byGroup = new Map<string, { usedBy: string[]; notApplied: Array<{ instance: string; status: string }> }>();
    for (const instance of instances) {
      const id = instance.DBInstanceIdentifier ?? "?";
      for (const g of instance.DBParameterGroups ?? []) {
        if (!g.DBParameterGroupName) continue;
        const entry = byGroup.get(g.DBParameterGroupName) ?? { usedBy: [], notApplied: [] };
        entry.usedBy.push(id);
        if (g.ParameterApplyStatus && g.ParameterApplyStatus !== "in-sync") entry.notApplied.push({ instance: id, status: g.ParameterApplyStatus });
        byGroup.set(g.DBParameterGroupName, entry);
      }
    }
    const groups: ObservedConnectErrors[] = [];
    for (const [group, { usedBy, notApplied }] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
      const parameter = await findParameter((Marker) => rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: group, Filters: byName, Marker })));
      groups.push(connectErrors("db", group, usedBy.sort(), parameter, notApplied));
    }
    return { created: db.created, groups };
  } catch (e) {
    return { created: db.created, groups: [], unread: (e as Error).message.split("\n")[0] };
  }
}

const byName = [{ Name: "parameter-name", Values: [MAX_CONNECT_ERRORS_PARAMETER] }];

/** The parameter from every page; the name is matched here too, in case a filter is not applied. */
async function findParameter(page: (marker?: string) => Promise<{ Parameters?: Parameter[]; Marker?: string }>): Promise<Parameter | undefined> {
  let marker: string | undefined;
  do {
    const out = await page(marker);
    const found = (out.Parameters ?? []).find((p) => p.ParameterName === MAX_CONNECT_ERRORS_PARAMETER);
    if (found) return found;
    marker = out.Marker;
  } while (marker);
  return undefined;
}

/** What the server runs with: RDS returns no value for a parameter the group leaves to the engine. */
export function connectErrors(kind: "db" | "cluster", group: string, usedBy: string[], parameter: Parameter | undefined, notApplied: Array<{ instance: string; status: string }>): ObservedConnectErrors {
  const raw = parameter?.ParameterValue;
  if (raw === undefined || raw === "") return { kind, group, usedBy, value: ENGINE_DEFAULT_MAX_CONNECT_ERRORS, source: parameter?.Source ?? "engine-default", notApplied };
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : null;
  return { kind, group, usedBy, value, raw, source: parameter?.Source ?? "user", notApplied };
}

/** The function's last runs, from the newest streams of its log group (Lambda writes a run's output there). */
async function lastRuns(logs: CloudWatchLogsClient, group: string): Promise<{ lastRun?: string; lastSuccess?: string }> {
  const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: "LastEventTime", descending: true, limit: 5 }));
  const lines: Array<{ message: string; timestamp?: number }> = [];
  for (const stream of streams.logStreams ?? []) {
    const events = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream.logStreamName!, startFromHead: false, limit: 500 }));
    for (const e of events.events ?? []) lines.push({ message: e.message ?? "", timestamp: e.timestamp });
  }
  return runsFromLog(lines);
}

export async function observeConsumer(consumer: ConsumerConfig, outputs: OutputValues): Promise<ConsumerObservation> {
  const ec2 = new EC2Client(clientConfig(consumer.account));
  const read = outputs.reader(CONSUMER_READS);
  const ids = CONSUMER_ENDPOINTS.flatMap(([role, output]): Array<[string, string]> => {
    const id = read.get(output);
    return id ? [[role, id]] : [];
  });
  if (ids.length === 0) throw new OutputError(outputs.stack, `its state has none of the endpoint id outputs (${CONSUMER_ENDPOINTS.map(([, o]) => o.name).join(", ")})`);
  const found = (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: ids.map(([, id]) => id) }))).VpcEndpoints ?? [];
  const subnetIds = [...new Set(found.flatMap((e) => e.SubnetIds ?? []))];
  const subnets = subnetIds.length ? ((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))).Subnets ?? []) : [];
  const zoneOf = new Map(subnets.map((s) => [s.SubnetId, s.AvailabilityZoneId ?? "unknown"]));
  return {
    stack: outputs.stack,
    region: consumer.account.region,
    endpoints: ids.map(([role, id]) => {
      const e = found.find((x) => x.VpcEndpointId === id);
      return { role, id, state: e?.State ?? "missing", azIds: [...new Set((e?.SubnetIds ?? []).map((s) => zoneOf.get(s) ?? "unknown"))].sort() };
    }),
  };
}
