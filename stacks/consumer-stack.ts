// One consumer account: its network and its way in to the provider's database, through an
// interface endpoint to the endpoint service or resource endpoints to the shared configurations.
// Composition only; the outputs' names and descriptions are stacks/outputs.ts's.
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { TerraformStack } from "cdktf";
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
import { CONSUMER_OUTPUTS as C, outputsOf } from "./outputs";

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

    const { target } = props;
    const engine = provider.database.engine;
    const bundle = rdsCaBundle(provider.account.region);
    if (target.transport === "resource") {
      const out = outputsOf(this, "consumer", "resource");
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
      if (access.databaseEndpoint) out(C.databaseEndpointId, access.databaseEndpoint.id);
      if (access.writerEndpoint) out(C.writerEndpointId, access.writerEndpoint.id);
      if (access.readerEndpoint) out(C.readerEndpointId, access.readerEndpoint.id);
      const writer = { address: C.writerAddress, connection: C.writerConnection, unverified: C.writerConnectionUnverified, friendly: C.friendlyWriterAddress };
      const reader = { address: C.readerAddress, connection: C.readerConnection, unverified: C.readerConnectionUnverified, friendly: C.friendlyReaderAddress };
      const roles = [
        { outputs: writer, name: access.writerName, host: access.writerHost, port: ports.writer },
        ...(access.readerHost && ports.reader !== null ? [{ outputs: reader, name: access.readerName, host: access.readerHost, port: ports.reader }] : []),
      ];
      if (access.writerName) out(C.caBundle, bundle);
      for (const { outputs, name, host, port } of roles) {
        if (name) {
          out(outputs.address, `${name}:${port}`, true);
          out(outputs.connection, connectionStrings(engine, name, port, bundle));
        } else {
          // DNS-type configurations: the consumer's names reach the database, and its certificate carries none of them.
          out(outputs.address, `${host}:${port}`, false);
        }
        out(outputs.unverified, unverifiedConnectionStrings(engine, host, port));
        if (consumer.privateZone) out(outputs.friendly, `${host}:${port}`);
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

    const out = outputsOf(this, "consumer", "endpoint-service");
    out(C.endpointId, endpoint.id);
    out(C.endpointDnsName, endpointDns.dnsName);
    out(C.caBundle, bundle);
    out(C.writerAddress, `${access.writerName}:${ports.writer}`);
    out(C.writerConnection, connectionStrings(engine, access.writerName, ports.writer, bundle));
    out(C.writerConnectionUnverified, unverifiedConnectionStrings(engine, writerHost, ports.writer));
    if (ports.reader !== null) {
      out(C.readerAddress, `${access.readerName}:${ports.reader}`);
      out(C.readerConnection, connectionStrings(engine, access.readerName, ports.reader, bundle));
      out(C.readerConnectionUnverified, unverifiedConnectionStrings(engine, readerHost, ports.reader));
    }
    if (consumer.privateZone) {
      out(C.friendlyWriterAddress, `${writerHost}:${ports.writer}`);
      if (ports.reader !== null) out(C.friendlyReaderAddress, `${readerHost}:${ports.reader}`);
    }
    if (consumer.memberPorts && ports.members.length > 0) {
      out(C.memberPorts, ports.members);
      if (access.instanceNames) out(C.instanceNames, access.instanceNames);
      out(C.memberAddresses, ports.members.map((port) => `${writerHost}:${port}`));
    }
  }
}
