import { TerraformOutput } from "cdktf";
import { ConsumerResourceEndpoint } from "../../../stacks/constructs/consumer-resource-endpoint";
import { type Json, resources } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";
import { toResourceTransport } from "../../terraform/matrix";

const WRITER = "arn:aws:vpc-lattice:us-east-1:111111111111:resourceconfiguration/rcfg-0123456789abcdef0";
const READER = "arn:aws:vpc-lattice:us-east-1:111111111111:resourceconfiguration/rcfg-0123456789abcdef1";
const SHARE = "arn:aws:ram:us-east-1:111111111111:resource-share/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";

const NAMES = {
  writer: "orders.cluster-c7tj4example.us-east-1.rds.amazonaws.com",
  reader: "orders.cluster-ro-c7tj4example.us-east-1.rds.amazonaws.com",
};

/** DNS-type configurations (resourceDefinition dns), unless options.arn asks for the database's ARN-type one. */
function build(
  mutate: (c: Json) => void = () => undefined,
  options: { reader?: boolean; share?: boolean; arn?: boolean } = {},
): Json {
  const config = demoConfig((c) => {
    toResourceTransport(c);
    mutate(c);
  });
  const consumer = config.consumers[0];
  return synthConstruct((scope) => {
    const access = new ConsumerResourceEndpoint(scope, "Access", {
      namePrefix: `${config.name}-${consumer.name}`,
      shareName: config.name,
      consumer,
      ports: config.provider.ports,
      network: demoNetwork(scope, config),
      configurations: options.arn
        ? {
            definition: "arn",
            configurationArn: WRITER,
            databaseNames: options.reader === false ? { writer: NAMES.writer } : NAMES,
          }
        : {
            definition: "dns",
            writerConfigurationArn: WRITER,
            readerConfigurationArn: options.reader === false ? undefined : READER,
          },
      resourceShareArn: options.share ? SHARE : undefined,
      providerAzIds: ["use1-az1", "use1-az2"],
    });
    new TerraformOutput(scope, "writer_host", { value: access.writerHost });
    if (access.readerHost) new TerraformOutput(scope, "reader_host", { value: access.readerHost });
  }).json;
}

