import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { TerraformOutput } from "cdktf";
import { Database } from "../../../stacks/constructs/database";
import { Json, resources } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";

function build(mutate?: (c: Json) => void) {
  const config = demoConfig(mutate);
  let database: Database | undefined;
  const { json } = synthConstruct((scope) => {
    database = new Database(scope, "Database", { name: config.name, config: config.provider.database, network: demoNetwork(scope, config), logsKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/test", logRetentionDays: 30 });
    new TerraformOutput(scope, "grants", { value: database.topologyReadStatements() });
  });
  return { json, database: database! };
}

describe("Database, alone", () => {
  it("creates one instance per the resolved reader count, spread over the zones", () => {
    const { json, database } = build((c) => (c.provider.database.create.readers = 2));
    const members = resources(json, RdsClusterInstance.tfResourceType);
    expect(members.map((m) => m.identifier)).toEqual(["orders-1", "orders-2", "orders-3"]);
    expect(database.ref.kind).toBe("cluster");
    expect(database.ref.kind === "cluster" && database.ref.memberArns).toHaveLength(3);
  });

  it("lets a role read a cluster's topology, and a Multi-AZ instance's own description only", () => {
    const cluster = build().json.output.grants.value;
    expect(cluster.map((s: Json) => [s.Sid, s.Action])).toEqual([
      ["ReadCluster", "rds:DescribeDBClusters"],
      ["ReadMembers", "rds:DescribeDBInstances"],
    ]);
    expect(cluster[1].Resource).toMatch(/^arn:\$\{data\.aws_partition\..*\}:rds:\$\{data\.aws_region\..*\}:\$\{data\.aws_caller_identity\..*\}:db:\*$/);
    const instance = build((c) => (c.provider.database = { engine: "mysql", create: {} })).json.output.grants.value;
    expect(instance).toEqual([{ Sid: "ReadInstance", Effect: "Allow", Action: "rds:DescribeDBInstances", Resource: expect.stringMatching(/aws_db_instance\.Database_Instance_.*\.arn/) }]);
  });

  it("names an existing cluster's members by ARN from its data source", () => {
    const { database } = build((c) => (c.provider.database = { engine: "aurora-postgresql", existing: { clusterIdentifier: "ledger-prod" } }));
    expect(database.ref).toMatchObject({ kind: "cluster", identifier: "ledger-prod" });
    expect(database.securityGroupId).toBeUndefined();
  });

  it("admits the database port only from the group it is told, when it knows its own group", () => {
    const config = demoConfig();
    const { json } = synthConstruct((scope) => {
      const db = new Database(scope, "Database", { name: "orders", config: config.provider.database, network: demoNetwork(scope, config), logsKmsKeyArn: "k", logRetentionDays: 30 });
      db.allowFrom("sg-0123456789abcdef0");
    });
    expect(resources(json, "aws_vpc_security_group_ingress_rule")).toEqual([expect.objectContaining({ referenced_security_group_id: "sg-0123456789abcdef0", from_port: 3306, to_port: 3306 })]);
  });
});
