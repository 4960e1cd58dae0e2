import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { connectionStrings, rdsCaBundle, unverifiedConnectionStrings } from "../../stacks/connection-strings";
import { EXISTING_NETWORK, type Json, resources, synthesize } from "../helpers";

describe("consumer stack of the demo config", () => {
  const { text, json } = synthesize();
  const consumer = json["consumer-app"];

  it("has its own AWS provider, tags and local state", () => {
    expect(consumer.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      profile: "app",
      allowed_account_ids: ["222222222222"],
    });
    expect(consumer.provider.aws[0].default_tags[0].tags.Stack).toBe("consumer-app");
    expect(consumer.terraform.backend.local.path).toBe("../../../terraform.orders.consumer-app.tfstate");
  });

  it("creates a VPC that overlaps the provider's CIDR on purpose", () => {
    const cidrs = [json.provider, consumer].map((s) => resources(s, "aws_vpc")[0].cidr_block);
    expect(cidrs).toEqual(["10.0.0.0/16", "10.0.0.0/16"]);
  });

  it("creates an interface endpoint whose service name comes from the provider's output", () => {
    expect(text["consumer-app"]).toHaveResourceWithProperties(VpcEndpoint, {
      vpc_endpoint_type: "Interface",
      private_dns_enabled: false,
    });
    const endpoint = resources(consumer, VpcEndpoint.tfResourceType)[0];
    expect(endpoint.service_name).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-provider\.outputs\./,
    );
    expect(consumer.data.terraform_remote_state["cross-stack-reference-input-provider"].config.path).toBe(
      "../../../terraform.orders.provider.tfstate",
    );
  });

  it("admits only the listener ports from the allowed CIDRs", () => {
    const rules = resources(consumer, VpcSecurityGroupIngressRule.tfResourceType);
    expect(rules.map((r) => [r.from_port, r.to_port, r.cidr_ipv4])).toEqual([
      [3306, 3306, "10.0.0.0/16"],
      [3307, 3307, "10.0.0.0/16"],
    ]);
    expect(resources(consumer, "aws_vpc_security_group_egress_rule")).toHaveLength(0);
  });

  it("guards the plan with a precondition that names both AZ-ID lists", () => {
    const [precondition] = resources(consumer, VpcEndpoint.tfResourceType)[0].lifecycle.precondition;
    expect(precondition.condition).toBe("${length(setsubtract(local.consumer_az_ids, local.provider_az_ids)) == 0}");
    expect(consumer.locals.provider_az_ids).toEqual(["use1-az1", "use1-az2"]);
    expect(consumer.locals.consumer_az_ids).toEqual([
      "${aws_subnet.Network_Subnet0_F5E6F125.availability_zone_id}",
      "${aws_subnet.Network_Subnet1_8D1B2567.availability_zone_id}",
    ]);
    expect(precondition.error_message).toContain(
      "AZ-ID guard: consumer app has subnets in AZ IDs %s, but the provider's NLB serves only %s",
    );
  });

  it("keeps the friendly writer and reader names in a private zone", () => {
    expect(text["consumer-app"]).toHaveResourceWithProperties(Route53Zone, { name: "orders.db.internal" });
    const records = resources(consumer, Route53Record.tfResourceType).filter(
      (r: Json) => r.zone_id === "${aws_route53_zone.Access_PrivateZone_00164CCB.zone_id}",
    );
    expect(records.map((r: Json) => [r.name, r.type]).sort()).toEqual([
      ["reader.orders.db.internal", "A"],
      ["writer.orders.db.internal", "A"],
    ]);
  });

  it("answers the database's own RDS names with the endpoint, one private zone per exact name", () => {
    const zones = resources(consumer, Route53Zone.tfResourceType);
    const remote = (attribute: string) =>
      `\${data.terraform_remote_state.cross-stack-reference-input-provider.outputs.cross-stack-output-aws_rds_clusterDatabase_Cluster_C6094C50${attribute}}`;
    expect(zones.map((z: Json) => z.name).sort()).toEqual(
      [remote("endpoint"), remote("reader_endpoint"), "orders.db.internal"].sort(),
    );
    const records = consumer.resource[Route53Record.tfResourceType];
    for (const [record, zone] of [
      ["Access_RdsNames_WriterRecord_26D7F989", "Access_RdsNames_WriterZone_95D8D0B5"],
      ["Access_RdsNames_ReaderRecord_E092E373", "Access_RdsNames_ReaderZone_63B7A4D4"],
    ]) {
      // At the zone's apex, aliasing the interface endpoint: the name shadows nothing else.
      expect(records[record]).toMatchObject({
        zone_id: `\${aws_route53_zone.${zone}.zone_id}`,
        name: `\${aws_route53_zone.${zone}.name}`,
        type: "A",
        alias: {
          name: "${aws_vpc_endpoint.Access_Endpoint_E9962F5B.dns_entry[0].dns_name}",
          zone_id: "${aws_vpc_endpoint.Access_Endpoint_E9962F5B.dns_entry[0].hosted_zone_id}",
        },
      });
    }
    // No instance names without memberPorts: their ports are closed.
    expect(consumer.locals.rds_instance_names).toBeUndefined();
  });

  it("outputs addresses and verifying connection strings by the RDS names, and the plain-TLS forms separately", () => {
    const writer =
      "${data.terraform_remote_state.cross-stack-reference-input-provider.outputs.cross-stack-output-aws_rds_clusterDatabase_Cluster_C6094C50endpoint}";
    expect(consumer.output.writer_address.value).toBe(`${writer}:3306`);
    expect(consumer.output.writer_address.description).toContain("TLS checks the name, not the port");
    expect(consumer.output.writer_connection.value.cli).toBe(
      `mysql --host=${writer} --port=3306 --user=<user> --ssl-mode=VERIFY_IDENTITY --ssl-ca=us-east-1-bundle.pem`,
    );
    expect(consumer.output.writer_connection.value.jdbc).toContain("sslMode=VERIFY_IDENTITY");
    expect(consumer.output.ca_bundle.value).toEqual({
      file: "us-east-1-bundle.pem",
      url: "https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem",
    });
    expect(consumer.output.writer_connection_unverified.value.jdbc).toBe(
      "jdbc:mysql://${aws_route53_record.Access_WriterRecord_017432F5.fqdn}:3306/?sslMode=REQUIRED",
    );
    expect(consumer.output.friendly_writer_address.value).toBe(
      "${aws_route53_record.Access_WriterRecord_017432F5.fqdn}:3306",
    );
    expect(Object.keys(consumer.output)).toEqual(
      expect.arrayContaining(["endpoint_id", "endpoint_dns_name", "reader_connection", "reader_connection_unverified"]),
    );
  });

  it("publishes the database's names from the provider stack", () => {
    const provider = json.provider.output;
    expect(provider.writer_name.value).toBe("${aws_rds_cluster.Database_Cluster_C6094C50.endpoint}");
    expect(provider.reader_name.value).toBe("${aws_rds_cluster.Database_Cluster_C6094C50.reader_endpoint}");
    expect(provider.instance_names.value).toBe(
      '${formatlist(format("%%s.%s", replace(aws_rds_cluster.Database_Cluster_C6094C50.endpoint, "/^[^.]+[.]cluster-/", "")), compact(split(",", lower(join(",", ["orders-1", "orders-2"])))))}',
    );
  });
});

