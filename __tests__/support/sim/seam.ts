// The one seam between the function's real code and the simulated AWS: a middleware on the real
// SDK clients, inside the retry loop and before signing, that answers each command from
// the model instead of sending it. Everything above it is the function's own code and the SDK's:
// the handler, sync, topology, plan, apply, the command objects and the retry loop. Why here and
// not in front of moto: moto answers at once and knows nothing of health checks or time, and a
// layer in front of it would still need this model; why not an HTTP handler: the answers would
// have to be written as ELB and RDS XML, which adds nothing to what the function sees.
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { RetryUntilDeadline } from "../../../functions/failover-sync/retry";
import { SimWorld } from "./world";

export interface Faults {
  /** Windows [from, to) in seconds of virtual time in which every call is throttled: another caller has drained the account's buckets. */
  readonly throttleBursts?: ReadonlyArray<readonly [number, number]>;
  /** Chance that a call fails with a 503. */
  readonly serverError?: number;
  /** A broken world, for testing the measure: ModifyListener answers success and changes nothing. */
  readonly listenerChangesLost?: boolean;
}

export interface CallLog {
  /** Every attempt, by command name, in order, with its virtual time. */
  readonly calls: Array<{
    command: string;
    at: number;
    failed?: string;
    listener?: string;
    to?: string;
    targets?: string[];
  }>;
  /** When the last cluster or instance read was answered. */
  lastTopologyReadAt: number;
}

type Handler = (args: unknown) => Promise<unknown>;

const sdkError = (name: string, status: number, message: string) =>
  Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });

