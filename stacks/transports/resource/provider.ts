// The resource transport's provider side: no load balancer and no failover function. The
// configuration names the database by its ARN (AWS handles its group and children), or names
// its endpoints, which RDS keeps on the writer and the readers (resourceDefinition dns).
import { ramPrincipal } from "../../../config/resolve";
import type { ConsumerConfig } from "../../../config/schema";
import { ResourceShare } from "../../constructs/resource-share";
import { PROVIDER_OUTPUTS, outputsOf } from "../../outputs";
import type { ConsumerTarget, DescriptorPart, ProviderParts, ProviderShare } from "../transport";
import { ResourceTarget } from "./consumer";

export class ResourceProviderShare implements ProviderShare {
  readonly transport = "resource";
  readonly resourceShare: ResourceShare;
  readonly dashboard: ProviderShare["dashboard"];
  readonly descriptor: DescriptorPart;

  constructor(private readonly parts: ProviderParts) {
    const { scope, config, network, database, databaseNames } = parts;
    const provider = config.provider;
    const ports = provider.ports;
    const share = new ResourceShare(scope, "ResourceShare", {
      name: config.name,
      network,
      sharing: provider.sharing,
      port: ports.writer,
      databasePort: database.port,
      writerAddress: database.writerAddress,
      readerAddress: ports.reader === null ? undefined : database.readerAddress,
      databaseSecurityGroupId: database.securityGroupId,
      definition: provider.resourceDefinition,
      databaseArn: database.ref.arn,
    });
    database.allowFrom(share.securityGroupId, "resource gateway");
    const out = outputsOf(scope, "provider", "resource");
    const P = PROVIDER_OUTPUTS;
    if (share.database) {
      out(P.databaseResourceConfigurationArn, share.database.arn);
      out(P.writerName, databaseNames.writer);
      if (databaseNames.reader) out(P.readerName, databaseNames.reader);
    }
    if (share.writer) out(P.writerResourceConfigurationArn, share.writer.arn);
    if (share.reader) out(P.readerResourceConfigurationArn, share.reader.arn);
    out(P.resourceShareArn, share.share.arn);
    out(P.resourceGatewaySecurityGroupId, share.securityGroupId);
    out(P.azIds, parts.network.azIds);
    out(P.writerPort, ports.writer);
    if (ports.reader !== null) out(P.readerPort, ports.reader);
    out(P.databasePort, database.port);
    this.resourceShare = share;
    // The gateway reaches the database's own port only: one port, no listeners.
    this.dashboard = { ports: [ports.writer], databasePort: database.port };
    // The descriptor joins the configurations' RAM share: the same principals (accounts, OUs,
    // the organization) read it, and an invitation accepted once covers both.
    this.descriptor = {
      fields: {
        transport: "resource",
        resource: {
          definition: provider.resourceDefinition,
          databaseConfigurationArn: share.database?.arn ?? null,
          writerConfigurationArn: share.writer?.arn ?? null,
          readerConfigurationArn: share.reader?.arn ?? null,
          resourceShareArn: share.share.arn,
        },
      },
      supportedRegions: [],
      ramPrincipals: [...new Set(provider.sharing.allowedPrincipals.map(ramPrincipal))],
      resourceShareArn: share.share.arn,
      allowExternalPrincipals: provider.sharing.allowExternalPrincipals,
    };
  }

  target(consumer: ConsumerConfig): ConsumerTarget {
    const share = this.resourceShare;
    const resourceShareArn = consumer.acceptResourceShare ? (consumer.resourceShareArn ?? share.share.arn) : undefined;
    if (share.database) {
      return new ResourceTarget({
        configurations: {
          definition: "arn",
          configurationArn: consumer.resourceConfigurationArn ?? share.database.arn,
          databaseNames: consumer.databaseNames ?? this.parts.databaseNames,
        },
        resourceShareArn,
      });
    }
    const fromConfig = consumer.resourceConfigurationArn !== undefined;
    return new ResourceTarget({
      configurations: {
        definition: "dns",
        writerConfigurationArn: consumer.resourceConfigurationArn ?? share.writer!.arn,
        // A consumer that names the writer's configuration names the reader's too (the loader checks).
        readerConfigurationArn: fromConfig ? consumer.readerResourceConfigurationArn : share.reader?.arn,
      },
      resourceShareArn,
    });
  }
}
