// An account with `endpoint` (the emulator) sends every AWS call of its stack there: the AWS
// provider's endpoints block must name the service of every resource and data source the stacks
// use. A service left out is called at AWS itself, which an offline machine cannot resolve and
// which, with credentials, would act on a real account.
import { AWS_SERVICES } from "../../stacks/aws";
import { type Json, synthesize } from "../helpers";
import { EXAMPLES } from "../terraform/matrix";

/** The provider's endpoints key of each resource type, by the type's prefix: the first that matches. */
const SERVICE_OF_PREFIX: Array<[RegExp, string]> = [
  [/^aws_cloudwatch_log_/, "cloudwatchlogs"],
  [/^aws_cloudwatch_event_/, "events"],
  [/^aws_cloudwatch_/, "cloudwatch"],
  [/^aws_vpclattice_/, "vpclattice"],
  [
    /^aws_(vpc(?!lattice)|subnet|security_group|default_security_group|default_network_acl|default_route_table|route_table|route|internet_gateway|nat_gateway|eip|flow_log|network_interface|ec2_|availability_zones)/,
    "ec2",
  ],
  [/^aws_lbs?(_|$)/, "elbv2"],
  [/^aws_iam_/, "iam"],
  [/^aws_kms_/, "kms"],
  [/^aws_lambda_/, "lambda"],
  [/^aws_ram_/, "ram"],
  [/^aws_(db_|rds_)/, "rds"],
  [/^aws_route53_/, "route53"],
  [/^aws_scheduler_/, "scheduler"],
  [/^aws_secretsmanager_/, "secretsmanager"],
  [/^aws_sns_/, "sns"],
  [/^aws_sqs_/, "sqs"],
  [/^aws_ssm_/, "ssm"],
  [/^aws_(caller_identity|partition|region)$/, "sts"],
];

function awsTypes(stack: Json): string[] {
  return [...Object.keys(stack.resource ?? {}), ...Object.keys(stack.data ?? {})].filter((t) => t.startsWith("aws_"));
}

describe("the emulator's endpoints", () => {
  const configs = [{ name: "the demo", mutate: () => undefined }, ...EXAMPLES];
  const types = new Set<string>();
  for (const { mutate } of configs) {
    const { json } = synthesize(mutate);
    for (const stack of Object.values(json)) for (const t of awsTypes(stack)) types.add(t);
  }

  it("cover the service of every AWS resource and data source in the demo and every example", () => {
    const uncovered = [...types]
      .map((type) => ({ type, service: SERVICE_OF_PREFIX.find(([re]) => re.test(type))?.[1] }))
      .filter(({ service }) => service === undefined || !(AWS_SERVICES as readonly string[]).includes(service));
    expect(uncovered).toEqual([]);
  });

  it("reads the types it checks: the share descriptor's SSM parameter and RAM share among them", () => {
    expect([...types]).toEqual(
      expect.arrayContaining([
        "aws_ssm_parameter",
        "aws_ram_resource_share",
        "aws_lb",
        "aws_vpclattice_resource_gateway",
      ]),
    );
  });
});
