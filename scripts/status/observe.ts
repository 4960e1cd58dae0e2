// npm run status, the shell: read-only AWS calls with each account's own profile, turned into the
// plain observations diagnose.ts decides on. Nothing here changes anything. What every share
// has (the database's topology, the consumer endpoints) is read here; each transport reads its
// own part in scripts/status/transports/<name>.ts, called through the registry.
import { DescribeSubnetsCommand, DescribeVpcEndpointsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { RDSClient } from "@aws-sdk/client-rds";
import { readTopology, resolverFromEnv } from "../../functions/failover-sync/topology";
import type { Config } from "../../config/resolve";
import type { Account, ConsumerConfig } from "../../config/schema";
import { clientConfig } from "./clients";
import type { ConsumerObservation } from "./diagnose";
import { type ProviderObservation, STATUS_BY_TRANSPORT, statusOf } from "./transports";
import { OutputError, type OutputReads, type OutputValues, PROVIDER_OUTPUTS as P, reads } from "../../stacks/outputs";
import type { TransportName } from "../../config/schema";

/** What the fixes add to an AWS CLI command so it runs against that account. */
export function cliFlags(account: Account): string {
  return [account.profile ? `--profile ${account.profile}` : "", `--region ${account.region}`]
    .filter(Boolean)
    .join(" ");
}

/**
 * Every output status reads from a provider stack, by the transport it reads it for: the ones
 * every provider stack has, and the transport's own (scripts/status/transports/<name>.ts). A reader reads nothing
 * else (it does not compile), and a test checks each against the synthesized stacks of that
 * transport. Required outputs are in every provider stack; optional ones in some.
 */
const COMMON_READS = reads({ required: [P.databaseIdentifier, P.databasePort, P.azIds] });
const withCommon = (own: OutputReads): OutputReads => ({
  required: [...COMMON_READS.required, ...own.required],
  optional: own.optional,
});
export const PROVIDER_READS = Object.fromEntries(
  Object.entries(STATUS_BY_TRANSPORT).map(([name, status]) => [name, withCommon(status.providerReads)]),
) as Readonly<Record<TransportName, OutputReads>>;
/** A consumer stack has one or more of these, by transport (each transport's, in the registry's order) and resource definition; each is checked by its role. */
export const CONSUMER_ENDPOINTS = Object.values(STATUS_BY_TRANSPORT).flatMap((status) => status.consumerEndpoints);
export const CONSUMER_READS = reads({ optional: CONSUMER_ENDPOINTS.map(([, output]) => output) });

/** Throws an OutputError, naming the output and the stack, for a required output the state lacks. */
export async function observeProvider(
  config: Config,
  outputs: OutputValues,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProviderObservation> {
  const provider = config.provider;
  const cc = clientConfig(provider.account);
  const kind = provider.database.kind;
  const common = outputs.reader(COMMON_READS);
  const identifier = common.require(P.databaseIdentifier);
  const rds = new RDSClient(cc);
  // A Multi-AZ DB instance's standby, found as the function finds it, when the share finds it.
  const ec2 = kind === "instance" && provider.failover.standbyDiscovery ? new EC2Client(cc) : undefined;
  const topology = await readTopology(rds, resolverFromEnv(env), { kind, identifier }, ec2);
  const base = {
    stack: outputs.stack,
    region: provider.account.region,
    database: { kind, identifier, port: common.require(P.databasePort) },
    topology,
    azIds: common.require(P.azIds),
  };
  return statusOf(provider.transport).observe({ config, outputs, base, client: cc, rds });
}

export async function observeConsumer(consumer: ConsumerConfig, outputs: OutputValues): Promise<ConsumerObservation> {
  const ec2 = new EC2Client(clientConfig(consumer.account));
  const read = outputs.reader(CONSUMER_READS);
  const ids = CONSUMER_ENDPOINTS.flatMap(([role, output]): Array<[string, string]> => {
    const id = read.get(output);
    return id ? [[role, id]] : [];
  });
  if (ids.length === 0)
    throw new OutputError(
      outputs.stack,
      `its state has none of the endpoint id outputs (${CONSUMER_ENDPOINTS.map(([, o]) => outputs.nameOf(o)).join(", ")})`,
    );
  const found =
    (await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: ids.map(([, id]) => id) }))).VpcEndpoints ?? [];
  const subnetIds = [...new Set(found.flatMap((e) => e.SubnetIds ?? []))];
  const subnets = subnetIds.length
    ? ((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))).Subnets ?? [])
    : [];
  const zoneOf = new Map(subnets.map((s) => [s.SubnetId, s.AvailabilityZoneId ?? "unknown"]));
  return {
    stack: outputs.stack,
    region: consumer.account.region,
    endpoints: ids.map(([role, id]) => {
      const e = found.find((x) => x.VpcEndpointId === id);
      return {
        role,
        id,
        state: e?.State ?? "missing",
        azIds: [...new Set((e?.SubnetIds ?? []).map((s) => zoneOf.get(s) ?? "unknown"))].sort(),
      };
    }),
  };
}
