// One consumer account: its network and its endpoint to the provider's service. Composition only.
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Engine } from "../config/engines";
import { Config, Ports } from "../config/resolve";
import { ConsumerConfig } from "../config/schema";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { ConsumerEndpoint } from "./constructs/consumer-endpoint";
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
    const key = new OperationsKey(this, "OperationsKey", { name: prefix });
    this.network = new Network(this, "Network", { config: consumer.network, namePrefix: prefix, kmsKeyArn: key.arn });

    const sameRegion = consumer.account.region === provider.account.region;
    const access = new ConsumerEndpoint(this, "Access", {
      namePrefix: prefix,
      shareName: config.name,
      consumer,
      ports,
      network: this.network,
      serviceName: props.serviceName,
      serviceRegion: sameRegion ? undefined : provider.account.region,
      providerAzIds: props.providerAzIds,
    });
    this.endpoint = access.endpoint;
    const { writerHost, readerHost } = access;
    const endpointDns = this.endpoint.dnsEntry.get(0);
    // The endpoint's resources stood at the stack's top level, rules keyed by position, before
    // this construct held them: moved blocks keep existing deployments' resources in place.
    this.addOverride(
      "moved",
      [...access.previousIds].map(([resource, previousId]) => ({
        from: `${resource.terraformResourceType}.${previousId}`,
        to: `${resource.terraformResourceType}.${this.getLogicalId(resource)}`,
      })),
    );

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
