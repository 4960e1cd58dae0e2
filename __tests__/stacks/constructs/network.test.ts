import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { TerraformOutput } from "cdktf";
import { Network } from "../../../stacks/constructs/network";
import { EXISTING_NETWORK, resources } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";

describe("Network, alone", () => {
  it("creates an isolated VPC with one subnet per AZ ID, a flow log, and no way out", () => {
    const { json } = synthConstruct(
      (scope) => new TerraformOutput(scope, "az_ids", { value: demoNetwork(scope).azIds }),
    );
    expect(resources(json, Subnet.tfResourceType).map((s) => s.availability_zone_id)).toEqual(["use1-az1", "use1-az2"]);
    // The AZ IDs it hands out are the subnets' own, for the consumers' AZ-ID guard.
    expect(json.output.az_ids.value).toEqual([
      expect.stringMatching(/aws_subnet\.Network_Subnet0_.*\.availability_zone_id/),
      expect.stringMatching(/aws_subnet\.Network_Subnet1_.*\.availability_zone_id/),
    ]);
    expect(resources(json, "aws_flow_log")).toHaveLength(1);
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_route", "aws_eip"])
      expect(resources(json, type)).toHaveLength(0);
  });

  it("looks an existing VPC and its subnets up, and creates nothing", () => {
    const config = demoConfig((c) => (c.provider.network = EXISTING_NETWORK));
    const { json } = synthConstruct(
      (scope) =>
        new Network(scope, "Network", {
          config: config.provider.network,
          namePrefix: "orders",
          nameScope: { share: "orders", region: "us-east-1" },
          kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/test",
        }),
    );
    expect(json.resource ?? {}).toEqual({});
    expect(Object.keys(json.data.aws_subnet)).toHaveLength(2);
    expect(Object.values<{ id: string }>(json.data.aws_vpc)[0].id).toBe("vpc-0123456789abcdef0");
  });
});