describe("ConsumerResourceEndpoint, alone", () => {
  it("creates one endpoint with private DNS for the database's ARN-type configuration, and points the friendly names at the RDS names", () => {
    const json = build(() => undefined, { arn: true, share: true });
    const [endpoint] = resources(json, "aws_vpc_endpoint");
    expect(resources(json, "aws_vpc_endpoint")).toHaveLength(1);
    expect(endpoint).toMatchObject({
      vpc_endpoint_type: "Resource",
      resource_configuration_arn: WRITER,
      private_dns_enabled: true,
      tags: { Name: "orders-app-database" },
    });
    expect(endpoint.depends_on).toEqual(["aws_ram_resource_share_accepter.Access_ShareAccepter_ACB0BD9F"]);
    expect(
      resources(json, "aws_route53_record")
        .map((r) => [r.name, r.type, r.records])
        .sort(),
    ).toEqual([
      ["reader.orders.db.internal", "CNAME", [NAMES.reader]],
      ["writer.orders.db.internal", "CNAME", [NAMES.writer]],
    ]);
    // No zones of RDS names of our own: AWS answers them through the endpoint's private DNS.
    expect(resources(json, "aws_route53_zone").map((z) => z.name)).toEqual(["orders.db.internal"]);
    const bare = build((c) => delete c.consumers[0].privateZone, { arn: true });
    expect(bare.output).toMatchObject({ writer_host: { value: NAMES.writer }, reader_host: { value: NAMES.reader } });
  });

  it("creates one resource endpoint per configuration, in the consumer's subnets behind its own group", () => {
    const endpoints = resources(build(), "aws_vpc_endpoint").sort((a, b) => a.tags.Name.localeCompare(b.tags.Name));
    expect(
      endpoints.map((e) => [e.tags.Name, e.vpc_endpoint_type, e.resource_configuration_arn, e.service_name]),
    ).toEqual([
      ["orders-app-reader", "Resource", READER, undefined],
      ["orders-app-writer", "Resource", WRITER, undefined],
    ]);
    for (const e of endpoints) {
      expect(e.security_group_ids).toEqual(["${aws_security_group.Access_SecurityGroup_946704A6.id}"]);
      expect(e.subnet_ids).toHaveLength(2);
      // The AZ guard asks for one zone in common with the gateway, not every zone.
      expect(e.lifecycle.precondition[0].condition).toMatch(
        /^\$\{length\(setintersection\(local\.consumer_az_ids, \[?local\.provider_az_ids\]?\)\) > 0\}$/,
      );
      expect(e.lifecycle.precondition[0].error_message).toContain("AZ-ID guard");
    }
  });

  it("opens the database port once, per source, with the same rules as the endpoint service", () => {
    const json = build((c) => (c.consumers[0].allowedSecurityGroupIds = ["sg-0123456789abcdef0"]));
    const rules = resources(json, "aws_vpc_security_group_ingress_rule");
    expect(rules.map((r) => [r.from_port, r.to_port, r.cidr_ipv4 ?? r.referenced_security_group_id]).sort()).toEqual([
      [3306, 3306, "10.0.0.0/16"],
      [3306, 3306, "sg-0123456789abcdef0"],
    ]);
    // Keyed by port and source, as the endpoint service's rules are.
    expect(
      Object.keys(json.resource.aws_vpc_security_group_ingress_rule)
        .map((id) => id.replace(/_[0-9A-F]{8}$/, ""))
        .sort(),
    ).toEqual(["Access_Ingress-3306-10_0_0_0_16", "Access_Ingress-3306-sg-0123456789abcdef0"]);
  });

  it("names writer.<zone> and reader.<zone> with CNAMEs to each endpoint, or gives the endpoints' own names", () => {
    const json = build();
    const records = resources(json, "aws_route53_record").sort((a, b) => a.name.localeCompare(b.name));
    expect(records.map((r) => [r.name, r.type, r.records])).toEqual([
      [
        "reader.orders.db.internal",
        "CNAME",
        ["${aws_vpc_endpoint.Access_ReaderEndpoint_2DE2522C.dns_entry[0].dns_name}"],
      ],
      [
        "writer.orders.db.internal",
        "CNAME",
        ["${aws_vpc_endpoint.Access_WriterEndpoint_F0D26E7D.dns_entry[0].dns_name}"],
      ],
    ]);
    expect(json.output.writer_host.value).toMatch(/aws_route53_record\.Access_WriterRecord_.*\.fqdn/);
    const bare = build((c) => delete c.consumers[0].privateZone);
    expect(resources(bare, "aws_route53_record")).toHaveLength(0);
    expect(bare.output.reader_host.value).toBe(
      "${aws_vpc_endpoint.Access_ReaderEndpoint_2DE2522C.dns_entry[0].dns_name}",
    );
  });

  it("has one endpoint and no reader name when the provider shares a Multi-AZ instance", () => {
    const json = build((c) => (c.provider.database = { engine: "mysql", create: {} }), { reader: false });
    expect(resources(json, "aws_vpc_endpoint").map((e) => e.tags.Name)).toEqual(["orders-app-writer"]);
    expect(resources(json, "aws_route53_record").map((r) => r.name)).toEqual(["writer.orders.db.internal"]);
    expect(json.output.reader_host).toBeUndefined();
  });

  it("accepts the RAM invitation before creating the endpoints when asked, and not otherwise", () => {
    expect(resources(build(), "aws_ram_resource_share_accepter")).toHaveLength(0);
    const json = build(() => undefined, { share: true });
    expect(resources(json, "aws_ram_resource_share_accepter")).toEqual([{ share_arn: SHARE }]);
    for (const e of resources(json, "aws_vpc_endpoint"))
      expect(e.depends_on).toEqual(["aws_ram_resource_share_accepter.Access_ShareAccepter_ACB0BD9F"]);
  });
});
