// Both stacks with "transport": "resource": the provider shares resource configurations through
// AWS RAM and has no load balancer, function or alarms; each consumer reaches them through
// resource endpoints with the same names and outputs as the endpoint-service transport.
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpclatticeResourceGateway } from "@cdktf/provider-aws/lib/vpclattice-resource-gateway";
import { resources, synthesize } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";

const REMOTE = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-provider\.outputs\./;

describe("resource transport, demo config", () => {
  const { text, json } = synthesize(toResourceTransport);
  const provider = json.provider;
  const consumer = json["consumer-app"];

  it("shows in the provider stack: a gateway, configurations and a share, and no load balancer, function, alarm or archive", () => {
    expect(text.provider).toHaveResource(VpclatticeResourceGateway);
    for (const type of [
      "aws_lb",
      "aws_lb_listener",
      "aws_lb_target_group",
      "aws_vpc_endpoint_service",
      "aws_lambda_function",
      "aws_cloudwatch_event_rule",
      "aws_cloudwatch_metric_alarm",
      "aws_sns_topic",
      "aws_sqs_queue",
    ]) {
      expect({ type, count: resources(provider, type).length }).toEqual({ type, count: 0 });
    }
    expect(Object.keys(provider.terraform.required_providers)).toEqual(["aws"]);
    expect(resources(provider, "aws_ram_principal_association")).toHaveLength(3);
  });

  it("outputs the database's configuration and names, the share and the gateway's group, not the endpoint service's", () => {
    expect(
      Object.keys(provider.output)
        .filter((o) => !o.startsWith("cross-stack-output"))
        .sort(),
    ).toEqual([
      "az_ids",
      "dashboard_name",
      "dashboard_url",
      "database_identifier",
      "database_port",
      "database_resource_configuration_arn",
      "descriptor_arn",
      "descriptor_name",
      "reader_name",
      "reader_port",
      "resource_gateway_security_group_id",
      "resource_share_arn",
      "writer_name",
      "writer_port",
    ]);
    expect(provider.output.writer_port.value).toBe(3306);
    expect(resources(provider, "aws_vpclattice_resource_configuration").map((r) => r.type)).toEqual(["ARN"]);
  });

  it("points the consumer's one endpoint, with private DNS, at the provider's configuration through its state", () => {
    const endpoints = resources(consumer, VpcEndpoint.tfResourceType);
    expect(endpoints.map((e) => [e.vpc_endpoint_type, e.private_dns_enabled])).toEqual([["Resource", true]]);
    expect(endpoints[0].resource_configuration_arn).toMatch(REMOTE);
    expect(resources(consumer, "aws_ram_resource_share_accepter")).toHaveLength(0);
  });

  it("gives verifying connection strings by the database's own names, on the database's port", () => {
    expect(consumer.output.writer_address.value).toMatch(
      /^\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.[\w-]+endpoint\}:3306$/,
    );
    expect(consumer.output.reader_address.value).toMatch(
      /^\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.[\w-]+reader_endpoint\}:3306$/,
    );
    expect(consumer.output.writer_connection.value.cli).toMatch(
      /--port=3306 --user=<user> --ssl-mode=VERIFY_IDENTITY --ssl-ca=us-east-1-bundle\.pem$/,
    );
    expect(consumer.output.friendly_writer_address.value).toMatch(
      /^\$\{aws_route53_record\.Access_WriterRecord_\w+\.fqdn\}:3306$/,
    );
    expect(consumer.output.writer_connection_unverified.value.cli).toContain("--ssl-mode=REQUIRED");
    expect(consumer.moved).toBeUndefined();
  });

  it("keeps DNS-type configurations as an option: two endpoints, friendly names, and only unverified strings", () => {
    const { json: dns } = synthesize((c) => {
      toResourceTransport(c);
      c.provider.resourceDefinition = "dns";
    });
    expect(resources(dns.provider, "aws_vpclattice_resource_configuration").map((r) => r.type)).toEqual([
      "SINGLE",
      "SINGLE",
    ]);
    expect(Object.keys(dns.provider.output)).toEqual(
      expect.arrayContaining(["writer_resource_configuration_arn", "reader_resource_configuration_arn"]),
    );
    const app = dns["consumer-app"];
    expect(resources(app, VpcEndpoint.tfResourceType).map((e) => [e.vpc_endpoint_type, e.private_dns_enabled])).toEqual(
      [
        ["Resource", false],
        ["Resource", false],
      ],
    );
    expect(app.output.writer_address.value).toMatch(/^\$\{aws_route53_record\.Access_WriterRecord_\w+\.fqdn\}:3306$/);
    // The RDS certificate carries none of the names that reach the database: nothing claims to verify.
    expect(app.output.writer_connection).toBeUndefined();
    expect(app.output.writer_connection_unverified.value.cli).toContain("--port=3306");
  });

  it("takes the configuration, the names and the share from the consumer's config when given, and accepts the invitation", () => {
    const arn = (n: number) =>
      `arn:aws:vpc-lattice:us-east-1:111111111111:resourceconfiguration/rcfg-0123456789abcdef${n}`;
    const share = "arn:aws:ram:us-east-1:111111111111:resource-share/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
    const names = {
      writer: "orders.cluster-c7tj4example.us-east-1.rds.amazonaws.com",
      reader: "orders.cluster-ro-c7tj4example.us-east-1.rds.amazonaws.com",
    };
    const { json: own } = synthesize((c) => {
      toResourceTransport(c);
      Object.assign(c.consumers[0], {
        resourceConfigurationArn: arn(0),
        databaseNames: names,
        acceptResourceShare: true,
        resourceShareArn: share,
      });
    });
    const app = own["consumer-app"];
    expect(resources(app, VpcEndpoint.tfResourceType).map((e) => e.resource_configuration_arn)).toEqual([arn(0)]);
    expect(resources(app, "aws_ram_resource_share_accepter")).toEqual([expect.objectContaining({ share_arn: share })]);
    expect(app.output.reader_address.value).toBe(`${names.reader}:3306`);
    // Nothing left to read from the provider's state.
    expect(app.data.terraform_remote_state).toBeUndefined();
    const { json: byDns } = synthesize((c) => {
      toResourceTransport(c);
      c.provider.resourceDefinition = "dns";
      Object.assign(c.consumers[0], { resourceConfigurationArn: arn(0), readerResourceConfigurationArn: arn(1) });
    });
    expect(
      resources(byDns["consumer-app"], VpcEndpoint.tfResourceType)
        .map((e) => e.resource_configuration_arn)
        .sort(),
    ).toEqual([arn(0), arn(1)]);
    expect(byDns["consumer-app"].data.terraform_remote_state).toBeUndefined();
  });

  it("accepts the provider's own share, read from its state, when only acceptResourceShare is set", () => {
    const { json: own } = synthesize((c) => {
      toResourceTransport(c);
      c.consumers[0].acceptResourceShare = true;
    });
    expect(resources(own["consumer-app"], "aws_ram_resource_share_accepter")[0].share_arn).toMatch(REMOTE);
  });

  it("keeps the endpoint-service stacks as they were when the transport is named explicitly", () => {
    const implicit = synthesize();
    const explicit = synthesize((c) => (c.provider.transport = "endpoint-service"));
    expect(explicit.text).toEqual(implicit.text);
  });
});
