// A small AWS world in moto for the failover function: a VPC, the writer and reader IP target
// groups, an Aurora cluster whose members resolve through the loopback DNS server, and the
// helpers that read it back. Shared by the integration tests, the e2e drill and the bench.
import { CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateTargetGroupCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { CreateDBClusterCommand, CreateDBInstanceCommand, FailoverDBClusterCommand, RDSClient } from "@aws-sdk/client-rds";
import { Resolver } from "dns/promises";
import { parseCidr } from "../../functions/failover-sync/ipv4";
import { Logger } from "../../functions/failover-sync/log";
import { DEFAULT_TIMING, SyncSettings } from "../../functions/failover-sync/sync";
import { DnsServer } from "./dns";

export const REGION = "us-east-1";
export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
export const SILENT: Logger = { info: () => undefined, error: () => undefined, metrics: () => undefined };

export interface ClusterSpec {
  readonly cluster: string;
  readonly engine: "aurora-mysql" | "aurora-postgresql";
  /** Member instance identifier -> the IP its own endpoint resolves to. */
  readonly members: Record<string, string>;
}

export interface World extends ClusterSpec {
  readonly url: string;
  readonly writerArn: string;
  readonly readerArn: string;
}

const config = (url: string) => ({ region: REGION, endpoint: url, credentials: TEST_CREDENTIALS });

/** moto's endpoint address of an instance. */
export function instanceAddress(instance: string): string {
  return `${instance}.aaaaaaaaaa.${REGION}.rds.amazonaws.com`;
}

export async function createWorld(url: string, dns: DnsServer, spec: ClusterSpec): Promise<World> {
  const vpc = await new EC2Client(config(url)).send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
  const elb = new ElasticLoadBalancingV2Client(config(url));
  const group = async (name: string) =>
    (await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: "TCP", Port: 3306, VpcId: vpc.Vpc!.VpcId, TargetType: "ip" }))).TargetGroups![0].TargetGroupArn!;
  const writerArn = await group(`${spec.cluster}-writer`);
  const readerArn = await group(`${spec.cluster}-reader`);
  const rds = new RDSClient(config(url));
  await rds.send(new CreateDBClusterCommand({ DBClusterIdentifier: spec.cluster, Engine: spec.engine, MasterUsername: "dbadmin", ManageMasterUserPassword: true }));
  for (const [id, ip] of Object.entries(spec.members)) {
    await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: id, DBClusterIdentifier: spec.cluster, Engine: spec.engine, DBInstanceClass: "db.t4g.medium" }));
    dns.records.set(instanceAddress(id), ip);
  }
  return { ...spec, url, writerArn, readerArn };
}

export async function failoverTo(url: string, cluster: string, instance: string): Promise<void> {
  await new RDSClient(config(url)).send(new FailoverDBClusterCommand({ DBClusterIdentifier: cluster, TargetDBInstanceIdentifier: instance }));
}

/** The IPs a target group holds, sorted, read through a client of its own. */
export async function targetIps(url: string, arn: string): Promise<string[]> {
  const out = await new ElasticLoadBalancingV2Client(config(url)).send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
  return (out.TargetHealthDescriptions ?? []).map((d) => d.Target!.Id!).sort();
}

/** Resolves A records through the loopback DNS server only. */
export function loopbackResolver(dns: DnsServer): (host: string) => Promise<string> {
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([dns.address]);
  return async (host) => (await resolver.resolve4(host))[0];
}

/** Sync settings for a world, with a fast poll so the fast-path tests take milliseconds. */
export function testSettings(world: World, overrides: Partial<SyncSettings> = {}): SyncSettings {
  return {
    database: { clusterIdentifier: world.cluster },
    writerTargetGroupArn: world.writerArn,
    readerTargetGroupArn: world.readerArn,
    port: 3306,
    allowedCidrs: [parseCidr("10.0.0.0/16")!],
    ...DEFAULT_TIMING,
    pollIntervalMs: 50,
    pollDeadlineMs: 3000,
    ...overrides,
  };
}
