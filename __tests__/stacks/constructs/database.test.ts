import { DataAwsRdsEngineVersion } from "@cdktf/provider-aws/lib/data-aws-rds-engine-version";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { TerraformOutput } from "cdktf";
import type { Database } from "../../../stacks/constructs/database";
import { CreatedDatabase } from "../../../stacks/constructs/database-created";
import { ExistingDatabase } from "../../../stacks/constructs/database-existing";
import { databaseFromConfig } from "../../../stacks/constructs/database-from-config";
import { MAX_CONNECT_ERRORS } from "../../../stacks/constructs/instance-parameters";
import { dataSources, type Json, resources, synthesize } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";

function build(mutate?: (c: Json) => void) {
  const config = demoConfig(mutate);
  let database: Database | undefined;
  const { json } = synthConstruct((scope) => {
    database = databaseFromConfig(scope, "Database", {
      name: config.name,
      nameScope: config.nameScope,
      config: config.provider.database,
      network: demoNetwork(scope, config),
      logsKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/test",
      logRetentionDays: 30,
    });
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
      ["ReadBlueGreen", "rds:DescribeBlueGreenDeployments"],
    ]);
    expect(cluster[1].Resource).toMatch(
      /^arn:\$\{data\.aws_partition\..*\}:rds:\$\{data\.aws_region\..*\}:\$\{data\.aws_caller_identity\..*\}:db:\*$/,
    );
    expect(cluster[2].Resource).toMatch(
      /^arn:\$\{data\.aws_partition\..*\}:rds:\$\{data\.aws_region\..*\}:\$\{data\.aws_caller_identity\..*\}:deployment:\*$/,
    );
    const instance = build((c) => (c.provider.database = { engine: "mysql", create: {} })).json.output.grants.value;
    expect(instance).toEqual([
      {
        Sid: "ReadInstance",
        Effect: "Allow",
        Action: "rds:DescribeDBInstances",
        Resource: expect.stringMatching(/aws_db_instance\.Database_Instance_.*\.arn/),
      },
    ]);
  });

  it("names an existing cluster's members by ARN from its data source", () => {
    const { database } = build(
      (c) => (c.provider.database = { engine: "aurora-postgresql", existing: { clusterIdentifier: "ledger-prod" } }),
    );
    expect(database.ref).toMatchObject({ kind: "cluster", identifier: "ledger-prod" });
    expect(database.securityGroupId).toBeUndefined();
  });

  it("admits the database port only from the group it is told, when it knows its own group", () => {
    const config = demoConfig();
    const { json } = synthConstruct((scope) => {
      const db = databaseFromConfig(scope, "Database", {
        name: "orders",
        nameScope: { share: "orders" },
        config: config.provider.database,
        network: demoNetwork(scope, config),
        logsKmsKeyArn: "k",
        logRetentionDays: 30,
      });
      db.allowFrom("sg-0123456789abcdef0");
    });
    expect(resources(json, "aws_vpc_security_group_ingress_rule")).toEqual([
      expect.objectContaining({ referenced_security_group_id: "sg-0123456789abcdef0", from_port: 3306, to_port: 3306 }),
    ]);
  });
});

