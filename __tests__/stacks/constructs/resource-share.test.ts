import { RamPrincipalAssociation } from "@cdktf/provider-aws/lib/ram-principal-association";
import { RamResourceShare } from "@cdktf/provider-aws/lib/ram-resource-share";
import { VpclatticeResourceConfiguration } from "@cdktf/provider-aws/lib/vpclattice-resource-configuration";
import { VpclatticeResourceGateway } from "@cdktf/provider-aws/lib/vpclattice-resource-gateway";
import { Testing } from "cdktf";
import { databaseFromConfig } from "../../../stacks/constructs/database-from-config";
import { ResourceShare } from "../../../stacks/constructs/resource-share";
import { type Json, resources } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";
import { toResourceTransport } from "../../terraform/matrix";

const KEY = "arn:aws:kms:us-east-1:111111111111:key/test";

/** The demo moved to the resource transport, with its database, as the provider stack composes them. */
function build(mutate: (c: Json) => void = () => undefined): Json {
  const config = demoConfig((c) => {
    toResourceTransport(c);
    mutate(c);
  });
  const provider = config.provider;
  return synthConstruct((scope) => {
    const network = demoNetwork(scope, config);
    const database = databaseFromConfig(scope, "Database", {
      name: config.name,
      nameScope: config.nameScope,
      config: provider.database,
      network,
      logsKmsKeyArn: KEY,
      logRetentionDays: 30,
      frontedBy: "resource gateway",
    });
    const share = new ResourceShare(scope, "ResourceShare", {
      name: config.name,
      network,
      sharing: provider.sharing,
      port: provider.ports.writer,
      databasePort: database.port,
      writerAddress: database.writerAddress,
      readerAddress: provider.ports.reader === null ? undefined : database.readerAddress,
      databaseSecurityGroupId: database.securityGroupId,
      definition: provider.resourceDefinition,
      databaseArn: database.ref.arn,
    });
    database.allowFrom(share.securityGroupId, "resource gateway");
  }).json;
}

/** The same with DNS-type configurations. */
const byDns = (mutate: (c: Json) => void = () => undefined) =>
  build((c) => {
    c.provider.resourceDefinition = "dns";
    mutate(c);
  });

const one = (json: Json, type: string) => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0];
};

