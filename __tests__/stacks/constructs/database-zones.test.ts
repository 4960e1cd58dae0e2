// DatabaseZones alone: an existing database's members must sit in a zone the NLB enables, and
// the plan says which one does not.
import { DataAwsDbInstance } from "@cdktf/provider-aws/lib/data-aws-db-instance";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { ExistingDatabase } from "../../../stacks/constructs/database-existing";
import { DatabaseZones } from "../../../stacks/constructs/database-zones";
import { type Json, synthesize } from "../../helpers";
import { demoNetwork, synthConstruct } from "../../support/construct";

/** The check beside the database it checks, under the ids the provider stack gives them. */
function zonesOf(existing: { clusterIdentifier?: string; instanceIdentifier?: string }) {
  return synthConstruct(
    (scope) =>
      new DatabaseZones(scope, "DatabaseZones", {
        database: new ExistingDatabase(scope, "Database", { existing }),
        network: demoNetwork(scope),
      }),
  );
}

describe("DatabaseZones", () => {
  it("checks every member of an existing cluster at plan time, against the zones of the NLB's subnets", () => {
    const { json } = zonesOf({ clusterIdentifier: "orders-prod" });
    const [member] = Object.values(json.data[DataAwsDbInstance.tfResourceType]) as Json[];
    // The members of the database's own lookup: the cluster is read once.
    expect(Object.keys(json.data.aws_rds_cluster)).toEqual([expect.stringMatching(/^Database_Cluster_/)]);
    expect(member.for_each).toMatch(
      /^\$\{toset\(tolist\(tolist\(data\.aws_rds_cluster\.Database_Cluster_\w+\.cluster_members\)\)\)\}$/,
    );
    expect(member.db_instance_identifier).toBe("${each.value}");
    expect(member.lifecycle.postcondition[0].condition).toBe("${contains(local.nlb_zones, self.availability_zone)}");
    expect(member.lifecycle.postcondition[0].error_message).toMatch(
      /^Member \$\{self\.db_instance_identifier\} of cluster orders-prod \(zone \$\{self\.availability_zone\}\) is in an Availability Zone the load balancer does not enable.*provider\.network/,
    );
    expect(json.locals.nlb_zones).toEqual([
      expect.stringMatching(/^\$\{aws_subnet\.Network_Subnet0_\w+\.availability_zone\}$/),
      expect.stringMatching(/^\$\{aws_subnet\.Network_Subnet1_\w+\.availability_zone\}$/),
    ]);
  });

  it("checks an existing instance the same way", () => {
    const { json } = zonesOf({ instanceIdentifier: "orders-db" });
    // Its own read of the instance, beside the database's: the postcondition lives on it.
    const reads = json.data[DataAwsDbInstance.tfResourceType] as Record<string, Json>;
    expect(Object.keys(reads).sort()).toEqual([
      expect.stringMatching(/^DatabaseZones_Instance_/),
      expect.stringMatching(/^Database_Instance_/),
    ]);
    const instance = Object.entries(reads).find(([name]) => name.startsWith("DatabaseZones_"))![1];
    expect(instance.db_instance_identifier).toBe("orders-db");
    expect(instance.lifecycle.postcondition[0].error_message).toMatch(/^Instance orders-db \(zone/);
  });

  it("is not needed for a created database: its subnet group is the NLB's subnets, so its members sit in the NLB's zones", () => {
    const provider = synthesize().json.provider;
    const [group] = Object.values(provider.resource[DbSubnetGroup.tfResourceType]) as Json[];
    const [lb] = Object.values(provider.resource[Lb.tfResourceType]) as Json[];
    expect(group.subnet_ids).toEqual(lb.subnets);
    expect(provider.data?.[DataAwsDbInstance.tfResourceType]).toBeUndefined();
  });
});
