// The resource transport: the database shared as VPC resources through AWS RAM (a resource
// gateway and resource configurations in the provider, resource endpoints in each consumer).
import type { Transport } from "../transport";
import { resourceDiagram } from "./diagram";
import { ResourceProviderShare } from "./provider";

export const RESOURCE_TRANSPORT: Transport = {
  name: "resource",
  frontedBy: "resource gateway",
  // No failover function and no alarms: the key serves the logs only.
  alarms: false,
  share: (parts) => new ResourceProviderShare(parts),
  diagram: resourceDiagram,
};
