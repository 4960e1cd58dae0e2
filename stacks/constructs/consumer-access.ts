// What a consumer's way in looks like with either transport: the endpoint's security group (one
// ingress rule per port and source, keyed by the source's value, so that removing a CIDR removes
// its rules and touches no other; nothing is open unless the config lists it) and the private
// zone of the friendly names.
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import type { ConsumerPorts } from "../../config/resolve";
import type { ConsumerConfig } from "../../config/schema";

export interface EndpointSecurityGroupProps {
  readonly namePrefix: string;
  readonly shareName: string;
  readonly consumer: ConsumerConfig;
  readonly ports: ConsumerPorts;
  readonly vpcId: string;
}

/** A construct id from a value (a CIDR or a security group id): ids may not hold "/". */
const idOf = (value: string) => value.replace(/[^\w-]/g, "_");

/**
 * Adds the group and its rules to `scope` (ids SecurityGroup, Ingress-<port>-<source>,
 * IngressMembers-<source>). previousIds maps each resource to its address before the consumer
 * endpoint construct held it, for the consumer stack's moved blocks.
 */
export function endpointSecurityGroup(
  scope: Construct,
  props: EndpointSecurityGroupProps,
): { securityGroup: SecurityGroup; previousIds: Map<TerraformResource, string> } {
  const { consumer, ports, namePrefix } = props;
  const previousIds = new Map<TerraformResource, string>();
  const securityGroup = new SecurityGroup(scope, "SecurityGroup", {
    name: `${namePrefix}-endpoint`,
    description: `Endpoint to the ${props.shareName} database`,
    vpcId: props.vpcId,
    tags: { Name: `${namePrefix}-endpoint` },
  });
  previousIds.set(securityGroup, "EndpointSecurityGroup");
  const allow = (
    ruleId: string,
    source: string,
    peer: { cidrIpv4: string } | { referencedSecurityGroupId: string },
    from: number,
    to: number,
    what: string,
  ) =>
    new VpcSecurityGroupIngressRule(scope, ruleId, {
      securityGroupId: securityGroup.id,
      ...peer,
      ipProtocol: "tcp",
      fromPort: from,
      toPort: to,
      description: `${what} from ${source}`,
    });
  // The resource transport gives the writer and the reader one port (the database's): one rule.
  for (const port of new Set(ports.reader === null ? [ports.writer] : [ports.writer, ports.reader])) {
    consumer.allowedCidrs.forEach((cidr, i) => {
      const rule = allow(
        `Ingress-${port}-${idOf(cidr)}`,
        cidr,
        { cidrIpv4: cidr },
        port,
        port,
        `Database port ${port}`,
      );
      previousIds.set(rule, `Ingress${port}Cidr${i}`);
    });
    for (const group of consumer.allowedSecurityGroupIds) {
      const rule = allow(
        `Ingress-${port}-${group}`,
        group,
        { referencedSecurityGroupId: group },
        port,
        port,
        `Database port ${port}`,
      );
      previousIds.set(rule, `Ingress${port}${group}`);
    }
  }
  if (consumer.memberPorts && ports.members.length > 0) {
    const [from, to] = [ports.members[0], ports.members[ports.members.length - 1]];
    for (const cidr of consumer.allowedCidrs)
      allow(`IngressMembers-${idOf(cidr)}`, cidr, { cidrIpv4: cidr }, from, to, `Member ports ${from}-${to}`);
    for (const group of consumer.allowedSecurityGroupIds)
      allow(
        `IngressMembers-${group}`,
        group,
        { referencedSecurityGroupId: group },
        from,
        to,
        `Member ports ${from}-${to}`,
      );
  }
  return { securityGroup, previousIds };
}

/** The consumer's private zone (id PrivateZone), attached to its VPC, for writer.<zone> and reader.<zone>. */
export function friendlyNamesZone(
  scope: Construct,
  props: { zoneName: string; shareName: string; vpcId: string },
): Route53Zone {
  return new Route53Zone(scope, "PrivateZone", {
    name: props.zoneName,
    comment: `Friendly names for the ${props.shareName} database`,
    vpc: [{ vpcId: props.vpcId }],
  });
}
