// The resource transport: the database shared as VPC resources through AWS RAM (a resource
// gateway and resource configurations in the provider, resource endpoints in each consumer).
import type { Transport } from "../transport";
import { resourceDiagram } from "./diagram";
import { ResourceTarget } from "./consumer";
import { ResourceProviderShare } from "./provider";

export const RESOURCE_TRANSPORT: Transport = {
  name: "resource",
  frontedBy: "resource gateway",
  // No failover function and no alarms: the key serves the logs only.
  alarms: false,
  share: (parts) => new ResourceProviderShare(parts),
  targetFromDescriptor: (view, consumer, facts) => {
    const resourceShareArn = consumer.acceptResourceShare ? facts.resource.resourceShareArn : undefined;
    if (view.provider.resourceDefinition === "arn") {
      return new ResourceTarget({
        configurations: {
          definition: "arn",
          configurationArn: facts.resource.databaseConfigurationArn,
          databaseNames: facts.databaseNames,
        },
        resourceShareArn,
      });
    }
    return new ResourceTarget({
      configurations: {
        definition: "dns",
        writerConfigurationArn: facts.resource.writerConfigurationArn,
        // The provider shares the readers' endpoint exactly when the share has a reader port
        // (a cluster's; a Multi-AZ instance has none): its descriptor says so by ports.reader.
        readerConfigurationArn: view.provider.ports.reader !== null ? facts.resource.readerConfigurationArn : undefined,
      },
      resourceShareArn,
    });
  },
  diagram: resourceDiagram,
};
