// A small AWS world in moto for the failover function, built the way the provider stack builds
// it: a VPC and an internal NLB; for a cluster, a member group and a reader set per slot, each
// behind its own listener, the writer and reader listeners on slot 0, and an empty fence group
// with no listener of its own; for a Multi-AZ instance, a writer and a reader group. Database
// members (and, when asked, the cluster endpoint) resolve through the loopback DNS server.
// Shared by the integration tests, the e2e drill and the bench.
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  FailoverDBClusterCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { randomUUID } from "node:crypto";
import { Resolver } from "node:dns/promises";
import { ENV } from "../../functions/failover-sync/environment";
import { parseCidr } from "../../functions/failover-sync/ipv4";
import { DEFAULT_TIMING, type SyncDeps, type SyncSettings } from "../../functions/failover-sync/sync";
import { SILENT } from "../../functions/failover-sync/telemetry";
import type { AwsTiming } from "./aws-timing";
import type { DnsServer } from "./dns";
import { intercept } from "./intercept";

export const REGION = "us-east-1";
export const PORT = 3306;
export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
export const clientConfig = (url: string) => ({ region: REGION, endpoint: url, credentials: TEST_CREDENTIALS });

export interface ClusterSpec {
  readonly cluster: string;
  /** Aurora, or a Multi-AZ DB cluster (mysql, postgres: a writer and two readable standbys). */
  readonly engine: "aurora-mysql" | "aurora-postgresql" | "mysql" | "postgres";
  /** Member instance identifier -> the IP its own endpoint resolves to. */
  readonly members: Record<string, string>;
  /** Member slots; default: one per member. */
  readonly slots?: number;
  /** Promotion tier per member (default 1): the first in tier order is created first. */
  readonly tiers?: Record<string, number>;
  /** The cluster endpoint resolves, in the loopback DNS, to the first member (the writer moto names); default false: it does not resolve. */
  readonly endpointRecord?: boolean;
  /**
   * The master password in Secrets Manager (ManageMasterUserPassword), as the stack creates it;
   * default true. moto refuses a Blue/Green deployment of such a cluster: false gives it a
   * random password of the test's own.
   */
  readonly managedPassword?: boolean;
}

export interface ClusterWorld extends ClusterSpec {
  readonly kind: "cluster";
  readonly url: string;
  readonly writerListenerArn: string;
  readonly readerListenerArn: string;
  readonly memberGroups: string[];
  readonly readerSetGroups: string[];
  /** The fence group: never holds a target; the writer listener forwards here while the cluster fails over. */
  readonly fenceGroup: string;
  /** The cluster (writer) endpoint's address, as DescribeDBClusters reports it. */
  readonly endpoint: string;
}

export interface InstanceWorld {
  readonly kind: "instance";
  readonly url: string;
  readonly instance: string;
  readonly writerArn: string;
  readonly readerArn: string;
  /** The VPC, the subnets of the instance's subnet group (us-east-1a, us-east-1b) and its security group. */
  readonly vpc: string;
  readonly subnets: readonly string[];
  readonly securityGroup: string;
}

/** moto's endpoint address of an instance. */
export function instanceAddress(instance: string): string {
  return `${instance}.aaaaaaaaaa.${REGION}.rds.amazonaws.com`;
}

async function network(url: string) {
  const ec2 = new EC2Client(clientConfig(url));
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
  const subnet = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.0.0.0/24", AvailabilityZone: `${REGION}a` }))
  ).Subnet!.SubnetId!;
  const elb = new ElasticLoadBalancingV2Client(clientConfig(url));
  const lb = (
    await elb.send(
      new CreateLoadBalancerCommand({ Name: "world-nlb", Type: "network", Scheme: "internal", Subnets: [subnet] }),
    )
  ).LoadBalancers![0].LoadBalancerArn!;
  const group = async (name: string) =>
    (
      await elb.send(
        new CreateTargetGroupCommand({ Name: name, Protocol: "TCP", Port: PORT, VpcId: vpc, TargetType: "ip" }),
      )
    ).TargetGroups![0].TargetGroupArn!;
  const listener = async (port: number, targetGroupArn: string) =>
    (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb,
          Protocol: "TCP",
          Port: port,
          DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
        }),
      )
    ).Listeners![0].ListenerArn!;
  return { group, listener, ec2, vpc, subnet };
}

