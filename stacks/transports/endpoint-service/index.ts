// The endpoint-service transport: an NLB and a VPC endpoint service in the provider, kept on the
// writer by the failover function; an interface endpoint in each consumer (PrivateLink).
import type { Transport } from "../transport";
import { endpointServiceDiagram } from "./diagram";
import { EndpointServiceTarget } from "./consumer";
import { EndpointServiceProviderShare } from "./provider";

export const ENDPOINT_SERVICE_TRANSPORT: Transport = {
  name: "endpoint-service",
  frontedBy: "load balancer",
  // The failover alarms publish to an SNS topic encrypted with the operations key.
  alarms: true,
  share: (parts) => new EndpointServiceProviderShare(parts),
  targetFromDescriptor: (_view, _consumer, facts) =>
    new EndpointServiceTarget({ serviceName: facts.serviceName, databaseNames: facts.databaseNames }),
  diagram: endpointServiceDiagram,
};
