// One consumer account: an interface endpoint to the provider's service, guarded and named.
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, TerraformLocal, TerraformOutput, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { Engine } from "../config/engines";
import { Config, Ports } from "../config/resolve";
import { ConsumerConfig } from "../config/schema";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { Network } from "./constructs/network";
import { OperationsKey } from "./constructs/operations-key";

export interface ConsumerStackProps {
  readonly config: Config;
  readonly consumer: ConsumerConfig;
  /** Endpoint service name: from the config, or a cross-stack reference to the provider. */
  readonly serviceName: string;
  /** The provider's AZ IDs: from the config, or a cross-stack reference to the provider. */
  readonly providerAzIds: string[];
}

export function consumerStackName(consumer: { name: string }): string {
  return `consumer-${consumer.name}`;
}

export class ConsumerStack extends TerraformStack {
  readonly network: Network;
  readonly endpoint: VpcEndpoint;

  constructor(scope: Construct, id: string, props: ConsumerStackProps) {
    super(scope, id);
    const { config, consumer } = props;
    const provider = config.provider;
    const prefix = `${config.name}-${consumer.name}`;
    addAwsProvider(this, { account: consumer.account, name: config.name, stackName: id, tags: config.tags });
    addBackend(this, consumer.backend, { name: config.name, stackName: id, region: consumer.account.region });

    const ports = provider.ports;
    const listenerPorts = ports.reader === null ? [ports.writer] : [ports.writer, ports.reader];
    const key = new OperationsKey(this, "OperationsKey", { name: prefix });
    this.network = new Network(this, "Network", { config: consumer.network, namePrefix: prefix, kmsKeyArn: key.arn });

    const sg = new SecurityGroup(this, "EndpointSecurityGroup", {
      name: `${prefix}-endpoint`,
      description: `Endpoint to the ${config.name} database`,
      vpcId: this.network.vpcId,
      tags: { Name: `${prefix}-endpoint` },
    });
    for (const port of listenerPorts) {
      consumer.allowedCidrs.forEach((cidr, i) => {
        new VpcSecurityGroupIngressRule(this, `Ingress${port}Cidr${i}`, {
          securityGroupId: sg.id,
          cidrIpv4: cidr,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: `Database port ${port} from ${cidr}`,
        });
      });
      consumer.allowedSecurityGroupIds.forEach((source) => {
        new VpcSecurityGroupIngressRule(this, `Ingress${port}${source}`, {
          securityGroupId: sg.id,
          referencedSecurityGroupId: source,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: `Database port ${port} from ${source}`,
        });
      });
    }

    if (consumer.memberPorts && ports.members.length > 0) {
      // One rule per source for the whole block of instance-pinned ports, keyed by the source.
      const [from, to] = [ports.members[0], ports.members[ports.members.length - 1]];
      const rule = (source: string, peer: { cidrIpv4: string } | { referencedSecurityGroupId: string }) =>
        new VpcSecurityGroupIngressRule(this, `IngressMembers-${source.replace(/[^\w-]/g, "_")}`, {
          securityGroupId: sg.id,
          ...peer,
          ipProtocol: "tcp",
          fromPort: from,
          toPort: to,
          description: `Member ports ${from}-${to} from ${source}`,
        });
      consumer.allowedCidrs.forEach((cidr) => rule(cidr, { cidrIpv4: cidr }));
      consumer.allowedSecurityGroupIds.forEach((group) => rule(group, { referencedSecurityGroupId: group }));
    }

    const sameRegion = consumer.account.region === provider.account.region;
    // Named locals keep the precondition short in the plan and in its error message.
    const providerAzIds = new TerraformLocal(this, "provider_az_ids", props.providerAzIds).asList;
    const consumerAzIds = new TerraformLocal(this, "consumer_az_ids", this.network.azIds).asList;
    const strayZones = Fn.setsubtract(consumerAzIds, providerAzIds);
    this.endpoint = new VpcEndpoint(this, "Endpoint", {
      vpcId: this.network.vpcId,
      serviceName: props.serviceName,
      serviceRegion: sameRegion ? undefined : provider.account.region,
      vpcEndpointType: "Interface",
      subnetIds: this.network.subnetIds,
      securityGroupIds: [sg.id],
      privateDnsEnabled: false,
      tags: { Name: `${prefix}-endpoint` },
      lifecycle: sameRegion
        ? {
            precondition: [
              {
                // PrivateLink serves only the zones the provider's NLB is in, matched by AZ ID.
                // A template, not Op.eq: cdktf 0.21 renders the literal 0 in Op.eq as "undefined".
                condition: `\${${Token.asString(Fn.lengthOf(strayZones))} == 0}`,
                errorMessage: Fn.format(
                  `AZ-ID guard: consumer ${consumer.name} has subnets in AZ IDs %s, but the provider's NLB serves only %s. ` +
                    "Place the consumer's subnets in the provider's AZ IDs, or add subnets in those zones to the provider.",
                  [Fn.jsonencode(consumerAzIds), Fn.jsonencode(providerAzIds)],
                ),
              },
            ],
          }
        : undefined,
    });

    const endpointDns = this.endpoint.dnsEntry.get(0);
    let writerHost = endpointDns.dnsName;
    let readerHost = endpointDns.dnsName;
    if (consumer.privateZone) {
      const zone = new Route53Zone(this, "PrivateZone", {
        name: consumer.privateZone.name,
        comment: `Friendly names for the ${config.name} database`,
        vpc: [{ vpcId: this.network.vpcId }],
      });
      const record = (role: string) =>
        new Route53Record(this, `${role[0].toUpperCase()}${role.slice(1)}Record`, {
          zoneId: zone.zoneId,
          name: `${role}.${consumer.privateZone!.name}`,
          type: "A",
          alias: { name: endpointDns.dnsName, zoneId: endpointDns.hostedZoneId, evaluateTargetHealth: false },
        });
      writerHost = record("writer").fqdn;
      if (ports.reader !== null) readerHost = record("reader").fqdn;
    }

    const out = (name: string, value: unknown, description: string) => new TerraformOutput(this, name, { value, description });
    out("endpoint_id", this.endpoint.id, "Interface endpoint id; the provider accepts this connection.");
    out("endpoint_dns_name", endpointDns.dnsName, "Regional DNS name of the endpoint.");
    out("writer_address", `${writerHost}:${ports.writer}`, "host:port of the writer.");
    out("writer_connection", connectionStrings(provider.database.engine, writerHost, ports.writer), "Ready-to-use CLI and JDBC connection strings for the writer.");
    if (ports.reader !== null) {
      out("reader_address", `${readerHost}:${ports.reader}`, "host:port of the readers.");
      out("reader_connection", connectionStrings(provider.database.engine, readerHost, ports.reader), "Ready-to-use CLI and JDBC connection strings for the readers.");
    }
    if (consumer.memberPorts && ports.members.length > 0) {
      out("member_addresses", ports.members.map((port) => `${writerHost}:${port}`), "Instance-pinned host:port per member slot; the provider's failover function reports which instance holds each slot.");
    }
  }
}

/**
 * CLI and JDBC strings. TLS is required but not verified against the name: the RDS
 * certificate names the database host, not this endpoint's name.
 */
export function connectionStrings(engine: Engine, host: string, port: Ports["writer"]): { cli: string; jdbc: string } {
  if (engine === "mysql" || engine === "aurora-mysql") {
    return {
      cli: `mysql --host=${host} --port=${port} --user=<user> --ssl-mode=REQUIRED`,
      jdbc: `jdbc:mysql://${host}:${port}/?sslMode=REQUIRED`,
    };
  }
  return {
    cli: `psql "host=${host} port=${port} dbname=postgres user=<user> sslmode=require"`,
    jdbc: `jdbc:postgresql://${host}:${port}/postgres?sslmode=require`,
  };
}