describe("Database, created or looked up", () => {
  const EXISTING_CLUSTER = {
    engine: "aurora-postgresql",
    existing: { clusterIdentifier: "ledger-prod", securityGroupId: "sg-0a1b2c3d4e5f60744" },
  };
  const EXISTING_INSTANCE = { engine: "mysql", existing: { instanceIdentifier: "shop-prod" } };
  /** Resources under Database/ (the network beside it is the test's own). */
  const ownResources = (json: Json) =>
    Object.values<Json>(json.resource ?? {})
      .flatMap((byName) => Object.keys(byName))
      .filter((n) => n.startsWith("Database_"));

  it("creates the database when the config says create, and looks it up when it says existing", () => {
    expect(build().database).toBeInstanceOf(CreatedDatabase);
    const cluster = build((c) => (c.provider.database = EXISTING_CLUSTER));
    expect(cluster.database).toBeInstanceOf(ExistingDatabase);
    expect(ownResources(cluster.json)).toEqual([]);
    expect(dataSources(cluster.json, "aws_rds_cluster")).toEqual([
      expect.objectContaining({ cluster_identifier: "ledger-prod" }),
    ]);
    const instance = build((c) => (c.provider.database = EXISTING_INSTANCE));
    expect(instance.database).toBeInstanceOf(ExistingDatabase);
    expect(ownResources(instance.json)).toEqual([]);
    expect(dataSources(instance.json, "aws_db_instance")).toEqual([
      expect.objectContaining({ db_instance_identifier: "shop-prod" }),
    ]);
  });

  it("keeps the looked-up database and the rule added to its group at the addresses they have always had", () => {
    const addresses = (stack: Json) => [
      ...Object.keys(stack.data?.aws_rds_cluster ?? {}).map((n) => `data.aws_rds_cluster.${n}`),
      ...Object.keys(stack.data?.aws_db_instance ?? {}).map((n) => `data.aws_db_instance.${n}`),
      ...Object.keys(stack.resource?.aws_vpc_security_group_ingress_rule ?? {})
        .filter((n) => n.startsWith("Database_"))
        .map((n) => `aws_vpc_security_group_ingress_rule.${n}`),
    ];
    const cluster = synthesize((c) => (c.provider.database = EXISTING_CLUSTER)).json.provider;
    expect(addresses(cluster)).toEqual(
      expect.arrayContaining([
        "data.aws_rds_cluster.Database_Cluster_C6094C50",
        "aws_vpc_security_group_ingress_rule.Database_IngressFromLoadBalancer_100CCA31",
      ]),
    );
    const instance = synthesize((c) => (c.provider.database = EXISTING_INSTANCE)).json.provider;
    expect(addresses(instance)).toEqual(expect.arrayContaining(["data.aws_db_instance.Database_Instance_02E622FB"]));
  });

  it("names a cluster's members: the created ones by their literal names, an existing cluster's by its own lookup's member list", () => {
    const members = (mutate: (c: Json) => void) => {
      const config = demoConfig(mutate);
      return synthConstruct((scope) => {
        const db = databaseFromConfig(scope, "Database", {
          name: config.name,
          nameScope: config.nameScope,
          config: config.provider.database,
          network: demoNetwork(scope, config),
          logsKmsKeyArn: "k",
          logRetentionDays: 30,
        });
        new TerraformOutput(scope, "members", { value: db.ref.kind === "cluster" ? db.ref.memberIdentifiers : null });
      }).json;
    };
    expect(members((c) => (c.provider.database.create.readers = 2)).output.members.value).toEqual([
      "orders-1",
      "orders-2",
      "orders-3",
    ]);
    const existing = members((c) => (c.provider.database = EXISTING_CLUSTER));
    expect(existing.output.members.value).toMatch(
      /^\$\{tolist\(data\.aws_rds_cluster\.Database_Cluster_[0-9A-F]+\.cluster_members\)\}$/,
    );
    expect(Object.keys(existing.data.aws_rds_cluster)).toHaveLength(1);
  });

  it("hands out only the security group it knows: its own when created, the configured one when looked up", () => {
    expect(build().database.securityGroupId).toMatch(/^\$\{TfToken/);
    expect(build((c) => (c.provider.database = EXISTING_CLUSTER)).database.securityGroupId).toBe(
      "sg-0a1b2c3d4e5f60744",
    );
    expect(build((c) => (c.provider.database = EXISTING_INSTANCE)).database.securityGroupId).toBeUndefined();
  });
});

describe("Database, MySQL host blocking", () => {
  const groups = (json: Json) => resources(json, DbParameterGroup.tfResourceType);
  const groupRef = /^\$\{aws_db_parameter_group\.Database_Parameters_Group_[0-9A-F]+\.name\}$/;

  it("gives every member of a created Aurora MySQL cluster one DB parameter group with max_connect_errors at 2^32 - 1", () => {
    const { json } = build((c) => (c.provider.database.create.readers = 2));
    expect(groups(json)).toEqual([
      expect.objectContaining({
        name: "orders-database",
        parameter: [{ name: "max_connect_errors", value: "4294967295", apply_method: "immediate" }],
      }),
    ]);
    expect(MAX_CONNECT_ERRORS).toBe(2 ** 32 - 1);
    const members = resources(json, RdsClusterInstance.tfResourceType);
    expect(members).toHaveLength(3);
    for (const m of members) expect(m.db_parameter_group_name).toMatch(groupRef);
  });

  it("takes an Aurora group's family from the version the cluster really runs, so it never mismatches the default", () => {
    const [group] = groups(build().json);
    // aurora-mysql + major.minor of engine_version_actual, e.g. 8.0.mysql_aurora.3.08.0 -> aurora-mysql8.0.
    expect(group.family).toMatch(
      /^\$\{format\("aurora-mysql%s", join\("\.", slice\(split\("\.", aws_rds_cluster\.Database_Cluster_[0-9A-F]+\.engine_version_actual\), 0, 2\)\)\)\}$/,
    );
    expect(group.lifecycle).toBeUndefined();
  });

  it("attaches the group to a created RDS for MySQL instance, its family from the configured version, and requires TLS there", () => {
    const { json } = build((c) => (c.provider.database = { engine: "mysql", create: { engineVersion: "8.4.3" } }));
    expect(groups(json)).toEqual([
      expect.objectContaining({
        family: "mysql8.4",
        name: "orders-database",
        parameter: [
          { name: "max_connect_errors", value: "4294967295", apply_method: "immediate" },
          { name: "require_secure_transport", value: "1", apply_method: "immediate" },
        ],
      }),
    ]);
    expect(resources(json, DbInstance.tfResourceType)[0].parameter_group_name).toMatch(groupRef);
    expect(dataSources(json, DataAwsRdsEngineVersion.tfResourceType)).toEqual([]);
  });

  it("asks RDS for the default version's family when none is configured, and keeps it when RDS's default moves on", () => {
    const { json } = build((c) => (c.provider.database = { engine: "mysql", create: {} }));
    expect(dataSources(json, DataAwsRdsEngineVersion.tfResourceType)).toEqual([
      expect.objectContaining({ engine: "mysql", default_only: true }),
    ]);
    const [group] = groups(json);
    expect(group.family).toMatch(
      /^\$\{data\.aws_rds_engine_version\.Database_Parameters_DefaultVersion_[0-9A-F]+\.parameter_group_family\}$/,
    );
    expect(group.lifecycle).toEqual({ ignore_changes: ["family"] });
  });

  it.each([
    ["aurora-postgresql", { engine: "aurora-postgresql", create: {} }],
    ["postgres", { engine: "postgres", create: {} }],
    [
      "an existing Aurora MySQL cluster (status warns instead)",
      { engine: "aurora-mysql", existing: { clusterIdentifier: "ledger-prod" } },
    ],
  ])("creates no parameter group for %s", (_name, database) => {
    const { json } = build((c) => (c.provider.database = database));
    expect(groups(json)).toEqual([]);
    for (const m of resources(json, RdsClusterInstance.tfResourceType))
      expect(m.db_parameter_group_name).toBeUndefined();
    for (const i of resources(json, DbInstance.tfResourceType)) expect(i.parameter_group_name).toBeUndefined();
  });
});
