// The one egress rule of whatever fronts the database (the NLB, or the resource gateway): the
// database port, to the database's security group when it is known, else within the VPC.
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { Construct } from "constructs";
import { ruleForEveryVpcCidr } from "./vpc-cidr-rules";

export interface DatabaseEgressProps {
  readonly securityGroupId: string;
  readonly databasePort: number;
  readonly databaseSecurityGroupId?: string;
  readonly vpcCidr: string;
  /** The VPC's other CIDRs (Network.secondaryCidrs): the fallback reaches a database in any of them. */
  readonly secondaryCidrs?: string[];
  readonly description: string;
}

/** Adds the rule to `scope` with the id EgressToDatabase (and EgressToDatabaseSecondary, one per secondary CIDR, when it goes by CIDR). */
export function egressToDatabase(scope: Construct, props: DatabaseEgressProps): void {
  const port = {
    securityGroupId: props.securityGroupId,
    fromPort: props.databasePort,
    toPort: props.databasePort,
    description: props.description,
  };
  if (props.databaseSecurityGroupId) {
    new VpcSecurityGroupEgressRule(scope, "EgressToDatabase", {
      ...port,
      referencedSecurityGroupId: props.databaseSecurityGroupId,
      ipProtocol: "tcp",
    });
    return;
  }
  ruleForEveryVpcCidr(scope, "EgressToDatabase", VpcSecurityGroupEgressRule, {
    ...port,
    primaryCidr: props.vpcCidr,
    secondaryCidrs: props.secondaryCidrs ?? [],
    secondaryDescription: `${props.description} (secondary VPC CIDR)`,
  });
}
