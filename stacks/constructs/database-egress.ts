// The one egress rule of whatever fronts the database (the NLB, or the resource gateway): the
// database port, to the database's security group when it is known, else within the VPC.
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { TerraformIterator } from "cdktf";
import { Construct } from "constructs";

export interface DatabaseEgressProps {
  readonly securityGroupId: string;
  readonly databasePort: number;
  readonly databaseSecurityGroupId?: string;
  readonly vpcCidr: string;
  /** The VPC's other CIDRs (Network.secondaryCidrs): the fallback reaches a database in any of them. */
  readonly secondaryCidrs?: string[];
  readonly description: string;
}

/** Adds the rule to `scope` with the id EgressToDatabase (and EgressToDatabaseSecondary, one per secondary CIDR). */
export function egressToDatabase(scope: Construct, props: DatabaseEgressProps): VpcSecurityGroupEgressRule {
  if (!props.databaseSecurityGroupId && props.secondaryCidrs?.length) {
    const cidrs = TerraformIterator.fromList(props.secondaryCidrs);
    new VpcSecurityGroupEgressRule(scope, "EgressToDatabaseSecondary", {
      forEach: cidrs,
      securityGroupId: props.securityGroupId,
      cidrIpv4: cidrs.value,
      ipProtocol: "tcp",
      fromPort: props.databasePort,
      toPort: props.databasePort,
      description: `${props.description} (secondary VPC CIDR)`,
    });
  }
  return new VpcSecurityGroupEgressRule(scope, "EgressToDatabase", {
    securityGroupId: props.securityGroupId,
    ...(props.databaseSecurityGroupId ? { referencedSecurityGroupId: props.databaseSecurityGroupId } : { cidrIpv4: props.vpcCidr }),
    ipProtocol: "tcp",
    fromPort: props.databasePort,
    toPort: props.databasePort,
    description: props.description,
  });
}
