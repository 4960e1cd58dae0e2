import { VpcEndpointService } from "@cdktf/provider-aws/lib/vpc-endpoint-service";
import { EndpointService } from "../../../stacks/constructs/endpoint-service";
import { type Json, resources } from "../../helpers";
import { demoConfig, synthConstruct } from "../../support/construct";

function build(mutate?: (c: Json) => void): Json {
  const config = demoConfig(mutate);
  return synthConstruct(
    (scope) =>
      new EndpointService(scope, "EndpointService", {
        name: config.name,
        loadBalancerArn:
          "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/orders-nlb/0123456789abcdef",
        sharing: config.provider.sharing,
      }),
  ).json;
}

describe("EndpointService, alone", () => {
  it("publishes the NLB with acceptance required and one allowed principal each, keyed by the principal", () => {
    const json = build((c) => c.provider.sharing.allowedPrincipals.push("arn:aws:iam::333333333333:role/app"));
    expect(resources(json, VpcEndpointService.tfResourceType)[0]).toMatchObject({ acceptance_required: true });
    const principals = json.resource.aws_vpc_endpoint_service_allowed_principal;
    expect(Object.values<Json>(principals).map((p) => p.principal_arn)).toEqual([
      "arn:aws:iam::222222222222:root",
      "arn:aws:iam::333333333333:role/app",
    ]);
    // Adding a principal adds one resource and touches no other.
    const before = Object.keys(build().resource.aws_vpc_endpoint_service_allowed_principal);
    expect(before.every((id) => id in principals)).toBe(true);
  });

  it("accepts the listed endpoint connections and serves other regions only when asked", () => {
    const json = build((c) => {
      c.provider.sharing.acceptEndpointIds = ["vpce-0123456789abcdef0"];
      c.provider.sharing.supportedRegions = ["eu-west-1"];
    });
    expect(resources(json, "aws_vpc_endpoint_connection_accepter").map((a) => a.vpc_endpoint_id)).toEqual([
      "vpce-0123456789abcdef0",
    ]);
    expect(resources(json, VpcEndpointService.tfResourceType)[0].supported_regions).toEqual(["eu-west-1"]);
  });
});
