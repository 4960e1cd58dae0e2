// One consumer account: its network and its way in to the provider's database, through an
// interface endpoint to the endpoint service or resource endpoints to the shared configurations.
// Composition only.
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Engine } from "../config/engines";
import { Config, Ports } from "../config/resolve";
import { ConsumerConfig } from "../config/schema";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { ConsumerEndpoint } from "./constructs/consumer-endpoint";
import { ConsumerResourceEndpoint } from "./constructs/consumer-resource-endpoint";
import { Network } from "./constructs/network";
import { OperationsKey } from "./constructs/operations-key";

export interface ConsumerStackProps {
  readonly config: Config;
  readonly consumer: ConsumerConfig;
  /** What to connect to: values from the config, or cross-stack references to the provider. */
  readonly target: ConsumerTarget;
  /** The provider's AZ IDs: from the config, or a cross-stack reference to the provider. */
  readonly providerAzIds: string[];
}

export type ConsumerTarget =
  | { readonly transport: "endpoint-service"; readonly serviceName: string }
  | {
      readonly transport: "resource";
      readonly writerConfigurationArn: string;
      readonly readerConfigurationArn?: string;
      /** Set when the consumer accepts the RAM invitation. */
      readonly resourceShareArn?: string;
    };

export function consumerStackName(consumer: { name: string }): string {
  return `consumer-${consumer.name}`;
}

export class ConsumerStack extends TerraformStack {
  readonly network: Network;
  /** endpoint-service transport: the interface endpoint. */
  readonly endpoint?: VpcEndpoint;
  /** resource transport: the resource endpoints. */
  readonly resourceEndpoint?: ConsumerResourceEndpoint;

  constructor(scope: Construct, id: string, props: ConsumerStackProps) {
    super(scope, id);
    const { config, consumer } = props;
    const provider = config.provider;
    const prefix = `${config.name}-${consumer.name}`;
    addAwsProvider(this, { account: consumer.account, name: config.name, stackName: id, tags: config.tags });
    addBackend(this, consumer.backend, { name: config.name, stackName: id, region: consumer.account.region });

    const ports = provider.ports;
    const nameScope = { share: config.name, consumer: consumer.name, region: consumer.account.region };
    const key = new OperationsKey(this, "OperationsKey", { name: prefix, nameScope });
    this.network = new Network(this, "Network", { config: consumer.network, namePrefix: prefix, nameScope, kmsKeyArn: key.arn });

    const out = (name: string, value: unknown, description: string) => new TerraformOutput(this, name, { value, description });
    const { target } = props;
    if (target.transport === "resource") {
      const access = new ConsumerResourceEndpoint(this, "Access", {
        namePrefix: prefix,
        shareName: config.name,
        consumer,
        ports,
        network: this.network,
        writerConfigurationArn: target.writerConfigurationArn,
        readerConfigurationArn: target.readerConfigurationArn,
        resourceShareArn: target.resourceShareArn,
        providerAzIds: props.providerAzIds,
      });
      this.resourceEndpoint = access;
      out("writer_endpoint_id", access.writerEndpoint.id, "Resource endpoint of the writer.");
      if (access.readerEndpoint) out("reader_endpoint_id", access.readerEndpoint.id, "Resource endpoint of the readers.");
      out("writer_address", `${access.writerHost}:${ports.writer}`, "host:port of the writer.");
      out("writer_connection", connectionStrings(provider.database.engine, access.writerHost, ports.writer), "Ready-to-use CLI and JDBC connection strings for the writer.");
      if (access.readerHost && ports.reader !== null) {
        out("reader_address", `${access.readerHost}:${ports.reader}`, "host:port of the readers.");
        out("reader_connection", connectionStrings(provider.database.engine, access.readerHost, ports.reader), "Ready-to-use CLI and JDBC connection strings for the readers.");
      }
      return;
    }

    const sameRegion = consumer.account.region === provider.account.region;
    const access = new ConsumerEndpoint(this, "Access", {
      namePrefix: prefix,
      shareName: config.name,
      consumer,
      ports,
      network: this.network,
      serviceName: target.serviceName,
      serviceRegion: sameRegion ? undefined : provider.account.region,
      providerAzIds: props.providerAzIds,
    });
    const endpoint = access.endpoint;
    this.endpoint = endpoint;
    const { writerHost, readerHost } = access;
    const endpointDns = endpoint.dnsEntry.get(0);
    // The endpoint's resources stood at the stack's top level, rules keyed by position, before
    // this construct held them: moved blocks keep existing deployments' resources in place.
    this.addOverride(
      "moved",
      [...access.previousIds].map(([resource, previousId]) => ({
        from: `${resource.terraformResourceType}.${previousId}`,
        to: `${resource.terraformResourceType}.${this.getLogicalId(resource)}`,
      })),
    );

    out("endpoint_id", endpoint.id, "Interface endpoint id; the provider accepts this connection.");
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