describe("consumer stack options", () => {
  it("uses a configured service name instead of a cross-stack reference", () => {
    const name = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
    const { json } = synthesize((c) => (c.consumers[0].serviceName = name));
    expect(resources(json["consumer-app"], VpcEndpoint.tfResourceType)[0].service_name).toBe(name);
  });

  it("reads the provider's AZ IDs from its output when the config does not list them", () => {
    const { json } = synthesize((c) => {
      delete c.provider.network.create.azIds;
      c.provider.network.create.azCount = 3;
    });
    const local = json["consumer-app"].locals.provider_az_ids;
    expect(local).toHaveLength(3);
    for (const id of local)
      expect(id).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-provider\.outputs\./);
  });

  it("looks up an existing network and admits security groups", () => {
    const { json } = synthesize((c) => {
      c.consumers[0].network = EXISTING_NETWORK;
      c.consumers[0].allowedCidrs = [];
      c.consumers[0].allowedSecurityGroupIds = ["sg-0123456789abcdef0"];
    });
    const consumer = json["consumer-app"];
    expect(resources(consumer, "aws_vpc")).toHaveLength(0);
    expect(
      resources(consumer, VpcSecurityGroupIngressRule.tfResourceType).map((r) => r.referenced_security_group_id),
    ).toEqual(["sg-0123456789abcdef0", "sg-0123456789abcdef0"]);
  });

  it("connects across regions through the service region, without the AZ guard", () => {
    const { json } = synthesize((c) => {
      c.provider.sharing.supportedRegions = ["eu-west-1"];
      c.consumers[0].account.region = "eu-west-1";
      c.consumers[0].network.create = { cidr: "10.1.0.0/16" };
    });
    const endpoint = resources(json["consumer-app"], VpcEndpoint.tfResourceType)[0];
    expect(endpoint.service_region).toBe("us-east-1");
    expect(endpoint.lifecycle).toBeUndefined();
  });

  it("falls back to the endpoint's DNS name for unverified clients without a private zone", () => {
    const { json } = synthesize((c) => delete c.consumers[0].privateZone);
    expect(json["consumer-app"].output.writer_connection_unverified.value.cli).toContain(
      "--host=${aws_vpc_endpoint.Access_Endpoint_E9962F5B.dns_entry[0].dns_name} ",
    );
    expect(json["consumer-app"].output.friendly_writer_address).toBeUndefined();
  });

  it("takes the names from the config when the consumer gives them, and reads nothing from the provider's state", () => {
    const names = {
      writer: "orders.cluster-c7tj4example.us-east-1.rds.amazonaws.com",
      reader: "orders.cluster-ro-c7tj4example.us-east-1.rds.amazonaws.com",
      instances: [
        "orders-1.c7tj4example.us-east-1.rds.amazonaws.com",
        "orders-2.c7tj4example.us-east-1.rds.amazonaws.com",
      ],
    };
    const { json } = synthesize((c) => {
      c.consumers[0].serviceName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
      c.consumers[0].memberPorts = true;
      c.consumers[0].databaseNames = names;
    });
    const consumer = json["consumer-app"];
    expect(consumer.data?.terraform_remote_state).toBeUndefined();
    expect(resources(consumer, Route53Zone.tfResourceType).map((z: Json) => z.name)).toEqual(
      expect.arrayContaining([names.writer, names.reader]),
    );
    // Instance zones are keyed by the name (for_each), so a member added or removed touches no other.
    expect(consumer.locals.rds_instance_names).toEqual(names.instances);
    expect(consumer.resource.aws_route53_zone.Access_RdsNames_InstanceZones_C40130C9).toMatchObject({
      for_each: "${toset(local.rds_instance_names)}",
      name: "${each.value}",
    });
    expect(consumer.resource.aws_route53_record.Access_RdsNames_InstanceRecords_0395C98B).toMatchObject({
      for_each: "${aws_route53_zone.Access_RdsNames_InstanceZones_C40130C9}",
      name: "${each.value.name}",
      zone_id: "${each.value.zone_id}",
    });
    expect(consumer.output.instance_names.value).toEqual(names.instances);
    expect(consumer.output.member_ports.value).toEqual(Array.from({ length: 16 }, (_, i) => 3316 + i));
    expect(consumer.output.reader_connection.value.mariadb).toBe(
      `mariadb --host=${names.reader} --port=3307 --user=<user> --ssl-verify-server-cert --ssl-ca=us-east-1-bundle.pem`,
    );
  });

  it("names only the instance for a Multi-AZ instance, on the writer and the reader port", () => {
    const { json } = synthesize((c) => {
      c.provider.database = { engine: "postgres", existing: { instanceIdentifier: "orders" } };
      c.provider.ports = { writer: 5432, reader: 5433 };
    });
    const consumer = json["consumer-app"];
    const instance =
      "${data.terraform_remote_state.cross-stack-reference-input-provider.outputs.cross-stack-output-dataaws_db_instanceDatabase_Instance_02E622FBaddress}";
    expect(json.provider.output.reader_name).toBeUndefined();
    expect(
      resources(consumer, Route53Zone.tfResourceType)
        .map((z: Json) => z.name)
        .sort(),
    ).toEqual([instance, "orders.db.internal"].sort());
    expect(consumer.output.reader_address.value).toBe(`${instance}:5433`);
  });

  it("opens the instance-pinned member ports only when the consumer asks, keyed by the source", () => {
    const { json } = synthesize((c) => {
      c.consumers[0].memberPorts = true;
      c.consumers[0].allowedSecurityGroupIds = ["sg-0123456789abcdef0"];
    });
    const rules = resources(json["consumer-app"], VpcSecurityGroupIngressRule.tfResourceType).filter(
      (r: Json) => r.from_port === 3316,
    );
    expect(rules.map((r: Json) => [r.from_port, r.to_port, r.cidr_ipv4 ?? r.referenced_security_group_id])).toEqual([
      [3316, 3331, "10.0.0.0/16"],
      [3316, 3331, "sg-0123456789abcdef0"],
    ]);
    expect(json["consumer-app"].resource.aws_vpc_security_group_ingress_rule).toHaveProperty([
      "Access_IngressMembers-10_0_0_0_16_ED58F7F3",
    ]);
    expect(json["consumer-app"].output.member_addresses.value).toEqual(
      Array.from({ length: 16 }, (_, i) => `\${aws_route53_record.Access_WriterRecord_017432F5.fqdn}:${3316 + i}`),
    );
    // The members' own names, from the provider's output, resolve to the endpoint too.
    expect(json["consumer-app"].locals.rds_instance_names).toMatch(
      /^\$\{formatlist\(format\("%%s\.%s", replace\(data\.terraform_remote_state\./,
    );
  });

  it("writes verifying postgres connection strings for postgres engines, with the region's CA bundle", () => {
    expect(connectionStrings("aurora-postgresql", "db.internal", 5432, rdsCaBundle("eu-west-1"))).toEqual({
      cli: 'psql "host=db.internal port=5432 dbname=postgres user=<user> sslmode=verify-full sslrootcert=eu-west-1-bundle.pem"',
      uri: "postgresql://<user>@db.internal:5432/postgres?sslmode=verify-full&sslrootcert=eu-west-1-bundle.pem",
      jdbc: "jdbc:postgresql://db.internal:5432/postgres?sslmode=verify-full&sslrootcert=eu-west-1-bundle.pem",
    });
    expect(unverifiedConnectionStrings("postgres", "db.internal", 5432).cli).toBe(
      'psql "host=db.internal port=5432 dbname=postgres user=<user> sslmode=require"',
    );
  });

  it("points at the GovCloud trust store for GovCloud regions, and at no guessed address where AWS gives none", () => {
    expect(rdsCaBundle("us-gov-east-1").url).toBe(
      "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/us-gov-east-1/us-gov-east-1-bundle.pem",
    );
    expect(rdsCaBundle("cn-north-1")).toEqual({ file: "cn-north-1-bundle.pem" });
  });
});