export async function createClusterWorld(url: string, dns: DnsServer, spec: ClusterSpec): Promise<ClusterWorld> {
  const { group, listener } = await network(url);
  const slots = spec.slots ?? Object.keys(spec.members).length;
  const memberGroups: string[] = [];
  const readerSetGroups: string[] = [];
  for (let i = 0; i < slots; i++) {
    memberGroups.push(await group(`${spec.cluster}-m${i}`));
    await listener(PORT + 10 + i, memberGroups[i]);
  }
  for (let i = 0; i < slots; i++) {
    readerSetGroups.push(await group(`${spec.cluster}-r${i}`));
    await listener(PORT + 10 + slots + i, readerSetGroups[i]);
  }
  // No listener of its own, as in the stack: it has nothing to health-check.
  const fenceGroup = await group(`${spec.cluster}-fence`);
  const writerListenerArn = await listener(PORT, memberGroups[0]);
  const readerListenerArn = await listener(PORT + 1, readerSetGroups[0]);
  const rds = new RDSClient(clientConfig(url));
  const aurora = spec.engine.startsWith("aurora");
  // A Multi-AZ DB cluster takes its instance class and io1 storage at the cluster (RDS User Guide, Creating a Multi-AZ DB cluster).
  const multiAz = aurora
    ? {}
    : { DBClusterInstanceClass: "db.m5d.large", AllocatedStorage: 100, StorageType: "io1", Iops: 1000 };
  const password =
    spec.managedPassword === false ? { MasterUserPassword: randomUUID() } : { ManageMasterUserPassword: true };
  const created = await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: spec.cluster,
      Engine: spec.engine,
      MasterUsername: "dbadmin",
      ...password,
      ...multiAz,
    }),
  );
  const endpoint = created.DBCluster!.Endpoint!;
  for (const [id, ip] of Object.entries(spec.members)) {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        DBClusterIdentifier: spec.cluster,
        Engine: spec.engine,
        DBInstanceClass: aurora ? "db.t4g.medium" : "db.m5d.large",
        PromotionTier: spec.tiers?.[id] ?? 1,
      }),
    );
    dns.records.set(instanceAddress(id), ip);
  }
  if (spec.endpointRecord) dns.records.set(endpoint, Object.values(spec.members)[0]);
  return {
    kind: "cluster",
    ...spec,
    url,
    writerListenerArn,
    readerListenerArn,
    memberGroups,
    readerSetGroups,
    fenceGroup,
    endpoint,
  };
}

/** A Multi-AZ DB instance: its address moves to the standby on failover (the test flips DNS). */
export async function createInstanceWorld(
  url: string,
  dns: DnsServer,
  instance: string,
  ip: string,
): Promise<InstanceWorld> {
  const { group, ec2, vpc, subnet } = await network(url);
  const writerArn = await group(`${instance}-writer`);
  const readerArn = await group(`${instance}-reader`);
  // Its subnet group spans two zones (the standby lives in the other), and it has a security group of its own, as the stack creates them.
  const second = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.0.2.0/24", AvailabilityZone: `${REGION}b` }))
  ).Subnet!.SubnetId!;
  const securityGroup = (
    await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: `${instance}-database`, Description: "database", VpcId: vpc }),
    )
  ).GroupId!;
  const rds = new RDSClient(clientConfig(url));
  await rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: `${instance}-database`,
      DBSubnetGroupDescription: "database",
      SubnetIds: [subnet, second],
    }),
  );
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: instance,
      Engine: "mysql",
      DBInstanceClass: "db.t4g.medium",
      MultiAZ: true,
      AllocatedStorage: 20,
      MasterUsername: "dbadmin",
      ManageMasterUserPassword: true,
      DBSubnetGroupName: `${instance}-database`,
      VpcSecurityGroupIds: [securityGroup],
    }),
  );
  dns.records.set(instanceAddress(instance), ip);
  return { kind: "instance", url, instance, writerArn, readerArn, vpc, subnets: [subnet, second], securityGroup };
}

export async function failoverTo(url: string, cluster: string, instance: string): Promise<void> {
  await new RDSClient(clientConfig(url)).send(
    new FailoverDBClusterCommand({ DBClusterIdentifier: cluster, TargetDBInstanceIdentifier: instance }),
  );
}

/** The IPs a target group holds, sorted, read through a client of its own. */
export async function targetIps(url: string, arn: string, includeDraining = false): Promise<string[]> {
  const out = await new ElasticLoadBalancingV2Client(clientConfig(url)).send(
    new DescribeTargetHealthCommand({ TargetGroupArn: arn }),
  );
  return (out.TargetHealthDescriptions ?? [])
    .filter((d) => includeDraining || !(d.TargetHealth?.State ?? "").includes("draining"))
    .map((d) => d.Target!.Id!)
    .sort();
}

