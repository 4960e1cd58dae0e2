// The one seam between the function's real code and the simulated AWS: a middleware on the real
// SDK clients, in the deserialize step ahead of the deserializer, that answers each command from
// the model instead of sending it. Everything above it is the function's own code and the SDK's:
// the handler, sync, topology, plan, apply, the command objects and the retry loop. Why here and
// not in front of moto: moto answers at once and knows nothing of health checks or time, and a
// layer in front of it would still need this model; why not an HTTP handler: the answers would
// have to be written as ELB and RDS XML, which adds nothing to what the function sees.
import { DEFAULT_RETRY_DELAY_BASE, MAXIMUM_RETRY_DELAY, THROTTLING_RETRY_DELAY_BASE } from "@smithy/core/retry";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { SimWorld } from "./world";

export interface Faults {
  /** Chance that a call fails with ThrottlingException (400). */
  readonly throttle?: number;
  /** Chance that a call fails with a 503. */
  readonly serverError?: number;
  /** A broken world, for testing the measure: ModifyListener answers success and changes nothing. */
  readonly listenerChangesLost?: boolean;
}

export interface CallLog {
  /** Every attempt, by command name, in order, with its virtual time. */
  readonly calls: Array<{ command: string; at: number; failed?: string }>;
  /** When the last cluster or instance read was answered. */
  lastTopologyReadAt: number;
}

type Handler = (args: unknown) => Promise<unknown>;

const sdkError = (name: string, status: number, message: string) =>
  Object.assign(new Error(message), { name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status } });

/**
 * The SDK's standard retry mode in virtual time: up to maxAttempts, full-jitter exponential
 * backoff from the SDK's own base delays (100 ms, 500 ms for throttling, at most 20 s). The
 * wait moves the model's clock instead of a timer.
 */
function virtualRetry(world: SimWorld, maxAttempts: number) {
  type Token = { count: number; getRetryCount(): number; getRetryDelay(): number };
  const token = (count: number): Token => ({ count, getRetryCount: () => count, getRetryDelay: () => 0 });
  return {
    mode: "standard",
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (t: Token, info: { errorType: string }) => {
      const retryable = ["THROTTLING", "TRANSIENT", "SERVER_ERROR"].includes(info.errorType);
      if (!retryable || t.count + 1 >= maxAttempts) throw new Error("No retry token available");
      const base = info.errorType === "THROTTLING" ? THROTTLING_RETRY_DELAY_BASE : DEFAULT_RETRY_DELAY_BASE;
      world.advance(Math.floor(world.rng() * Math.min(MAXIMUM_RETRY_DELAY, base * 2 ** t.count)));
      return token(t.count + 1);
    },
    recordSuccess: () => undefined,
  };
}

function answer(world: SimWorld, command: string, input: Record<string, unknown>, log: CallLog, faults: Faults): Record<string, unknown> {
  const list = (v: unknown) => (Array.isArray(v) ? (v as Array<Record<string, unknown>>) : []);
  switch (command) {
    case "DescribeDBClustersCommand": {
      log.lastTopologyReadAt = world.now;
      const c = world.clusters.get(String(input.DBClusterIdentifier));
      if (!c) throw sdkError("DBClusterNotFoundFault", 404, `DBCluster ${String(input.DBClusterIdentifier)} not found.`);
      return {
        DBClusters: [
          {
            DBClusterIdentifier: c.id,
            Status: c.status,
            ...(c.replicationSource ? { ReplicationSourceIdentifier: c.replicationSource } : {}),
            DBClusterMembers: c.members.map((id) => ({ DBInstanceIdentifier: id, IsClusterWriter: id === c.writer && c.status !== "failing-over", PromotionTier: world.instances.get(id)?.tier ?? 1 })),
          },
        ],
      };
    }
    case "DescribeDBInstancesCommand": {
      log.lastTopologyReadAt = world.now;
      const filter = list(input.Filters).find((f) => f.Name === "db-cluster-id");
      const wanted = filter ? [...world.instances.values()].filter((i) => (filter.Values as string[]).includes(i.clusterId ?? "")) : [...world.instances.values()].filter((i) => i.id === input.DBInstanceIdentifier);
      if (!filter && wanted.length === 0) throw sdkError("DBInstanceNotFoundFault", 404, `DBInstance ${String(input.DBInstanceIdentifier)} not found.`);
      return {
        DBInstances: wanted.map((i) => ({
          DBInstanceIdentifier: i.id,
          DBInstanceStatus: i.status,
          DBClusterIdentifier: i.clusterId,
          AvailabilityZone: world.hosts.get(i.ip)?.az,
          Endpoint: { Address: SimWorld.address(i.id), Port: 3306 },
        })),
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
          return { ListenerArn: arn, Port: l.port, Protocol: "TCP", DefaultActions: [{ Type: "forward", TargetGroupArn: l.configured }] };
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

/** Real SDK clients whose every call is answered by the model, after its latency, in virtual time. */
export function simulatedClients(world: SimWorld, faults: Faults, log: CallLog, maxAttempts = 5): { rds: RDSClient; elb: ElasticLoadBalancingV2Client } {
  const config = { region: "us-east-1", credentials: { accessKeyId: "sim", secretAccessKey: "sim" }, maxAttempts, retryStrategy: virtualRetry(world, maxAttempts) };
  const wire = <T extends RDSClient | ElasticLoadBalancingV2Client>(client: T): T => {
    const add = client.middlewareStack.add.bind(client.middlewareStack) as unknown as (
      middleware: (next: Handler, context: { commandName?: string }) => Handler,
      options: { step: string; priority: string; name: string },
    ) => void;
    add(
      (_next, context) => async (args) => {
        const command = context.commandName ?? "unknown";
        world.advance(world.params.apiLatencyMs);
        const roll = world.rng();
        if (faults.throttle && roll < faults.throttle) {
          log.calls.push({ command, at: world.now, failed: "ThrottlingException" });
          throw sdkError("ThrottlingException", 400, "Rate exceeded");
        }
        if (faults.serverError && roll > 1 - faults.serverError) {
          log.calls.push({ command, at: world.now, failed: "ServiceUnavailable" });
          throw sdkError("ServiceUnavailable", 503, "Service Unavailable");
        }
        log.calls.push({ command, at: world.now });
        const output = answer(world, command, (args as { input?: Record<string, unknown> }).input ?? {}, log, faults);
        return { output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} };
      },
      { step: "deserialize", priority: "high", name: "simulatedAws" },
    );
    return client;
  };
  return { rds: wire(new RDSClient(config)), elb: wire(new ElasticLoadBalancingV2Client(config)) };
}
