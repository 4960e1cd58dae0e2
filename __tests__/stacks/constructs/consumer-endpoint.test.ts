import { TerraformOutput } from "cdktf";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ConsumerEndpoint } from "../../../stacks/constructs/consumer-endpoint";
import { type Json, resources } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";

function build(mutate: (c: Json) => void = () => undefined, serviceRegion?: string) {
  const config = demoConfig(mutate);
  const consumer = config.consumers[0];
  let endpoint: ConsumerEndpoint | undefined;
  const { json } = synthConstruct((scope) => {
    endpoint = new ConsumerEndpoint(scope, "Access", {
      namePrefix: `${config.name}-${consumer.name}`,
      shareName: config.name,
      consumer,
      ports: config.provider.ports,
      network: demoNetwork(scope, config),
      serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
      serviceRegion,
      providerAzIds: ["use1-az1", "use1-az2"],
      databaseNames: {
        writer: "orders.cluster-c7tj4example.us-east-1.rds.amazonaws.com",
        reader: "orders.cluster-ro-c7tj4example.us-east-1.rds.amazonaws.com",
      },
    });
    new TerraformOutput(scope, "writer_host", { value: endpoint.writerHost });
  });
  return { json, endpoint: endpoint! };
}

const ruleIds = (json: Json) => Object.keys(json.resource[VpcSecurityGroupIngressRule.tfResourceType] ?? {}).sort();

describe("ConsumerEndpoint, alone", () => {
  it("keys each rule by its port and source, so removing the first CIDR touches no other rule", () => {
    const two = build((c) => (c.consumers[0].allowedCidrs = ["10.1.0.0/16", "10.2.0.0/16"]));
    const one = build((c) => (c.consumers[0].allowedCidrs = ["10.2.0.0/16"]));
    expect(ruleIds(two.json)).toHaveLength(4);
    // Every rule that stays keeps its address: nothing is replaced.
    expect(ruleIds(one.json).every((id) => ruleIds(two.json).includes(id))).toBe(true);
    expect(ruleIds(one.json)).toHaveLength(2);
  });

  it("remembers where each resource stood before, for the stack's moved blocks", () => {
    const { endpoint } = build((c) => (c.consumers[0].allowedSecurityGroupIds = ["sg-0123456789abcdef0"]));
    expect([...endpoint.previousIds.values()].sort()).toEqual(
      [
        "Endpoint",
        "EndpointSecurityGroup",
        "Ingress3306Cidr0",
        "Ingress3306sg-0123456789abcdef0",
        "Ingress3307Cidr0",
        "Ingress3307sg-0123456789abcdef0",
        "PrivateZone",
        "ReaderRecord",
        "WriterRecord",
      ].sort(),
    );
  });

  it("guards a same-region endpoint by the provider's AZ IDs, and not a cross-region one", () => {
    const same = resources(build().json, "aws_vpc_endpoint")[0];
    expect(same.lifecycle.precondition[0].error_message).toContain("AZ-ID guard");
    const cross = resources(build(() => undefined, "us-west-2").json, "aws_vpc_endpoint")[0];
    expect(cross.lifecycle).toBeUndefined();
    expect(cross.service_region).toBe("us-west-2");
  });

  it("names the writer and reader in the private zone, or falls back to the endpoint's DNS name", () => {
    const { json } = build();
    const friendly = (j: Json) =>
      resources(j, "aws_route53_record").filter(
        (r) => !String(r.name).startsWith("${aws_route53_zone.Access_RdsNames_"),
      );
    expect(
      friendly(json)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["reader.orders.db.internal", "writer.orders.db.internal"]);
    expect(json.output.writer_host.value).toMatch(/^\$\{aws_route53_record\.Access_WriterRecord_.*\.fqdn\}$/);
    const bare = build((c) => delete c.consumers[0].privateZone);
    expect(friendly(bare.json)).toHaveLength(0);
    expect(bare.json.output.writer_host.value).toMatch(/dns_entry\[0\]\.dns_name/);
  });

  it("gives each of the database's RDS names its own zone, whose apex aliases the endpoint, with or without a private zone", () => {
    const bare = build((c) => delete c.consumers[0].privateZone);
    const zones = resources(bare.json, "aws_route53_zone");
    expect(zones.map((z) => z.name).sort()).toEqual([
      "orders.cluster-c7tj4example.us-east-1.rds.amazonaws.com",
      "orders.cluster-ro-c7tj4example.us-east-1.rds.amazonaws.com",
    ]);
    for (const record of resources(bare.json, "aws_route53_record")) {
      expect(record.alias.name).toMatch(/^\$\{aws_vpc_endpoint\.Access_Endpoint_\w+\.dns_entry\[0\]\.dns_name\}$/);
      expect(record.name).toBe(record.zone_id.replace(".zone_id}", ".name}"));
    }
    expect(bare.endpoint.writerName).toBe("orders.cluster-c7tj4example.us-east-1.rds.amazonaws.com");
  });
});
