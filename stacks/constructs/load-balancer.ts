// The internal NLB in front of the database. For a cluster, every member sits warm in its own
// target group, so a failover only moves listeners; for a Multi-AZ instance, one group per role.
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { DataAwsLbListener } from "@cdktf/provider-aws/lib/data-aws-lb-listener";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, ref } from "cdktf";
import { Construct } from "constructs";
import type { Ports } from "../../config/resolve";
import { layoutGroups, switchedListeners, type TargetLayout } from "../../functions/failover-sync/layout";
import { egressToDatabase } from "./database-egress";
import { LoadBalancerMetrics } from "./load-balancer-metrics";
import { ruleForEveryVpcCidr } from "./vpc-cidr-rules";
import type { Network } from "./network";

export interface LoadBalancerProps {
  readonly name: string;
  readonly network: Network;
  /** The whole port layout; members and readerSets are empty for a Multi-AZ instance. */
  readonly ports: Ports;
  /** The database port, which the target groups and health checks use. */
  readonly databasePort: number;
  /** The database's security group; egress goes only there when known, else to the VPC CIDR. */
  readonly databaseSecurityGroupId?: string;
  readonly deletionProtection: boolean;
  /** Every listener's TCP idle timeout: an idle connection is reset after this. */
  readonly tcpIdleTimeoutSeconds: number;
}

