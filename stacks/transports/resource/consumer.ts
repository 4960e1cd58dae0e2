// The resource transport's consumer side: resource endpoints to the shared configurations, and
// the outputs that name them and the addresses behind them.
import { connectionStrings, rdsCaBundle, unverifiedConnectionStrings } from "../../connection-strings";
import {
  ConsumerResourceEndpoint,
  type ConsumerResourceEndpointProps,
} from "../../constructs/consumer-resource-endpoint";
import { CONSUMER_OUTPUTS as C, outputsOf } from "../../outputs";
import type { ConsumerParts, ConsumerTarget } from "../transport";

export interface ResourceTargetProps {
  /**
   * arn: one ARN-type configuration of the database, whose resource endpoint answers the RDS
   * names; dns: DNS-type configurations of the writer and reader endpoint names.
   */
  readonly configurations: ConsumerResourceEndpointProps["configurations"];
  /** Set when the consumer accepts the RAM invitation. */
  readonly resourceShareArn?: string;
}

export class ResourceTarget implements ConsumerTarget {
  readonly transport = "resource";

  constructor(readonly props: ResourceTargetProps) {}

  connect(parts: ConsumerParts): ConsumerResourceEndpoint {
    const { scope, config, consumer } = parts;
    const provider = config.provider;
    const ports = provider.ports;
    const engine = provider.database.engine;
    const bundle = rdsCaBundle(provider.account.region);
    const out = outputsOf(scope, "consumer", "resource");
    const access = new ConsumerResourceEndpoint(scope, "Access", {
      namePrefix: parts.namePrefix,
      shareName: config.name,
      consumer,
      ports,
      network: parts.network,
      configurations: this.props.configurations,
      resourceShareArn: this.props.resourceShareArn,
      providerAzIds: parts.providerAzIds,
    });
    if (access.databaseEndpoint) out(C.databaseEndpointId, access.databaseEndpoint.id);
    if (access.writerEndpoint) out(C.writerEndpointId, access.writerEndpoint.id);
    if (access.readerEndpoint) out(C.readerEndpointId, access.readerEndpoint.id);
    const writer = {
      address: C.writerAddress,
      connection: C.writerConnection,
      unverified: C.writerConnectionUnverified,
      friendly: C.friendlyWriterAddress,
    };
    const reader = {
      address: C.readerAddress,
      connection: C.readerConnection,
      unverified: C.readerConnectionUnverified,
      friendly: C.friendlyReaderAddress,
    };
    const roles = [
      { outputs: writer, name: access.writerName, host: access.writerHost, port: ports.writer },
      ...(access.readerHost && ports.reader !== null
        ? [{ outputs: reader, name: access.readerName, host: access.readerHost, port: ports.reader }]
        : []),
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
    return access;
  }
}
