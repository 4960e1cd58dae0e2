// The endpoint-service transport's consumer side: an interface endpoint to the provider's
// endpoint service, the RDS names resolved to it, and the outputs that name them.
import { TerraformStack } from "cdktf";
import { caBundleOf, connectionStrings, unverifiedConnectionStrings } from "../../connection-strings";
import { ConsumerEndpoint } from "../../constructs/consumer-endpoint";
import type { DatabaseNames } from "../../constructs/consumer-rds-names";
import { CONSUMER_OUTPUTS as C, outputsOf } from "../../outputs";
import type { ConsumerParts, ConsumerTarget } from "../transport";

export interface EndpointServiceTargetProps {
  readonly serviceName: string;
  /** The database's own RDS names, resolved to the endpoint inside the consumer's VPC. */
  readonly databaseNames: DatabaseNames;
}

export class EndpointServiceTarget implements ConsumerTarget {
  readonly transport = "endpoint-service";

  constructor(readonly props: EndpointServiceTargetProps) {}

  connect(parts: ConsumerParts): ConsumerEndpoint {
    const { scope, config, consumer } = parts;
    const provider = config.provider;
    const ports = provider.ports;
    const engine = provider.database.engine;
    const bundle = caBundleOf(config);
    // A proxy's read-only endpoint has a name its wildcard certificate does not cover: its strings verify the chain only.
    const readerVerify = provider.database.proxy?.readOnlyEndpoint ? "chain" : "name";
    const sameRegion = consumer.account.region === provider.account.region;
    const access = new ConsumerEndpoint(scope, "Access", {
      namePrefix: parts.namePrefix,
      shareName: config.name,
      consumer,
      ports,
      network: parts.network,
      serviceName: this.props.serviceName,
      serviceRegion: sameRegion ? undefined : provider.account.region,
      providerAzIds: parts.providerAzIds,
      databaseNames: this.props.databaseNames,
    });
    const endpoint = access.endpoint;
    const { writerHost, readerHost } = access;
    const endpointDns = endpoint.dnsEntry.get(0);
    // The endpoint's resources stood at the stack's top level, rules keyed by position, before
    // this construct held them: moved blocks keep existing deployments' resources in place.
    // Only the single-database form has such deployments; a share of several never stood there.
    if (!scope.share.scoped) {
      const stack = TerraformStack.of(scope);
      stack.addOverride(
        "moved",
        [...access.previousIds].map(([resource, previousId]) => ({
          from: `${resource.terraformResourceType}.${previousId}`,
          to: `${resource.terraformResourceType}.${stack.getLogicalId(resource)}`,
        })),
      );
    }

    const out = outputsOf(scope, "consumer", "endpoint-service");
    out(C.endpointId, endpoint.id);
    out(C.endpointDnsName, endpointDns.dnsName);
    out(C.caBundle, bundle);
    out(C.writerAddress, `${access.writerName}:${ports.writer}`);
    out(C.writerConnection, connectionStrings(engine, access.writerName, ports.writer, bundle));
    out(C.writerConnectionUnverified, unverifiedConnectionStrings(engine, writerHost, ports.writer));
    if (ports.reader !== null) {
      out(C.readerAddress, `${access.readerName}:${ports.reader}`);
      out(C.readerConnection, connectionStrings(engine, access.readerName, ports.reader, bundle, readerVerify));
      out(C.readerConnectionUnverified, unverifiedConnectionStrings(engine, readerHost, ports.reader));
    }
    if (consumer.privateZone) {
      out(C.friendlyWriterAddress, `${writerHost}:${ports.writer}`);
      if (ports.reader !== null) out(C.friendlyReaderAddress, `${readerHost}:${ports.reader}`);
    }
    if (consumer.memberPorts && ports.members.length > 0) {
      out(C.memberPorts, ports.members);
      if (access.instanceNames) out(C.instanceNames, access.instanceNames);
      out(
        C.memberAddresses,
        ports.members.map((port) => `${writerHost}:${port}`),
      );
    }
    return access;
  }
}