describe("ResourceShare, alone", () => {
  it("puts the gateway in every provider subnet behind its own group, whose only egress is the database port to the database's group", () => {
    const json = build();
    const gateway = one(json, VpclatticeResourceGateway.tfResourceType);
    expect(gateway.subnet_ids).toEqual([
      "${aws_subnet.Network_Subnet0_F5E6F125.id}",
      "${aws_subnet.Network_Subnet1_8D1B2567.id}",
    ]);
    expect(gateway.security_group_ids).toEqual(["${aws_security_group.ResourceShare_SecurityGroup_8DDC804A.id}"]);
    const groups = resources(json, "aws_security_group");
    const gatewayGroup = groups.find((g) => g.name === "orders-resource-gateway");
    expect(gatewayGroup.ingress).toBeUndefined();
    const egress = resources(json, "aws_vpc_security_group_egress_rule");
    expect(egress).toEqual([
      expect.objectContaining({
        from_port: 3306,
        to_port: 3306,
        ip_protocol: "tcp",
        referenced_security_group_id: "${aws_security_group.Database_SecurityGroup_71981D66.id}",
      }),
    ]);
    // The database admits its port from the gateway's group only.
    const ingress = resources(json, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toEqual([
      expect.objectContaining({
        from_port: 3306,
        to_port: 3306,
        referenced_security_group_id: "${aws_security_group.ResourceShare_SecurityGroup_8DDC804A.id}",
        description: "Database port from the PrivateLink resource gateway",
      }),
    ]);
    expect(groups.find((g) => g.name === "orders-database").description).toBe(
      "Database of orders: reachable only from its PrivateLink resource gateway",
    );
  });

  it("shares a cluster by its ARN in one ARN-type configuration, with no ports or protocol (the database's own)", () => {
    const json = build();
    const configuration = one(json, VpclatticeResourceConfiguration.tfResourceType);
    expect(configuration).toMatchObject({
      name: "orders-database",
      type: "ARN",
      resource_gateway_identifier: "${aws_vpclattice_resource_gateway.ResourceShare_Gateway_C1645BFC.id}",
      resource_configuration_definition: [
        { arn_resource: [{ arn: "${aws_rds_cluster.Database_Cluster_C6094C50.arn}" }] },
      ],
    });
    // AWS provider 5.100.0 refuses port_ranges and protocol next to arn_resource (terraform and tofu validate).
    expect(configuration.port_ranges).toBeUndefined();
    expect(configuration.protocol).toBeUndefined();
    expect(resources(json, "aws_ram_resource_association").map((a) => a.resource_arn)).toEqual([
      "${aws_vpclattice_resource_configuration.ResourceShare_Database_A2AD44E2.arn}",
    ]);
  });

  it("shares a Multi-AZ instance and a Multi-AZ DB cluster by their ARNs, and checks an existing one's port", () => {
    const instance = one(
      build((c) => (c.provider.database = { engine: "postgres", create: {} })),
      VpclatticeResourceConfiguration.tfResourceType,
    );
    expect(instance.resource_configuration_definition[0].arn_resource[0].arn).toBe(
      "${aws_db_instance.Database_Instance_02E622FB.arn}",
    );
    const json = build((c) => {
      c.provider.database = { engine: "postgres", existing: { clusterIdentifier: "shared-db" } };
      c.provider.ports = { writer: 6432 };
    });
    const cluster = one(json, VpclatticeResourceConfiguration.tfResourceType);
    expect(cluster.resource_configuration_definition[0].arn_resource[0].arn).toBe(
      "${data.aws_rds_cluster.Database_Cluster_C6094C50.arn}",
    );
    expect(cluster.lifecycle.precondition[0].condition).toBe(
      "${data.aws_rds_cluster.Database_Cluster_C6094C50.port == 6432}",
    );
  });

  it("names the writer's cluster endpoint and the reader endpoint in two DNS configurations on the database port", () => {
    const configurations = resources(byDns(), VpclatticeResourceConfiguration.tfResourceType);
    expect(
      configurations
        .map((c) => [
          c.name,
          c.type,
          c.protocol,
          c.port_ranges,
          c.resource_configuration_definition[0].dns_resource[0].domain_name,
        ])
        .sort(),
    ).toEqual([
      ["orders-reader", "SINGLE", "TCP", ["3306"], "${aws_rds_cluster.Database_Cluster_C6094C50.reader_endpoint}"],
      ["orders-writer", "SINGLE", "TCP", ["3306"], "${aws_rds_cluster.Database_Cluster_C6094C50.endpoint}"],
    ]);
    // A created database listens on the port it is given: nothing to check at plan time.
    expect(configurations.every((c) => c.lifecycle === undefined)).toBe(true);
  });

  it("shares a Multi-AZ instance by its address, with no reader configuration", () => {
    const configurations = resources(
      byDns((c) => (c.provider.database = { engine: "postgres", create: {} })),
      VpclatticeResourceConfiguration.tfResourceType,
    );
    expect(
      configurations.map((c) => [
        c.name,
        c.port_ranges,
        c.resource_configuration_definition[0].dns_resource[0].domain_name,
      ]),
    ).toEqual([["orders-writer", ["5432"], "${aws_db_instance.Database_Instance_02E622FB.address}"]]);
  });

  it("checks an existing database's port at plan time against the port consumers are told", () => {
    const json = byDns((c) => {
      c.provider.database = { engine: "aurora-postgresql", existing: { clusterIdentifier: "shared-db" } };
      c.provider.ports = { writer: 6432 };
    });
    const writer = resources(json, VpclatticeResourceConfiguration.tfResourceType).find(
      (c) => c.name === "orders-writer",
    );
    expect(writer.port_ranges).toEqual(["6432"]);
    expect(writer.resource_configuration_definition[0].dns_resource[0].domain_name).toBe(
      "${data.aws_rds_cluster.Database_Cluster_C6094C50.endpoint}",
    );
    expect(writer.lifecycle.precondition[0].condition).toBe(
      "${data.aws_rds_cluster.Database_Cluster_C6094C50.port == 6432}",
    );
    expect(writer.lifecycle.precondition[0].error_message).toContain(
      "set provider.ports.writer to the database's port",
    );
    // Without the database's group, the gateway may reach the port anywhere in the VPC, nowhere else.
    expect(resources(json, "aws_vpc_security_group_egress_rule")[0]).toMatchObject({
      cidr_ipv4: "${aws_vpc.Network_Vpc_FAC8F4A5.cidr_block}",
    });
  });

  it("associates both DNS configurations and one principal each, OU and organization included, account root ARNs as account ids", () => {
    const json = byDns((c) => c.provider.sharing.allowedPrincipals.push("arn:aws:iam::333333333333:root"));
    expect(one(json, RamResourceShare.tfResourceType)).toMatchObject({
      name: "orders-database",
      allow_external_principals: false,
    });
    expect(
      resources(json, "aws_ram_resource_association")
        .map((a) => a.resource_arn)
        .sort(),
    ).toEqual([
      "${aws_vpclattice_resource_configuration.ResourceShare_Reader_712834EB.arn}",
      "${aws_vpclattice_resource_configuration.ResourceShare_Writer_9477EF2D.arn}",
    ]);
    const principals = json.resource[RamPrincipalAssociation.tfResourceType];
    expect(
      Object.values<Json>(principals)
        .map((p) => p.principal)
        .sort(),
    ).toEqual([
      "222222222222",
      "333333333333",
      "arn:aws:organizations::111111111111:organization/o-abc123defg",
      "arn:aws:organizations::111111111111:ou/o-abc123defg/ou-ab12-cd34ef56",
    ]);
    // Adding a principal adds one association and touches no other.
    const before = Object.keys(build().resource[RamPrincipalAssociation.tfResourceType]);
    expect(before.every((id) => id in principals)).toBe(true);
    expect(Object.keys(principals)).toHaveLength(before.length + 1);
  });

  it("lets principals outside the organization join only when the config says so", () => {
    const json = build((c) => (c.provider.sharing.allowExternalPrincipals = true));
    expect(one(json, RamResourceShare.tfResourceType).allow_external_principals).toBe(true);
  });

  it("has no load balancer, target group or function", () => {
    const json = build();
    for (const type of [
      "aws_lb",
      "aws_lb_target_group",
      "aws_lb_listener",
      "aws_lambda_function",
      "aws_vpc_endpoint_service",
    ]) {
      expect(resources(json, type)).toHaveLength(0);
    }
    expect(Testing.toHaveResource(JSON.stringify(json), VpclatticeResourceGateway.tfResourceType)).toBe(true);
  });
});