/** A token bucket of the account and Region: `size` tokens, refilled at `rate` a second. */
class Bucket {
  private tokens: number;
  private at = 0;
  constructor(
    private readonly size: number,
    private readonly rate: number,
  ) {
    this.tokens = size;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.size, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function answer(
  world: SimWorld,
  command: string,
  input: Record<string, unknown>,
  log: CallLog,
  faults: Faults,
): Record<string, unknown> {
  const list = (v: unknown) => (Array.isArray(v) ? (v as Array<Record<string, unknown>>) : []);
  switch (command) {
    case "DescribeDBClustersCommand": {
      log.lastTopologyReadAt = world.now;
      const c = world.clusters.get(String(input.DBClusterIdentifier));
      if (!c)
        throw sdkError("DBClusterNotFoundFault", 404, `DBCluster ${String(input.DBClusterIdentifier)} not found.`);
      // A stale answer: the cluster as it was before its last writer change.
      const stale = world.staleReads.findIndex((at) => at <= world.now);
      const staleAnswer = stale >= 0 && Boolean(c.previousWriter);
      if (staleAnswer) world.staleReads.splice(stale, 1);
      const [status, writer] = staleAnswer ? ["available", c.previousWriter] : [c.status, c.writer];
      return {
        DBClusters: [
          {
            DBClusterIdentifier: c.id,
            DBClusterArn: `arn:aws:rds:us-east-1:111111111111:cluster:${c.id}`,
            DbClusterResourceId: c.resourceId ?? `cluster-${c.id}`,
            Status: status,
            Endpoint: SimWorld.clusterAddress(c.id),
            ...(c.replicationSource ? { ReplicationSourceIdentifier: c.replicationSource } : {}),
            DBClusterMembers: c.members.map((id) => ({
              DBInstanceIdentifier: id,
              IsClusterWriter: id === writer && status !== "failing-over",
              PromotionTier: world.instances.get(id)?.tier ?? 1,
            })),
          },
        ],
      };
    }
    case "DescribeDBInstancesCommand": {
      log.lastTopologyReadAt = world.now;
      const filter = list(input.Filters).find((f) => f.Name === "db-cluster-id");
      const byId = list(input.Filters).find((f) => f.Name === "db-instance-id");
      const wanted = filter
        ? [...world.instances.values()].filter((i) => (filter.Values as string[]).includes(i.clusterId ?? ""))
        : byId
          ? [...world.instances.values()].filter((i) => (byId.Values as string[]).includes(i.id))
          : [...world.instances.values()].filter((i) => i.id === input.DBInstanceIdentifier);
      if (!filter && !byId && wanted.length === 0)
        throw sdkError("DBInstanceNotFoundFault", 404, `DBInstance ${String(input.DBInstanceIdentifier)} not found.`);
      return {
        DBInstances: wanted.map((i) => ({
          DBInstanceIdentifier: i.id,
          DbiResourceId: i.resourceId ?? `db-${i.id}`,
          DBInstanceStatus: i.status,
          DBClusterIdentifier: i.clusterId,
          AvailabilityZone: world.hosts.get(i.ip)?.az,
          Endpoint: { Address: SimWorld.address(i.id), Port: 3306 },
          // A Multi-AZ DB instance, as DescribeDBInstances documents one: its subnet group, security group and standby's zone.
          ...(i.secondaryAz
            ? {
                MultiAZ: true,
                SecondaryAvailabilityZone: i.secondaryAz,
                VpcSecurityGroups: [{ VpcSecurityGroupId: SimWorld.DATABASE_GROUP, Status: "active" }],
                DBSubnetGroup: {
                  VpcId: SimWorld.VPC,
                  Subnets: [...world.zones].map((z) => ({
                    SubnetIdentifier: SimWorld.subnet(z),
                    SubnetAvailabilityZone: { Name: z },
                    SubnetStatus: "Active",
                  })),
                },
              }
            : {}),
        })),
      };
    }
    case "DescribeBlueGreenDeploymentsCommand": {
      // The shape of the RDS API Reference (BlueGreenDeployment, SwitchoverDetail); one page.
      const arn = (kind: "cluster" | "db", id: string) => `arn:aws:rds:us-east-1:111111111111:${kind}:${id}`;
      const memberStatus = (status: string) =>
        status === "SWITCHOVER_COMPLETED" || status === "SWITCHOVER_IN_PROGRESS" ? status : "AVAILABLE";
      return {
        BlueGreenDeployments: [...world.deployments.values()].map((d) => ({
          BlueGreenDeploymentIdentifier: d.id,
          BlueGreenDeploymentName: `${d.source}-upgrade`,
          Source: arn("cluster", d.source),
          Target: arn("cluster", d.target),
          Status: d.status,
          SwitchoverDetails: [
            {
              SourceMember: arn("cluster", d.source),
              TargetMember: arn("cluster", d.target),
              Status: memberStatus(d.status),
            },
            ...d.pairs.map(([source, target]) => ({
              SourceMember: arn("db", source),
              TargetMember: arn("db", target),
              Status: memberStatus(d.status),
            })),
          ],
        })),
      };
    }
    case "DescribeNetworkInterfacesCommand": {
      // The filters the function sends: vpc-id, description and group-id (EC2 API Reference).
      const values = (name: string) =>
        (list(input.Filters).find((f) => f.Name === name)?.Values as string[] | undefined) ?? null;
      const [vpc, description, groups] = [values("vpc-id"), values("description"), values("group-id")];
      const rds = [...world.hosts.values()].filter(
        (h) =>
          h.rdsGroup !== undefined &&
          (vpc === null || vpc.includes(SimWorld.VPC)) &&
          (description === null || description.includes("RDSNetworkInterface")) &&
          (groups === null || groups.includes(h.rdsGroup)),
      );
      return {
        NetworkInterfaces: rds.map((h) => ({
          NetworkInterfaceId: `eni-${h.ip.replace(/\./g, "")}`,
          Description: "RDSNetworkInterface",
          InterfaceType: "interface",
          RequesterManaged: true,
          RequesterId: "amazon-rds",
          VpcId: SimWorld.VPC,
          SubnetId: SimWorld.subnet(h.az),
          AvailabilityZone: h.az,
          PrivateIpAddress: h.ip,
          Groups: [{ GroupId: h.rdsGroup, GroupName: h.rdsGroup }],
          Status: "in-use",
        })),
      };
    }
    case "DescribeDBProxiesCommand": {
      // The shape of the RDS API Reference (DBProxy) and the CLI's describe-db-proxies example.
      const p = world.proxy;
      if (!p || p.name !== input.DBProxyName)
        throw sdkError("DBProxyNotFoundFault", 404, `DBProxy ${String(input.DBProxyName)} not found.`);
      return {
        DBProxies: [
          {
            DBProxyName: p.name,
            DBProxyArn: `arn:aws:rds:us-east-1:111111111111:db-proxy:prx-0sim0${p.name}`,
            Status: p.status,
            EngineFamily: "MYSQL",
            VpcId: SimWorld.VPC,
            RequireTLS: true,
            Endpoint: SimWorld.proxyAddress(p.name),
          },
        ],
      };
    }
    case "DescribeDBProxyEndpointsCommand": {
      // The shape of the RDS API Reference (DBProxyEndpoint) and the CLI's describe-db-proxy-endpoints example.
      const p = world.proxy;
      const name = `${p?.name}-ro`;
      if (!p?.records.readOnly || input.DBProxyName !== p.name || input.DBProxyEndpointName !== name)
        throw sdkError(
          "DBProxyEndpointNotFoundFault",
          404,
          `DBProxyEndpoint ${String(input.DBProxyEndpointName)} not found.`,
        );
      return {
        DBProxyEndpoints: [
          {
            DBProxyEndpointName: name,
            DBProxyName: p.name,
            Status: "available",
            VpcId: SimWorld.VPC,
            Endpoint: SimWorld.proxyReadOnlyAddress(p.name),
            TargetRole: "READ_ONLY",
            IsDefault: false,
          },
        ],
      };
    }
    case "DescribeTargetHealthCommand": {
      const g = world.group(String(input.TargetGroupArn));
      return {
        TargetHealthDescriptions: [...g.targets.values()].map((t) => ({
          Target: { Id: t.ip, Port: t.port },
          TargetHealth: { State: t.state, ...(t.reason ? { Reason: t.reason } : {}) },
        })),
      };
    }
    case "DescribeListenersCommand": {
      const arns = (input.ListenerArns as string[]) ?? [];
      return {
        Listeners: arns.map((arn) => {
          const l = world.listeners.get(arn);
          if (!l) throw sdkError("ListenerNotFoundException", 400, "One or more listeners not found");
          return {
            ListenerArn: arn,
            Port: l.port,
            Protocol: "TCP",
            DefaultActions: [{ Type: "forward", TargetGroupArn: l.configured }],
          };
        }),
      };
    }
    case "ModifyListenerCommand": {
      if (faults.listenerChangesLost) return { Listeners: [] };
      const action = list(input.DefaultActions)[0];
      world.modifyListener(String(input.ListenerArn), String(action?.TargetGroupArn));
      return { Listeners: [] };
    }
    case "RegisterTargetsCommand":
      for (const t of list(input.Targets)) world.register(String(input.TargetGroupArn), String(t.Id), Number(t.Port));
      return {};
    case "DeregisterTargetsCommand":
      for (const t of list(input.Targets)) world.deregister(String(input.TargetGroupArn), String(t.Id), Number(t.Port));
      return {};
    default:
      throw new Error(`the simulation does not model ${command}`);
  }
}

/**
 * Real SDK clients whose every call is answered by the model, after its latency, in virtual
 * time, with the function's own retry strategy waiting on the model's clock until `deadline`.
 */
export function simulatedClients(
  world: SimWorld,
  sleep: (ms: number) => Promise<void>,
  faults: Faults,
  log: CallLog,
  deadline: () => number,
  epoch: number,
): { rds: RDSClient; elb: ElasticLoadBalancingV2Client; ec2: () => EC2Client } {
  const p = world.params.throttle;
  const buckets = {
    elbDescribe: new Bucket(...p.elbDescribe),
    elbChange: new Bucket(...p.elbChange),
    rds: new Bucket(...p.rds),
    ec2Describe: new Bucket(...p.ec2Describe),
  };
  const retryStrategy = () =>
    new RetryUntilDeadline({ now: () => epoch + world.now, sleep, deadline: () => deadline(), random: world.rng });
  // Every setting the SDK would otherwise load from the environment, config files or disk: real
  // I/O in a run would let the model's clock move while it is pending, and the first simulation
  // of a process would then differ from the next.
  const config = {
    region: "us-east-1",
    credentials: { accessKeyId: "sim", secretAccessKey: "sim" },
    defaultsMode: "standard" as const,
    authSchemePreference: [],
    maxAttempts: 5,
    retryMode: "standard",
    useDualstackEndpoint: false,
    useFipsEndpoint: false,
    userAgentAppId: "rds-privatelink-sim",
    defaultUserAgentProvider: async () => [["rds-privatelink-sim"]] as Array<[string, string?]>,
  };
  const wire = <T extends RDSClient | ElasticLoadBalancingV2Client | EC2Client>(
    client: T,
    service: "rds" | "elb" | "ec2",
  ): T => {
    const add = client.middlewareStack.addRelativeTo.bind(client.middlewareStack) as unknown as (
      middleware: (next: Handler, context: { commandName?: string }) => Handler,
      options: { relation: string; toMiddleware: string; name: string },
    ) => void;
    add(
      (_next, context) => async (args) => {
        const command = context.commandName ?? "unknown";
        await sleep(world.params.apiLatencyMs);
        const rds = service === "rds";
        const bucket =
          service === "ec2"
            ? buckets.ec2Describe
            : rds
              ? buckets.rds
              : command.startsWith("Describe")
                ? buckets.elbDescribe
                : buckets.elbChange;
        const second = world.now / 1000;
        const burst = (faults.throttleBursts ?? []).some(([from, to]) => second >= from && second < to);
        if (burst || !bucket.take(world.now)) {
          log.calls.push({ command, at: world.now, failed: "Throttling" });
          // RDS answers "Throttling", ELB "ThrottlingException", both "Rate exceeded"; EC2 "RequestLimitExceeded".
          if (service === "ec2") throw sdkError("RequestLimitExceeded", 503, "Request limit exceeded.");
          throw sdkError(rds ? "Throttling" : "ThrottlingException", 400, "Rate exceeded");
        }
        if (faults.serverError && world.rng() < faults.serverError) {
          log.calls.push({ command, at: world.now, failed: "ServiceUnavailable" });
          throw sdkError("ServiceUnavailable", 503, "Service Unavailable");
        }
        const input = (args as { input?: Record<string, unknown> }).input ?? {};
        const moves =
          command === "ModifyListenerCommand"
            ? {
                listener: String(input.ListenerArn),
                to: String(
                  (input.DefaultActions as Array<{ TargetGroupArn?: string }> | undefined)?.[0]?.TargetGroupArn,
                ),
              }
            : command === "RegisterTargetsCommand"
              ? { targets: ((input.Targets as Array<{ Id?: string }> | undefined) ?? []).map((t) => String(t.Id)) }
              : {};
        log.calls.push({ command, at: world.now, ...moves });
        const output = answer(world, command, input, log, faults);
        return { output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} };
      },
      // Inside the retries, before signing: the model needs no signature, and signing every
      // call would be most of a simulation's time.
      { relation: "before", toMiddleware: "httpSigningMiddleware", name: "simulatedAws" },
    );
    return client;
  };
  const ec2 = wire(new EC2Client({ ...config, retryStrategy: retryStrategy() }), "ec2");
  return {
    rds: wire(new RDSClient({ ...config, retryStrategy: retryStrategy() }), "rds"),
    elb: wire(new ElasticLoadBalancingV2Client({ ...config, retryStrategy: retryStrategy() }), "elb"),
    ec2: () => ec2,
  };
}
