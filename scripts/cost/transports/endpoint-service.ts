// The endpoint-service transport's lines of the cost estimate: the NLB, the failover function and
// its alarms, and each consumer's interface endpoint and RDS name zones.
import { METRICS } from "../../../functions/failover-sync/telemetry";
import { ALARMS_PER_LAYOUT, FUNCTION_MEMORY_MB } from "../../../stacks/constructs/sizes";
import type { ShareConfig } from "../../../config/resolve";
import type { CostRow, TransportCost } from "./transport";

export const ENDPOINT_SERVICE_COST: TransportCost = {
  provider(config, a, table) {
    const provider = config.provider;
    const consumers = config.consumers.length;
    const totalGb = a.gbPerConsumer * consumers;
    const units = table.capacityUnits;
    // An hour is billed on its busiest dimension; traffic is assumed spread evenly over the month.
    const perHour = Math.max(
      totalGb / a.hours / units.gbPerHour,
      (a.connectionsPerConsumer * consumers) / units.activeFlows,
    );
    // The schedule's runs (RDS events add a few). Each run of the run queue lasts its work
    // (functionMs) and then watches the database for watchSeconds. Runs are serial (one FIFO
    // message group): one that outlasts the schedule's period serves the messages queued
    // meanwhile as one batch, so a month holds at most its own seconds of runs.
    const { reconcileEveryMinutes } = provider.failover;
    // Behind a proxy a run reads the proxy once and ends: nothing watches.
    const watchSeconds = provider.database.proxy ? 0 : provider.failover.watchSeconds;
    const runSeconds = a.functionMs / 1000;
    const runs = (a.hours * 3600) / Math.max(reconcileEveryMinutes * 60, runSeconds + watchSeconds);
    const gb = FUNCTION_MEMORY_MB / 1024;
    return [
      ["load balancer hours", a.hours, "nlbHour"],
      ["load balancer capacity units (NLCU-hours)", perHour * a.hours, "nlcuHour"],
      ["failover function runs (millions)", runs / 1e6, "lambdaMillionRequests"],
      ["failover function compute (GB-seconds)", runs * runSeconds * gb, "lambdaArmGbSecond"],
      // A line of its own: what watching costs, which failover.watchSeconds 0 brings to nothing.
      ["failover function watching (GB-seconds)", runs * watchSeconds * gb, "lambdaArmGbSecond"],
      ["failover function metrics", Object.keys(METRICS).length, "customMetricMonth"],
      ["alarms", ALARMS_PER_LAYOUT[provider.database.proxy ? "proxy" : provider.database.kind], "alarmMonth"],
      ...proxyRows(config.provider.database, a.hours),
    ];
  },
  consumer(config, consumer, a, zones) {
    const provider = config.provider;
    const endpoint: CostRow[] = [
      [`interface endpoint hours (${zones} AZs)`, zones * a.hours, "interfaceEndpointAzHour"],
      ["data processed (GB)", a.gbPerConsumer, "interfaceEndpointGb"],
    ];
    // One zone per RDS name the consumer's VPC answers: the writer's, a cluster's reader
    // endpoint, and with memberPorts one per member (a member slot each, as an estimate).
    const names = ["writer", ...(provider.database.kind === "cluster" ? ["reader"] : [])];
    const instances = consumer.memberPorts ? provider.ports.members.length : 0;
    if (instances > 0) names.push(`${instances} instances`);
    return {
      endpoint,
      names: [
        [
          `RDS name hosted zones (${names.join(", ")})`,
          names.length - (instances > 0 ? 1 : 0) + instances,
          "hostedZoneMonth",
        ],
      ],
    };
  },
};

/**
 * RDS Proxy bills each vCPU of the database's instances by the hour, with a minimum of 2 vCPUs
 * (config/prices.json names the sources). A created database's vCPUs follow from its instance
 * class's size; an existing database's are not in the config, so its line is the minimum, and says so.
 */
function proxyRows(database: ShareConfig["config"]["provider"]["database"], hours: number): CostRow[] {
  if (!database.proxy) return [];
  const create = database.create;
  if (!create)
    return [
      [
        "RDS Proxy, at least (2 vCPUs, the minimum: an existing database's vCPUs are not in the config)",
        2 * hours,
        "rdsProxyVcpuHour",
      ],
    ];
  const instances = database.kind === "cluster" ? 1 + create.readers : 1;
  const vcpus = Math.max(2, instanceVcpus(create.instanceClass)) * instances;
  return [[`RDS Proxy (${instances} x ${create.instanceClass}, ${vcpus} vCPUs)`, vcpus * hours, "rdsProxyVcpuHour"]];
}

/**
 * vCPUs of an RDS instance class by its size: micro to large 2, xlarge 4, then 4 per "x" (Amazon
 * RDS User Guide, "Hardware specifications for DB instance classes": db.r6g.large 2,
 * db.r6g.xlarge 4, db.r6g.2xlarge 8, ...; db.t4g.micro to medium 2).
 */
export function instanceVcpus(instanceClass: string): number {
  const size = instanceClass.split(".")[2] ?? "";
  if (["micro", "small", "medium", "large"].includes(size)) return 2;
  if (size === "xlarge") return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? 4 * Number(m[1]) : 2;
}
