// One security-group rule for every CIDR of the VPC: the primary block's rule keeps its address,
// and the other blocks (an existing VPC's secondary ones, read at plan time) get one each from a
// for_each rule beside it, `<id>Secondary`.
import type { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformIterator } from "cdktf";
import type { Construct } from "constructs";

export interface VpcCidrRuleProps {
  readonly securityGroupId: string;
  readonly primaryCidr: string;
  /** Network.secondaryCidrs; empty for a created VPC. */
  readonly secondaryCidrs: string[];
  readonly fromPort: number;
  readonly toPort: number;
  readonly description: string;
  readonly secondaryDescription: string;
}

type Rule = typeof VpcSecurityGroupIngressRule | typeof VpcSecurityGroupEgressRule;

export function ruleForEveryVpcCidr(scope: Construct, id: string, Rule: Rule, props: VpcCidrRuleProps): void {
  const port = {
    securityGroupId: props.securityGroupId,
    ipProtocol: "tcp",
    fromPort: props.fromPort,
    toPort: props.toPort,
  };
  new Rule(scope, id, { ...port, cidrIpv4: props.primaryCidr, description: props.description });
  if (props.secondaryCidrs.length === 0) return;
  const secondary = TerraformIterator.fromList(props.secondaryCidrs);
  new Rule(scope, `${id}Secondary`, {
    ...port,
    forEach: secondary,
    cidrIpv4: secondary.value,
    description: props.secondaryDescription,
  });
}
