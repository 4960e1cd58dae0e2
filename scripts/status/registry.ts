// The status part of each transport, keyed by the config's provider.transport: a new transport
// is its stacks/transports/<name>/status.ts and one line in each of the two lists below; the
// mapped type fails to compile until every value the config schema allows has its part.
//
// A registry beside stacks/transports/index.ts, not a member of the Transport object: each
// status.ts observes through the AWS SDK, and the Transport objects are what synth loads. Synth
// loads no module of the AWS SDK (measured: 0 of the 594 modules `main.ts` loads); the six
// clients and the credential providers status uses take 0.3-0.4 s to load on the development
// machine, which every synth (and every test that synthesizes) would pay for nothing.
import type { EndpointServiceObservation } from "../../stacks/transports/endpoint-service/status";
import { ENDPOINT_SERVICE_STATUS } from "../../stacks/transports/endpoint-service/status";
import type { ResourceObservation } from "../../stacks/transports/resource/status";
import { RESOURCE_STATUS } from "../../stacks/transports/resource/status";
import type { TransportName } from "../../stacks/transports/transport";
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
