// The load balancer's CloudWatch metrics, named in one place: the AWS/NetworkELB namespace and
// the dimensions each metric is published with. Alarms and dashboards ask for a metric here
// instead of writing the namespace and dimensions again, as aws-cdk-lib's
// targetGroup.metrics.healthyHostCount() does (aws-elasticloadbalancingv2/lib/nlb/).
//
// Dimensions, as AWS documents them ("CloudWatch metrics for your Network Load Balancer"): flows
// and bytes per load balancer (and per AZ), healthy and unhealthy host counts per target group
// and load balancer. Nothing is published per listener.
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { Metric } from "./metric";

export const NETWORK_ELB_NAMESPACE = "AWS/NetworkELB";

export class LoadBalancerMetrics {
  /**
   * @param loadBalancerArnSuffix the LoadBalancer dimension: the ARN's suffix, net/<name>/<id>
   * @param targetGroups the groups that hold targets: only these have host counts worth reading
   */
  constructor(
    private readonly loadBalancerArnSuffix: string,
    private readonly targetGroups: readonly LbTargetGroup[],
  ) {}

  /** Targets of the group that pass their health checks. */
  healthyHostCount(group: LbTargetGroup): Metric {
    return this.perTargetGroup("HealthyHostCount", group);
  }

  /** Targets of the group that fail their health checks. */
  unhealthyHostCount(group: LbTargetGroup): Metric {
    return this.perTargetGroup("UnHealthyHostCount", group);
  }

  /** TCP flows open from clients to targets. */
  activeFlowCount(): Metric {
    return this.perLoadBalancer("ActiveFlowCount_TCP");
  }

  /** TCP flows opened from clients to targets. */
  newFlowCount(): Metric {
    return this.perLoadBalancer("NewFlowCount_TCP");
  }

  /** Reset (RST) packets sent from a target to a client. */
  tcpTargetResetCount(): Metric {
    return this.perLoadBalancer("TCP_Target_Reset_Count");
  }

  /** Bytes the load balancer processed over TCP. */
  processedBytes(): Metric {
    return this.perLoadBalancer("ProcessedBytes_TCP");
  }

  private perLoadBalancer(metricName: string): Metric {
    return { namespace: NETWORK_ELB_NAMESPACE, metricName, dimensions: { LoadBalancer: this.loadBalancerArnSuffix } };
  }

  private perTargetGroup(metricName: string, group: LbTargetGroup): Metric {
    // A group of another load balancer, or the fence group (it never holds a target), would give
    // a metric that reads nothing, or zero for ever.
    if (!this.targetGroups.includes(group)) {
      throw new Error(
        `${metricName}: target group ${group.node.path} is not one of this load balancer's groups that hold targets; ask the load balancer that owns it`,
      );
    }
    return {
      namespace: NETWORK_ELB_NAMESPACE,
      metricName,
      dimensions: { TargetGroup: group.arnSuffix, LoadBalancer: this.loadBalancerArnSuffix },
    };
  }
}