/** The group a listener forwards to. */
export async function forwardsTo(url: string, listenerArn: string): Promise<string> {
  const out = await new ElasticLoadBalancingV2Client(clientConfig(url)).send(
    new DescribeListenersCommand({ ListenerArns: [listenerArn] }),
  );
  return out.Listeners![0].DefaultActions![0].TargetGroupArn!;
}

/** The IPs a listener's port reaches now: the live targets of the group it forwards to. */
export async function portReaches(url: string, listenerArn: string): Promise<string[]> {
  return targetIps(url, await forwardsTo(url, listenerArn));
}

/** Resolves A records through the loopback DNS server only. */
export function loopbackResolver(dns: DnsServer): (host: string) => Promise<string> {
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([dns.address]);
  return async (host) => (await resolver.resolve4(host))[0];
}

/** Sync settings for a world, with a fast poll so the fast-path tests take milliseconds. */
export function testSettings(world: ClusterWorld | InstanceWorld, overrides: Partial<SyncSettings> = {}): SyncSettings {
  return {
    ...(world.kind === "cluster"
      ? {
          database: { kind: "cluster", identifier: world.cluster },
          targets: {
            kind: "cluster",
            writerListener: world.writerListenerArn,
            readerListener: world.readerListenerArn,
            memberGroups: world.memberGroups,
            readerSetGroups: world.readerSetGroups,
          },
        }
      : {
          database: { kind: "instance", identifier: world.instance },
          targets: { kind: "instance", writerGroup: world.writerArn, readerGroup: world.readerArn },
        }),
    port: PORT,
    allowedCidrs: [parseCidr("10.0.0.0/16")!],
    ...DEFAULT_TIMING,
    pollIntervalMs: 50,
    pollDeadlineMs: 3000,
    ...overrides,
  } as SyncSettings;
}

export interface EnvironmentOptions {
  /** Cluster: pass the fence group (FENCE_TARGET_GROUP), as a stack that has one does; default false. */
  readonly fence?: boolean;
  /** WATCH_SECONDS; default unset (a run does not watch). */
  readonly watchSeconds?: number;
}

/** The function's environment for a world, as the construct writes it. */
export function testEnvironment(
  world: ClusterWorld | InstanceWorld,
  dns: DnsServer,
  options: EnvironmentOptions = {},
): Record<string, string> {
  const suffix = (arn: string) => arn.split(":")[5];
  const common = {
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: world.url,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    DNS_SERVERS: dns.address,
    TARGET_PORT: String(PORT),
    ALLOWED_CIDRS: "10.0.0.0/16",
    ...(options.watchSeconds !== undefined ? { [ENV.watchSeconds]: String(options.watchSeconds) } : {}),
  };
  if (world.kind === "instance") {
    return {
      ...common,
      DB_INSTANCE_IDENTIFIER: world.instance,
      WRITER_TARGET_GROUP_ARN: world.writerArn,
      READER_TARGET_GROUP_ARN: world.readerArn,
    };
  }
  return {
    ...common,
    DB_CLUSTER_IDENTIFIER: world.cluster,
    WRITER_LISTENER_ARN: world.writerListenerArn,
    READER_LISTENER_ARN: world.readerListenerArn,
    MEMBER_TARGET_GROUPS: world.memberGroups.map(suffix).join(","),
    READER_SET_TARGET_GROUPS: world.readerSetGroups.map(suffix).join(","),
    ...(options.fence ? { [ENV.fenceTargetGroup]: suffix(world.fenceGroup) } : {}),
  };
}

/**
 * The sync's dependencies for a test on moto with AWS's timing put back: real SDK clients on
 * `url`, each attached to `timing`, every call that is not a Describe recorded in `writes`.
 */
export function timedDeps(
  url: string,
  timing: AwsTiming,
  writes: string[],
  dns: DnsServer,
  extra: Partial<SyncDeps> = {},
): SyncDeps {
  const record = <T extends RDSClient | ElasticLoadBalancingV2Client>(client: T) =>
    intercept(client, async (command, send) => {
      if (!command.startsWith("Describe")) writes.push(command.replace(/Command$/, ""));
      return send();
    });
  const config = { ...clientConfig(url), maxAttempts: 3 };
  return {
    rds: timing.attach(record(new RDSClient(config))),
    elb: timing.attach(record(new ElasticLoadBalancingV2Client(config))),
    resolve: loopbackResolver(dns),
    log: SILENT,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...extra,
  };
}
