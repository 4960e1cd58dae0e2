import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { connectionStrings } from "../../stacks/consumer-stack";
import { EXISTING_NETWORK, Json, resources, synthesize } from "../helpers";

describe("consumer stack of the demo config", () => {
  const { text, json } = synthesize();
  const consumer = json["consumer-app"];

  it("has its own AWS provider, tags and local state", () => {
    expect(consumer.provider.aws[0]).toMatchObject({ region: "us-east-1", profile: "app", allowed_account_ids: ["222222222222"] });
    expect(consumer.provider.aws[0].default_tags[0].tags.Stack).toBe("consumer-app");
    expect(consumer.terraform.backend.local.path).toBe("../../../terraform.orders.consumer-app.tfstate");
  });

  it("creates a VPC that overlaps the provider's CIDR on purpose", () => {
    const cidrs = [json.provider, consumer].map((s) => resources(s, "aws_vpc")[0].cidr_block);
    expect(cidrs).toEqual(["10.0.0.0/16", "10.0.0.0/16"]);
  });

  it("creates an interface endpoint whose service name comes from the provider's output", () => {
    expect(text["consumer-app"]).toHaveResourceWithProperties(VpcEndpoint, { vpc_endpoint_type: "Interface", private_dns_enabled: false });
    const endpoint = resources(consumer, VpcEndpoint.tfResourceType)[0];
    expect(endpoint.service_name).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-provider\.outputs\./);
    expect(consumer.data.terraform_remote_state["cross-stack-reference-input-provider"].config.path).toBe("../../../terraform.orders.provider.tfstate");
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
    expect(precondition.error_message).toContain("AZ-ID guard: consumer app has subnets in AZ IDs %s, but the provider's NLB serves only %s");
  });

  it("names the writer and reader in a private zone", () => {
    expect(text["consumer-app"]).toHaveResourceWithProperties(Route53Zone, { name: "orders.db.internal" });
    expect(resources(consumer, Route53Record.tfResourceType).map((r) => [r.name, r.type]).sort()).toEqual([
      ["reader.orders.db.internal", "A"],
      ["writer.orders.db.internal", "A"],
    ]);
  });

  it("outputs addresses and connection strings", () => {
    expect(consumer.output.writer_address.value).toBe("${aws_route53_record.Access_WriterRecord_017432F5.fqdn}:3306");
    expect(consumer.output.reader_address.value).toBe("${aws_route53_record.Access_ReaderRecord_AC58B7CA.fqdn}:3307");
    expect(consumer.output.writer_connection.value.jdbc).toBe("jdbc:mysql://${aws_route53_record.Access_WriterRecord_017432F5.fqdn}:3306/?sslMode=REQUIRED");
    expect(Object.keys(consumer.output)).toEqual(expect.arrayContaining(["endpoint_id", "endpoint_dns_name"]));
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
    for (const id of local) expect(id).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-provider\.outputs\./);
  });

  it("looks up an existing network and admits security groups", () => {
    const { json } = synthesize((c) => {
      c.consumers[0].network = EXISTING_NETWORK;
      c.consumers[0].allowedCidrs = [];
      c.consumers[0].allowedSecurityGroupIds = ["sg-0123456789abcdef0"];
    });
    const consumer = json["consumer-app"];
    expect(resources(consumer, "aws_vpc")).toHaveLength(0);
    expect(resources(consumer, VpcSecurityGroupIngressRule.tfResourceType).map((r) => r.referenced_security_group_id)).toEqual([
      "sg-0123456789abcdef0",
      "sg-0123456789abcdef0",
    ]);
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

  it("falls back to the endpoint's DNS name without a private zone", () => {
    const { json } = synthesize((c) => delete c.consumers[0].privateZone);
    expect(json["consumer-app"].output.writer_address.value).toBe("${aws_vpc_endpoint.Access_Endpoint_E9962F5B.dns_entry[0].dns_name}:3306");
  });

  it("opens the instance-pinned member ports only when the consumer asks, keyed by the source", () => {
    const { json } = synthesize((c) => {
      c.consumers[0].memberPorts = true;
      c.consumers[0].allowedSecurityGroupIds = ["sg-0123456789abcdef0"];
    });
    const rules = resources(json["consumer-app"], VpcSecurityGroupIngressRule.tfResourceType).filter((r: Json) => r.from_port === 3316);
    expect(rules.map((r: Json) => [r.from_port, r.to_port, r.cidr_ipv4 ?? r.referenced_security_group_id])).toEqual([
      [3316, 3317, "10.0.0.0/16"],
      [3316, 3317, "sg-0123456789abcdef0"],
    ]);
    expect(json["consumer-app"].resource.aws_vpc_security_group_ingress_rule).toHaveProperty(["Access_IngressMembers-10_0_0_0_16_ED58F7F3"]);
    expect(json["consumer-app"].output.member_addresses.value).toEqual(["${aws_route53_record.Access_WriterRecord_017432F5.fqdn}:3316", "${aws_route53_record.Access_WriterRecord_017432F5.fqdn}:3317"]);
  });

  it("writes postgres connection strings for postgres engines", () => {
    expect(connectionStrings("aurora-postgresql", "db.internal", 5432)).toEqual({
      cli: 'psql "host=db.internal port=5432 dbname=postgres user=<user> sslmode=require"',
      jdbc: "jdbc:postgresql://db.internal:5432/postgres?sslmode=require",
    });
  });
});
