// What moto (the AWS emulator of the e2e tier) gets wrong, and the test-only switch that keeps
// it out of the emulated apply. The product is never changed for the emulator: this edits a
// copy of the synthesized JSON. docs/emulator-gaps.md lists the same entries for people.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export interface ResourceGap {
  readonly resource: string;
  readonly api: string;
  readonly what: string;
  /**
   * Only the resources of this type under a construct of this id (a segment of cdktf's
   * metadata path, such as provider/Default/Descriptor/ParameterAssociation); absent: every one of the type.
   */
  readonly within?: string;
}

export interface AttributeGap extends ResourceGap {
  readonly attribute: string;
}

/** Resources left out of the emulated apply: moto cannot hold them. */
export const MISSING_RESOURCES: ResourceGap[] = [
  {
    resource: "aws_vpc_endpoint_service_allowed_principal",
    api: "ec2:DescribeVpcEndpointServicePermissions",
    what: "the permission moto stores is not returned in the shape the provider reads back, so the provider reports the resource gone right after creating it",
  },
  {
    resource: "aws_flow_log",
    api: "ec2:CreateFlowLogs",
    what: 'moto compares MaxAggregationInterval, which arrives as a number, with the strings "60" and "600", and refuses every value',
  },
  // The share descriptor's RAM pieces only: the resource transport's own associations (its
  // configurations and principals) are kept as written, and that transport is not deployed to
  // the emulator anyway (e2e-shares.test.ts). The parameter itself is applied.
  {
    resource: "aws_ram_resource_share",
    api: "ram:ListResourceSharePermissions, ram:GetResourceShares",
    what: 'ListResourceSharePermissions, which the provider reads after every create and refresh, is not implemented (the server answers 404), and GetResourceShares filtered by one ARN answers every share of the account, so the provider\'s wait after a second share fails with "too many results: wanted 1, got 2"',
    within: "Descriptor",
  },
  {
    resource: "aws_ram_resource_association",
    api: "ram:AssociateResourceShare",
    what: 'not implemented (the server answers 404), and RAM cannot share an SSM parameter there: create_resource_share with a parameter ARN answers MalformedArnException "You cannot share the selected resource type"',
    within: "Descriptor",
  },
  {
    resource: "aws_ram_principal_association",
    api: "ram:AssociateResourceShare",
    what: "not implemented (the server answers 404)",
    within: "Descriptor",
  },
];

/** Attributes moto does not return, ignored in the emulated plan so it can report no changes. */
export const UNREAD_ATTRIBUTES: AttributeGap[] = [
  {
    resource: "aws_lambda_function",
    attribute: "logging_config",
    api: "lambda:GetFunction",
    what: "LoggingConfig is not stored or returned",
  },
  {
    resource: "aws_lb",
    attribute: "enforce_security_group_inbound_rules_on_private_link_traffic",
    api: "elbv2:DescribeLoadBalancers",
    what: "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic is not returned",
  },
  {
    resource: "aws_vpc_endpoint_service",
    attribute: "supported_ip_address_types",
    api: "ec2:DescribeVpcEndpointServiceConfigurations",
    what: "SupportedIpAddressTypes is not returned",
  },
  {
    resource: "aws_vpc_security_group_egress_rule",
    attribute: "referenced_security_group_id",
    api: "ec2:DescribeSecurityGroupRules",
    what: "ReferencedGroupInfo.GroupId comes back as <account>/<group id>",
  },
  {
    resource: "aws_vpc_security_group_ingress_rule",
    attribute: "referenced_security_group_id",
    api: "ec2:DescribeSecurityGroupRules",
    what: "ReferencedGroupInfo.GroupId comes back as <account>/<group id>",
  },
];

UNREAD_ATTRIBUTES.push(
  {
    resource: "aws_lambda_function",
    attribute: "kms_key_arn",
    api: "lambda:GetFunction",
    what: "KMSKeyArn is not returned",
  },
  {
    resource: "aws_sqs_queue",
    attribute: "redrive_policy",
    api: "sqs:GetQueueAttributes",
    what: "RedrivePolicy comes back re-serialized by Python's json.dumps, with a space after every ',' and ':'",
  },
  {
    resource: "aws_rds_cluster",
    attribute: "scaling_configuration",
    api: "rds:DescribeDBClusters",
    what: "a provisioned cluster comes back with a serverless v1 ScalingConfigurationInfo",
  },
  {
    resource: "aws_rds_cluster_instance",
    attribute: "performance_insights_enabled",
    api: "rds:DescribeDBInstances",
    what: "Performance Insights settings are not stored",
  },
  {
    resource: "aws_rds_cluster_instance",
    attribute: "performance_insights_kms_key_id",
    api: "rds:DescribeDBInstances",
    what: "same",
  },
  {
    resource: "aws_rds_cluster_instance",
    attribute: "performance_insights_retention_period",
    api: "rds:DescribeDBInstances",
    what: "same",
  },
  {
    resource: "aws_db_parameter_group",
    attribute: "parameter",
    api: "rds:DescribeDBParameters",
    what: "a parameter is stored as ModifyDBParameterGroup sent it, without Source, and the Source filter is ignored; the provider's read of the user-set parameters comes back without it",
  },
  {
    resource: "aws_vpc_security_group_egress_rule",
    attribute: "description",
    api: "ec2:DescribeSecurityGroupRules",
    what: "the description of a rule that references a security group is dropped",
  },
  {
    resource: "aws_vpc_security_group_ingress_rule",
    attribute: "description",
    api: "ec2:DescribeSecurityGroupRules",
    what: "the description of a rule that references a security group is dropped",
  },
);

/** Lambda Invoke needs Docker in moto; its simple backend answers instead (set through /moto-api/config). */
export const LAMBDA_INVOKE_GAP = {
  resource: "aws_lambda_invocation",
  api: "lambda:Invoke",
  what: "moto runs functions only in Docker; the e2e tier switches moto to its Docker-free Lambda backend, which answers without running the code, and runs the deployed bundle itself in the failover drill",
};

/** Applies the test-only switch to a synthesized stack directory. */
export function forEmulator(dir: string): void {
  const file = path.join(dir, "cdk.tf.json");
  const stack = JSON.parse(readFileSync(file, "utf8"));
  for (const gap of MISSING_RESOURCES) {
    const byName: Record<string, { "//"?: { metadata?: { path?: string } } }> | undefined =
      stack.resource?.[gap.resource];
    if (!byName) continue;
    for (const [name, block] of Object.entries(byName))
      if (gap.within === undefined || (block["//"]?.metadata?.path ?? "").split("/").includes(gap.within))
        delete byName[name];
    if (Object.keys(byName).length === 0) delete stack.resource[gap.resource];
  }
  for (const gap of UNREAD_ATTRIBUTES) {
    for (const resource of Object.values<Record<string, unknown>>(stack.resource?.[gap.resource] ?? {})) {
      resource.lifecycle ??= {};
      const lifecycle = resource.lifecycle as { ignore_changes?: string[] };
      lifecycle.ignore_changes = [...(lifecycle.ignore_changes ?? []), gap.attribute];
    }
  }
  writeFileSync(file, JSON.stringify(stack, null, 2));
}
