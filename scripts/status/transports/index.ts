// The status part of each transport, keyed by the config's provider.transport: a new transport
// is its ./<name>.ts and one line in each of the two lists below; the
// mapped type fails to compile until every value the config schema allows has its part.
//
// A registry of its own, not a member of the stacks' Transport object (stacks/transports/): each
// part observes through the AWS SDK, and the Transport objects are what synth loads. Synth
// loads no module of the AWS SDK (measured: 0 of the 594 modules `main.ts` loads); the six
// clients and the credential providers status uses take 0.3-0.4 s to load on the development
// machine, which every synth (and every test that synthesizes) would pay for nothing.
import type { TransportName } from "../../../config/schema";
import type { EndpointServiceObservation } from "./endpoint-service";
import { ENDPOINT_SERVICE_STATUS } from "./endpoint-service";
import type { ResourceObservation } from "./resource";
import { RESOURCE_STATUS } from "./resource";
import type { TransportStatus } from "./transport";

/** What observe.ts returns for the provider stack: one shape per transport, told apart by `transport`. */
export type ProviderObservation = EndpointServiceObservation | ResourceObservation;
export type ObservationOf<T extends TransportName> = Extract<ProviderObservation, { readonly transport: T }>;

export const STATUS_BY_TRANSPORT: { readonly [T in TransportName]: TransportStatus<ObservationOf<T>> } = {
  "endpoint-service": ENDPOINT_SERVICE_STATUS,
  resource: RESOURCE_STATUS,
};

export function statusOf<T extends TransportName>(name: T): TransportStatus<ObservationOf<T>> {
  return STATUS_BY_TRANSPORT[name];
}
