// One consumer account: its network and its way in to the provider's database, through an
// interface endpoint to the endpoint service or resource endpoints to the shared configurations.
// Composition only.
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Config } from "../config/resolve";
import { ConsumerConfig } from "../config/schema";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { connectionStrings, rdsCaBundle, unverifiedConnectionStrings } from "./connection-strings";
import { ConsumerEndpoint } from "./constructs/consumer-endpoint";
import { DatabaseNames } from "./constructs/consumer-rds-names";
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
  | {
      readonly transport: "endpoint-service";
      readonly serviceName: string;
      /** The database's own RDS names, resolved to the endpoint inside the consumer's VPC. */
      readonly databaseNames: DatabaseNames;
    }
  | {
      readonly transport: "resource";
      /** One ARN-type configuration of the database; its resource endpoint answers the RDS names. */
      readonly definition: "arn";
      readonly configurationArn: string;
      readonly databaseNames: DatabaseNames;
      /** Set when the consumer accepts the RAM invitation. */
      readonly resourceShareArn?: string;
    }
  | {
      readonly transport: "resource";
      /** DNS-type configurations of the writer and reader endpoint names. */
      readonly definition: "dns";
      readonly writerConfigurationArn: string;
      readonly readerConfigurationArn?: string;
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
    const engine = provider.database.engine;
    const bundle = rdsCaBundle(provider.account.region);
    const samePort = "The port may differ from the database's own: TLS checks the name, not the port.";
    if (target.transport === "resource") {
      const access = new ConsumerResourceEndpoint(this, "Access", {
        namePrefix: prefix,
        shareName: config.name,
        consumer,
        ports,
        network: this.network,
        configurations:
          target.definition === "arn"
            ? { definition: "arn", configurationArn: target.configurationArn, databaseNames: target.databaseNames }
            : { definition: "dns", writerConfigurationArn: target.writerConfigurationArn, readerConfigurationArn: target.readerConfigurationArn },
        resourceShareArn: target.resourceShareArn,
        providerAzIds: props.providerAzIds,
      });
      this.resourceEndpoint = access;
      if (access.databaseEndpoint) out("database_endpoint_id", access.databaseEndpoint.id, "Resource endpoint of the database, with private DNS: it answers the database's own RDS names in this VPC.");
      if (access.writerEndpoint) out("writer_endpoint_id", access.writerEndpoint.id, "Resource endpoint of the writer.");
      if (access.readerEndpoint) out("reader_endpoint_id", access.readerEndpoint.id, "Resource endpoint of the readers.");
      const roles = [
        { role: "writer", name: access.writerName, host: access.writerHost, port: ports.writer },
        ...(access.readerHost && ports.reader !== null ? [{ role: "reader", name: access.readerName, host: access.readerHost, port: ports.reader }] : []),
      ];
      if (access.writerName) out("ca_bundle", bundle, "The RDS CA bundle of the database's region: download it from url to file, where the connection strings look for it.");
      for (const { role, name, host, port } of roles) {
        if (name) {
          out(`${role}_address`, `${name}:${port}`, `host:port of the ${role}: the database's own RDS name, which the resource endpoint's private DNS answers.`);
          out(`${role}_connection`, connectionStrings(engine, name, port, bundle), `Connection strings for the ${role} that verify the server (verify-full / VERIFY_IDENTITY) against the RDS CA bundle.`);
        } else {
          // DNS-type configurations: the consumer's names reach the database, and its certificate carries none of them.
          out(`${role}_address`, `${host}:${port}`, `host:port of the ${role}, by a name the RDS certificate does not carry (resourceDefinition dns).`);
        }
        out(`${role}_connection_unverified`, unverifiedConnectionStrings(engine, host, port), "Encrypted but unverified, for clients that cannot verify the server.");
        if (consumer.privateZone) out(`friendly_${role}_address`, `${host}:${port}`, `${role}.<zone>:port, for clients that do not verify the server.`);
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
      databaseNames: target.databaseNames,
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
    out("ca_bundle", bundle, "The RDS CA bundle of the database's region: download it from url to file, where the connection strings look for it.");
    out("writer_address", `${access.writerName}:${ports.writer}`, `host:port of the writer: its own RDS name, answered with this endpoint inside the VPC. ${samePort}`);
    out("writer_connection", connectionStrings(engine, access.writerName, ports.writer, bundle), `Connection strings for the writer that verify the server (verify-full / VERIFY_IDENTITY) against the RDS CA bundle. ${samePort}`);
    out("writer_connection_unverified", unverifiedConnectionStrings(engine, writerHost, ports.writer), "Encrypted but unverified, for clients that cannot verify the server: the friendly or endpoint name, which the RDS certificate does not carry.");
    if (ports.reader !== null) {
      out("reader_address", `${access.readerName}:${ports.reader}`, `host:port of the readers: the reader endpoint's RDS name. ${samePort}`);
      out("reader_connection", connectionStrings(engine, access.readerName, ports.reader, bundle), `Connection strings for the readers that verify the server. ${samePort}`);
      out("reader_connection_unverified", unverifiedConnectionStrings(engine, readerHost, ports.reader), "Encrypted but unverified, for clients that cannot verify the server.");
    }
    if (consumer.privateZone) {
      out("friendly_writer_address", `${writerHost}:${ports.writer}`, "writer.<zone>:port, for clients that do not verify the server.");
      if (ports.reader !== null) out("friendly_reader_address", `${readerHost}:${ports.reader}`, "reader.<zone>:port, for clients that do not verify the server.");
    }
    if (consumer.memberPorts && ports.members.length > 0) {
      out("member_ports", ports.members, "Instance-pinned ports, one per member slot; the provider's failover function reports which instance holds each slot.");
      if (access.instanceNames) {
        out("instance_names", access.instanceNames, `Instance endpoint names that resolve to this endpoint: connect to an instance's name on the member port of its slot, with verification on (a name on another slot's port is refused). ${samePort}`);
      }
      out("member_addresses", ports.members.map((port) => `${writerHost}:${port}`), "Instance-pinned host:port per member slot, by the friendly or endpoint name (unverified clients).");
    }
  }
}
