// What the emulator still holds of a deployment after its destroy: each service the stacks use
// is listed, and anything whose name matches the deployment's names is reported.
import { DescribeVpcEndpointsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { clientConfig, REGION } from "../support/world";

/**
 * Our resources that moto at `url` still holds: names matching `ours`, and every interface
 * endpoint not yet deleted. A KMS key cannot be deleted at once (it waits out its window); its
 * alias must be gone.
 */
export async function leftovers(url: string, ours: RegExp): Promise<string[]> {
  // moto routes a request on one endpoint by the service named in the signature's scope.
  const call = async (
    service: string,
    init: { method?: string; path?: string; target?: string; form?: Record<string, string>; body?: unknown },
  ) => {
    const headers: Record<string, string> = {
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    };
    let body: string | undefined;
    if (init.target) {
      headers["x-amz-target"] = init.target;
      headers["content-type"] = "application/x-amz-json-1.1";
      body = JSON.stringify(init.body ?? {});
    } else if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(`${url}${init.path ?? "/"}`, { method: init.method ?? "POST", headers, body });
    return res.text();
  };
  const names = new RegExp(`[^"<>]*(?:${ours.source})[^"<>]*`, "g");
  const found = (text: string, where: string) => {
    const hits = text.match(names);
    return hits ? [`${where}: ${hits.slice(0, 5).join(", ")}`] : [];
  };
  const checks: Array<[string, Promise<string>]> = [
    ["ec2 vpcs", call("ec2", { form: { Action: "DescribeVpcs", Version: "2016-11-15" } })],
    [
      "ec2 endpoint services",
      call("ec2", { form: { Action: "DescribeVpcEndpointServiceConfigurations", Version: "2016-11-15" } }),
    ],
    ["ec2 security groups", call("ec2", { form: { Action: "DescribeSecurityGroups", Version: "2016-11-15" } })],
    ["rds clusters", call("rds", { form: { Action: "DescribeDBClusters", Version: "2014-10-31" } })],
    ["rds instances", call("rds", { form: { Action: "DescribeDBInstances", Version: "2014-10-31" } })],
    ["rds subnet groups", call("rds", { form: { Action: "DescribeDBSubnetGroups", Version: "2014-10-31" } })],
    ["rds parameter groups", call("rds", { form: { Action: "DescribeDBParameterGroups", Version: "2014-10-31" } })],
    [
      "elb load balancers",
      call("elasticloadbalancing", { form: { Action: "DescribeLoadBalancers", Version: "2015-12-01" } }),
    ],
    [
      "elb target groups",
      call("elasticloadbalancing", { form: { Action: "DescribeTargetGroups", Version: "2015-12-01" } }),
    ],
    ["lambda functions", call("lambda", { method: "GET", path: "/2015-03-31/functions/" })],
    ["sqs queues", call("sqs", { form: { Action: "ListQueues", Version: "2012-11-05" } })],
    ["sns topics", call("sns", { form: { Action: "ListTopics", Version: "2010-03-31" } })],
    ["cloudwatch alarms", call("monitoring", { form: { Action: "DescribeAlarms", Version: "2010-08-01" } })],
    ["cloudwatch dashboards", call("monitoring", { form: { Action: "ListDashboards", Version: "2010-08-01" } })],
    ["log groups", call("logs", { target: "Logs_20140328.DescribeLogGroups" })],
    ["event rules", call("events", { target: "AWSEvents.ListRules" })],
    ["iam roles", call("iam", { form: { Action: "ListRoles", Version: "2010-05-08" } })],
    ["kms aliases", call("kms", { target: "TrentService.ListAliases" })],
    ["route53 zones", call("route53", { method: "GET", path: "/2013-04-01/hostedzone" })],
  ];
  const all: string[] = [];
  for (const [where, text] of checks) all.push(...found(await text, where));
  // A deleted interface endpoint stays listed in state "deleted", as in AWS for a while.
  const endpoints =
    (await new EC2Client(clientConfig(url)).send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints ?? [];
  all.push(
    ...endpoints
      .filter((e) => e.State?.toLowerCase() !== "deleted")
      .map((e) => `ec2 endpoint ${e.VpcEndpointId} (${e.State})`),
  );
  return all;
}
