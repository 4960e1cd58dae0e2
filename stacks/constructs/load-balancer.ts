// The internal NLB in front of the database: one IP target group and listener per role.
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { Ports } from "../../config/schema";
import { Network } from "./network";

export interface LoadBalancerProps {
  readonly name: string;
  readonly network: Network;
  readonly ports: Ports;
  /** The database port, which the target groups and health checks use. */
  readonly databasePort: number;
  /** The database's security group; egress goes only there when known, else to the VPC CIDR. */
  readonly databaseSecurityGroupId?: string;
  readonly deletionProtection: boolean;
}

export class LoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly securityGroupId: string;
  readonly writerTargetGroup: LbTargetGroup;
  /** Undefined when ports.reader is null (no reader listener). */
  readonly readerTargetGroup?: LbTargetGroup;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const { name, network, ports } = props;
    const sg = new SecurityGroup(this, "SecurityGroup", {
      name: `${name}-nlb`,
      description: `PrivateLink load balancer of ${name}`,
      vpcId: network.vpcId,
      tags: { Name: `${name}-nlb` },
    });
    this.securityGroupId = sg.id;
    const listenerPorts = ports.reader === null ? [ports.writer] : [ports.writer, ports.reader];
    for (const port of listenerPorts) {
      new VpcSecurityGroupIngressRule(this, `Ingress${port}`, {
        securityGroupId: sg.id,
        cidrIpv4: network.vpcCidr,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: `Listener ${port} from the provider VPC`,
      });
    }
    new VpcSecurityGroupEgressRule(this, "EgressToDatabase", {
      securityGroupId: sg.id,
      ...(props.databaseSecurityGroupId ? { referencedSecurityGroupId: props.databaseSecurityGroupId } : { cidrIpv4: network.vpcCidr }),
      ipProtocol: "tcp",
      fromPort: props.databasePort,
      toPort: props.databasePort,
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

    this.writerTargetGroup = this.targetGroup("Writer", `${name}-writer`, props, 0);
    this.listener("Writer", ports.writer, this.writerTargetGroup);
    if (ports.reader !== null) {
      this.readerTargetGroup = this.targetGroup("Reader", `${name}-reader`, props, 10);
      this.listener("Reader", ports.reader, this.readerTargetGroup);
    }
  }

  private targetGroup(role: string, tgName: string, props: LoadBalancerProps, deregistrationDelay: number): LbTargetGroup {
    return new LbTargetGroup(this, `${role}TargetGroup`, {
      name: tgName,
      targetType: "ip",
      protocol: "TCP",
      // The database's port, not the listener's: the NLB forwards to the instance itself.
      port: props.databasePort,
      vpcId: props.network.vpcId,
      // A failover must cut old connections at once, so clients reconnect to the new writer.
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

  private listener(role: string, port: number, targetGroup: LbTargetGroup): LbListener {
    return new LbListener(this, `${role}Listener`, {
      loadBalancerArn: this.loadBalancer.arn,
      port,
      protocol: "TCP",
      defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
    });
  }
}
