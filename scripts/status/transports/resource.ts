// The resource transport's part of npm run status: nothing to observe beyond the database
// itself, since RDS moves the endpoint names and the resource gateway follows them (no load
// balancer, no failover function); on the consumer side, resource endpoints that need one AZ ID
// in common with the resource gateway.
// Loaded by npm run status only (scripts/status/transports/index.ts), never by synth.
import { CONSUMER_OUTPUTS as C, reads } from "../../../stacks/outputs";
import { shareField } from "../finding";
import type { ProviderObservationBase, TransportStatus } from "./transport";

export interface ResourceObservation extends ProviderObservationBase {
  readonly transport: "resource";
}

export const RESOURCE_STATUS: TransportStatus<ResourceObservation> = {
  // Every output it reads is one every provider stack has.
  providerReads: reads({}),
  consumerEndpoints: [
    ["database", C.databaseEndpointId],
    ["writer", C.writerEndpointId],
    ["reader", C.readerEndpointId],
  ],
  observe: async ({ base }) => ({ ...base, transport: "resource" }),
  // The database writer, checked for every transport, is all there is.
  diagnose: () => [],
  consumer: {
    // What status has always said of an endpoint in this state; no acceptance step of a resource endpoint is known to it.
    pendingFix: (endpointId, _provider, ctx) =>
      `the provider adds "${endpointId}" to ${shareField(ctx, "sharing.acceptEndpointIds")} in ${ctx.configFile} and deploys the provider stack, or runs: aws ec2 accept-vpc-endpoint-connections --service-id <service_id output> --vpc-endpoint-ids ${endpointId} ${ctx.providerCli}`,
    failedFix: () =>
      "check that the RAM share reached this account (consumers[].acceptResourceShare outside the organization), then redeploy this consumer stack",
    // A resource endpoint needs one AZ ID in common with the resource gateway, not all of them (the az_ids output says so).
    served: (endpointAzIds, providerAzIds) => endpointAzIds.some((z) => providerAzIds.includes(z)),
  },
};
