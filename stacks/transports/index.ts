// The registry of transports' stack sides, keyed by the config's provider.transport. A new
// transport is a folder beside these two and one line here, plus its config slice and rules
// (config/transports/<name>/) and its status and cost parts (scripts/status/transports/,
// scripts/cost/transports/, kept with the scripts so that synth loads no AWS SDK); each Record
// type fails to compile until its line exists for every value the config schema allows.
import { ENDPOINT_SERVICE_TRANSPORT } from "./endpoint-service";
import { RESOURCE_TRANSPORT } from "./resource";
import type { TransportName } from "../../config/schema";
import type { Transport } from "./transport";

export const TRANSPORT_BY_NAME: Readonly<Record<TransportName, Transport>> = {
  "endpoint-service": ENDPOINT_SERVICE_TRANSPORT,
  resource: RESOURCE_TRANSPORT,
};

export function transportOf(name: TransportName): Transport {
  return TRANSPORT_BY_NAME[name];
}
