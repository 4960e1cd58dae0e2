// DatabaseZones alone: an existing database's members must sit in a zone the NLB enables, and
// the plan says which one does not.
import { DataAwsDbInstance } from "@cdktf/provider-aws/lib/data-aws-db-instance";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { DatabaseZones } from "../../../stacks/constructs/database-zones";
import { synthesize } from "../../helpers";
import { demoNetwork, synthConstruct } from "../../support/construct";

describe("DatabaseZones", () => {
  it("checks every member of an existing cluster at plan time, against the zones of the NLB's subnets", () => {
    const { json } = synthConstruct((scope) => new DatabaseZones(scope, "DatabaseZones", { existing: { clusterIdentifier: "orders-prod" }, network: demoNetwork(scope) }));
    const [member] = Object.values(json.data[DataAwsDbInstance.tfResourceType]) as Array<Record<string, any>>;
    expect(member.for_each).toMatch(/data\.aws_rds_cluster\.DatabaseZones_Cluster_\w+\.cluster_members/);
    expect(member.db_instance_identifier).toBe("${each.value}");
    expect(member.lifecycle.postcondition[0].condition).toBe("${contains(local.nlb_zones, self.availability_zone)}");
    expect(member.lifecycle.postcondition[0].error_message).toMatch(/^Member \$\{self\.db_instance_identifier\} of cluster orders-prod \(zone \$\{self\.availability_zone\}\) is in an Availability Zone the load balancer does not enable.*provider\.network/);
    expect(json.locals.nlb_zones).toEqual([expect.stringMatching(/^\$\{aws_subnet\.Network_Subnet0_\w+\.availability_zone\}$/), expect.stringMatching(/^\$\{aws_subnet\.Network_Subnet1_\w+\.availability_zone\}$/)]);
  });

  it("checks an existing instance the same way", () => {
    const { json } = synthConstruct((scope) => new DatabaseZones(scope, "DatabaseZones", { existing: { instanceIdentifier: "orders-db" }, network: demoNetwork(scope) }));
    const [instance] = Object.values(json.data[DataAwsDbInstance.tfResourceType]) as Array<Record<string, any>>;
    expect(instance.db_instance_identifier).toBe("orders-db");
    expect(instance.lifecycle.postcondition[0].error_message).toMatch(/^Instance orders-db \(zone/);
  });

  it("is not needed for a created database: its subnet group is the NLB's subnets, so its members sit in the NLB's zones", () => {
    const provider = synthesize().json.provider;
    const [group] = Object.values(provider.resource[DbSubnetGroup.tfResourceType]) as Array<Record<string, any>>;
    const [lb] = Object.values(provider.resource[Lb.tfResourceType]) as Array<Record<string, any>>;
    expect(group.subnet_ids).toEqual(lb.subnets);
    expect(provider.data?.[DataAwsDbInstance.tfResourceType]).toBeUndefined();
  });
});
