// The load balancer's metrics, asked of the construct alone: the namespace and dimensions AWS
// publishes them with, each dimension a reference to this load balancer or one of its groups.
import { TerraformOutput } from "cdktf";
import { LoadBalancer } from "../../../stacks/constructs/load-balancer";
import { metricRow } from "../../../stacks/constructs/metric";
import type { Json } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";

const LB = /^\$\{aws_lb\.LoadBalancer_[A-F0-9]+\.arn_suffix\}$/;
const group = (id: string) => new RegExp(`^\\$\\{aws_lb_target_group\\.LoadBalancer_${id}_[A-F0-9]+\\.arn_suffix\\}$`);

/** The demo's load balancer (two member slots, or a Multi-AZ instance), and what `ask` synthesizes as outputs. */
function build(ask: (lb: LoadBalancer) => Record<string, unknown>, instance = false): Json {
  const config = demoConfig((c) => {
    if (instance) {
      c.provider.database = { engine: "mysql", create: {} };
      c.provider.ports = {};
    } else c.provider.failover.memberSlots = 2;
  });
  return synthConstruct((scope) => {
    const lb = new LoadBalancer(scope, "LoadBalancer", {
      name: config.name,
      network: demoNetwork(scope, config),
      ports: config.provider.ports,
      databasePort: 3306,
      deletionProtection: true,
      tcpIdleTimeoutSeconds: 350,
    });
    for (const [name, value] of Object.entries(ask(lb))) new TerraformOutput(scope, name, { value });
  }).json.output;
}

describe("LoadBalancerMetrics, alone", () => {
  it("gives host counts per target group and load balancer, in AWS/NetworkELB", () => {
    const out = build((lb) => {
      const layout = lb.targets.kind === "cluster" ? lb.targets : undefined;
      const healthy = lb.metrics.healthyHostCount(layout!.memberGroups[1]);
      return {
        healthy,
        unhealthy: lb.metrics.unhealthyHostCount(layout!.readerSetGroups[0]),
        row: metricRow(healthy, {}),
      };
    });
    expect(out.healthy.value).toMatchObject({ namespace: "AWS/NetworkELB", metricName: "HealthyHostCount" });
    expect(out.unhealthy.value).toMatchObject({ namespace: "AWS/NetworkELB", metricName: "UnHealthyHostCount" });
    // The dashboard lists the dimensions in this order (outputs sort an object's keys; a row keeps them).
    expect(out.row.value.filter((_: unknown, i: number) => i === 2 || i === 4)).toEqual([
      "TargetGroup",
      "LoadBalancer",
    ]);
    expect(out.healthy.value.dimensions.TargetGroup).toMatch(group("MemberTargetGroup1"));
    expect(out.unhealthy.value.dimensions.TargetGroup).toMatch(group("ReaderSetTargetGroup0"));
    expect(out.healthy.value.dimensions.LoadBalancer).toMatch(LB);
  });

  it("gives flows, resets and bytes per load balancer only, as AWS publishes nothing per listener", () => {
    const out = build((lb) => ({
      active: lb.metrics.activeFlowCount(),
      fresh: lb.metrics.newFlowCount(),
      resets: lb.metrics.tcpTargetResetCount(),
      bytes: lb.metrics.processedBytes(),
    }));
    const names = Object.fromEntries(Object.entries(out).map(([name, o]) => [name, (o as Json).value.metricName]));
    expect(names).toEqual({
      active: "ActiveFlowCount_TCP",
      fresh: "NewFlowCount_TCP",
      resets: "TCP_Target_Reset_Count",
      bytes: "ProcessedBytes_TCP",
    });
    for (const o of Object.values(out) as Json[]) {
      expect(o.value.namespace).toBe("AWS/NetworkELB");
      expect(Object.keys(o.value.dimensions)).toEqual(["LoadBalancer"]);
      expect(o.value.dimensions.LoadBalancer).toMatch(LB);
    }
  });

  it("gives a Multi-AZ instance's writer group its host counts", () => {
    const out = build(
      (lb) => ({
        healthy: lb.metrics.healthyHostCount(
          lb.targets.kind === "instance" ? lb.targets.writerGroup : lb.targetGroups[0],
        ),
      }),
      true,
    );
    expect(out.healthy.value.dimensions.TargetGroup).toMatch(group("WriterTargetGroup"));
  });

  it("refuses the fence group, which never holds a target, in one line that names it", () => {
    expect(() =>
      build((lb) => ({
        fence: lb.metrics.healthyHostCount(lb.targets.kind === "cluster" ? lb.targets.fenceGroup! : lb.targetGroups[0]),
      })),
    ).toThrow(
      /^HealthyHostCount: target group .*LoadBalancer\/FenceTargetGroup is not one of this load balancer's groups that hold targets/,
    );
  });

  it("lays a metric out as a dashboard row: namespace, name, dimension pairs in order, then the options", () => {
    const row = metricRow(
      {
        namespace: "AWS/NetworkELB",
        metricName: "HealthyHostCount",
        dimensions: { TargetGroup: "tg", LoadBalancer: "lb" },
      },
      { label: "slot 0" },
    );
    expect(row).toEqual([
      "AWS/NetworkELB",
      "HealthyHostCount",
      "TargetGroup",
      "tg",
      "LoadBalancer",
      "lb",
      { label: "slot 0" },
    ]);
  });
});