export class LoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroupId: string;
  readonly writerListener: LbListener;
  /** Undefined when ports.reader is null (no reader listener). */
  readonly readerListener?: LbListener;
  /**
   * Which groups stand behind the writer and reader ports, and which listeners the failover
   * function switches: the layout its environment carries (functions/failover-sync/layout.ts).
   */
  readonly targets: TargetLayout<LbTargetGroup, LbListener>;
  /**
   * Every target group that holds targets, for alarms, dashboards and target grants: a
   * cluster's fence group (targets.fenceGroup) is not among them.
   */
  readonly targetGroups: LbTargetGroup[];
  /** Its CloudWatch metrics (AWS/NetworkELB), for alarms and dashboards: healthyHostCount(group), activeFlowCount(), ... */
  readonly metrics: LoadBalancerMetrics;

  private readonly tcpIdleTimeoutSeconds: number;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.tcpIdleTimeoutSeconds = props.tcpIdleTimeoutSeconds;
    const { name, network, ports } = props;
    const sg = new SecurityGroup(this, "SecurityGroup", {
      name: `${name}-nlb`,
      description: `PrivateLink load balancer of ${name}`,
      vpcId: network.vpcId,
      tags: { Name: `${name}-nlb` },
    });
    this.securityGroupId = sg.id;
    const ingress = (id: string, fromPort: number, toPort: number, description: string) =>
      ruleForEveryVpcCidr(this, id, VpcSecurityGroupIngressRule, {
        securityGroupId: sg.id,
        primaryCidr: network.vpcCidr,
        secondaryCidrs: network.secondaryCidrs,
        fromPort,
        toPort,
        description,
        secondaryDescription: `${description} (secondary CIDR)`,
      });
    for (const port of ports.reader === null ? [ports.writer] : [ports.writer, ports.reader]) {
      ingress(`Ingress${port}`, port, port, `Listener ${port} from the provider VPC`);
    }
    const block = [...ports.members, ...ports.readerSets];
    if (block.length > 0)
      ingress(
        "IngressMembers",
        block[0],
        block[block.length - 1],
        "Member and reader-set listeners from the provider VPC",
      );
    egressToDatabase(this, {
      securityGroupId: sg.id,
      databasePort: props.databasePort,
      databaseSecurityGroupId: props.databaseSecurityGroupId,
      vpcCidr: network.vpcCidr,
      secondaryCidrs: network.secondaryCidrs,
      description: "Database port only: traffic and health checks",
    });

    this.loadBalancer = new Lb(this, "LoadBalancer", {
      name: `${name}-nlb`,
      internal: true,
      loadBalancerType: "network",
      subnets: network.subnetIds,
      securityGroups: [sg.id],
      // Without cross-zone balancing, a consumer in a zone that holds no writer cannot connect.
      enableCrossZoneLoadBalancing: true,
      // Off on purpose: consumer CIDRs may overlap the provider's and each other, so source
      // addresses mean nothing here. Access is governed by allowed principals, connection
      // acceptance and each consumer's own endpoint security group.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: "off",
      enableDeletionProtection: props.deletionProtection,
      tags: { Name: `${name}-nlb` },
    });

    if (ports.members.length > 0) {
      // A listener per slot, not weighted forwarding: an NLB health-checks a group only while a
      // listener forwards to it, and AWS documents the same group behind several listeners of
      // one NLB. Weighted target groups on NLBs (Nov 2025) are newer than the pinned provider,
      // and whether a weight-0 group is health-checked is not documented. The member ports
      // double as instance-pinned endpoints; consumers keep them closed unless they ask.
      const memberGroups = ports.members.map((port, i) => {
        const group = this.targetGroup(`MemberTargetGroup${i}`, `${name}-m${i}`, props, 0);
        this.listener(`MemberListener${i}`, port, group);
        return group;
      });
      const readerSetGroups = ports.readerSets.map((port, i) => {
        const group = this.targetGroup(`ReaderSetTargetGroup${i}`, `${name}-r${i}`, props, 10);
        this.listener(`ReaderSetListener${i}`, port, group);
        return group;
      });
      // Where the writer port forwards while the cluster fails over: a group that never holds a
      // target, so new connections reach no node rather than the old writer, which Aurora brings
      // back as a read-only reader before it names the new one. No listener of its own: it has
      // nothing to health-check, and no alarm or chart reads it (it is not in targetGroups).
      const fenceGroup = this.targetGroup("FenceTargetGroup", `${name}-fence`, props, 0);
      // The failover function owns where these two forward; Terraform only creates them.
      this.writerListener = this.listener("WriterListener", ports.writer, memberGroups[0], true);
      if (ports.reader !== null)
        this.readerListener = this.listener("ReaderListener", ports.reader, readerSetGroups[0], true);
      this.targets = {
        kind: "cluster",
        writerListener: this.writerListener,
        readerListener: this.readerListener,
        memberGroups,
        readerSetGroups,
        fenceGroup,
      };
      // A plan during a failover finds the writer listener on the fence group, which every config keeps.
      this.refuseRemovingServedSlot("WriterListenerTarget", this.writerListener, "writer", [
        ...memberGroups,
        fenceGroup,
      ]);
      if (this.readerListener)
        this.refuseRemovingServedSlot("ReaderListenerTarget", this.readerListener, "reader", readerSetGroups);
    } else {
      const writerGroup = this.targetGroup("WriterTargetGroup", `${name}-writer`, props, 0);
      const readerGroup =
        ports.reader === null ? undefined : this.targetGroup("ReaderTargetGroup", `${name}-reader`, props, 10);
      this.targets = { kind: "instance", writerGroup, readerGroup };
      this.writerListener = this.listener("WriterListener", ports.writer, writerGroup);
      if (readerGroup && ports.reader !== null)
        this.readerListener = this.listener("ReaderListener", ports.reader, readerGroup);
    }
    this.targetGroups = layoutGroups(this.targets);
    this.metrics = new LoadBalancerMetrics(this.loadBalancer.arnSuffix, this.targetGroups);
  }

  /**
   * Safe shrinking. Fewer readers or member slots delete the highest slots' target groups; if
   * the function has switched a listener to one of them, the delete fails midway ("ResourceInUse:
   * Target group ... is currently in use by a listener", hashicorp/terraform-provider-aws#16889).
   * Terraform leaves these listeners' targets to the function, so it cannot move them first:
   * instead the plan reads where the listener forwards now and refuses, before anything
   * changes, when that group is not among the ones the config keeps.
   */
  private refuseRemovingServedSlot(
    id: string,
    listener: LbListener,
    role: "writer" | "reader",
    groups: readonly LbTargetGroup[],
  ): void {
    const current = "self.default_action[0].target_group_arn";
    new DataAwsLbListener(this, id, {
      arn: listener.arn,
      lifecycle: {
        postcondition: [
          {
            condition: Fn.contains(
              groups.map((g) => g.arn),
              ref(current),
            ),
            errorMessage:
              `The ${role} listener (port \${self.port}) forwards to \${${current}}, a member slot this change removes ` +
              "(provider.database.create.readers or provider.failover.memberSlots lowered). Fail the cluster over to a member that keeps its slot " +
              "(aws rds failover-db-cluster --target-db-instance-identifier <member>; the function's report lists the members by slot), " +
              "wait until the function has switched this listener, then plan again.",
          },
        ],
      },
    });
  }

  /** Listeners whose target the failover function switches (a cluster's writer and reader). */
  get switchedListeners(): LbListener[] {
    return switchedListeners(this.targets);
  }

  /** IAM statements that let a role move this load balancer's targets and switch its listeners. */
  targetChangeStatements(): Record<string, unknown>[] {
    const statements: Record<string, unknown>[] = [
      // Not on the fence group: it never holds a target, so no one may register one into it.
      {
        Sid: "ChangeTargets",
        Effect: "Allow",
        Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
        Resource: this.targetGroups.map((g) => g.arn),
      },
      // DescribeTargetHealth and DescribeListeners support no resource-level permissions.
      {
        Sid: "ReadTargets",
        Effect: "Allow",
        Action: ["elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeListeners"],
        Resource: "*",
      },
    ];
    const switched = this.switchedListeners;
    if (switched.length > 0) {
      // ModifyListener is authorized on the listener (its resource type in the Service
      // Authorization Reference, Elastic Load Balancing V2), not on the group it forwards to:
      // every switch between member groups relies on that, and so does the one to the fence group.
      statements.push({
        Sid: "SwitchListeners",
        Effect: "Allow",
        Action: "elasticloadbalancing:ModifyListener",
        Resource: switched.map((l) => l.arn),
      });
    }
    return statements;
  }

  private targetGroup(
    id: string,
    tgName: string,
    props: LoadBalancerProps,
    deregistrationDelay: number,
  ): LbTargetGroup {
    return new LbTargetGroup(this, id, {
      name: tgName,
      targetType: "ip",
      protocol: "TCP",
      // The database's port, not the listener's: the NLB forwards to the instance itself.
      port: props.databasePort,
      vpcId: props.network.vpcId,
      // A target that leaves must cut its connections at once, so clients reconnect elsewhere.
      connectionTermination: true,
      deregistrationDelay: String(deregistrationDelay),
      healthCheck: {
        enabled: true,
        protocol: "TCP",
        port: "traffic-port",
        interval: 10,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
      tags: { Name: tgName },
    });
  }

  private listener(id: string, port: number, targetGroup: LbTargetGroup, switchedAtRunTime = false): LbListener {
    return new LbListener(this, id, {
      loadBalancerArn: this.loadBalancer.arn,
      port,
      protocol: "TCP",
      tcpIdleTimeoutSeconds: this.tcpIdleTimeoutSeconds,
      defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      // The failover function moves this listener between warm groups. Without this, every plan
      // after a failover would move it back to the group it was created with.
      lifecycle: switchedAtRunTime ? { ignoreChanges: ["default_action"] } : undefined,
    });
  }
}
