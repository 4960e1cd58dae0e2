// The cost part of each transport, keyed by the config's provider.transport: a new transport is
// its ./<name>.ts and one line below; the Record type fails to compile until every value the
// config schema allows has its part.
import type { TransportName } from "../../../config/schema";
import { ENDPOINT_SERVICE_COST } from "./endpoint-service";
import { RESOURCE_COST } from "./resource";
import type { TransportCost } from "./transport";

export const COST_BY_TRANSPORT: Readonly<Record<TransportName, TransportCost>> = {
  "endpoint-service": ENDPOINT_SERVICE_COST,
  resource: RESOURCE_COST,
};

export function costOf(name: TransportName): TransportCost {
  return COST_BY_TRANSPORT[name];
}
