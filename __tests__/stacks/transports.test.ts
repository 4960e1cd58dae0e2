// The transport seam: the registry covers every value the config accepts, and each transport
// builds its share and its consumers' way in with the stacks themselves as scope, so that its
// resources keep the ids and addresses they had before transports had folders.
import { TRANSPORTS } from "../../config/schema";
import { ConsumerEndpoint } from "../../stacks/constructs/consumer-endpoint";
import { ConsumerResourceEndpoint } from "../../stacks/constructs/consumer-resource-endpoint";
import { TRANSPORT_BY_NAME, transportOf } from "../../stacks/transports";
import { EndpointServiceProviderShare } from "../../stacks/transports/endpoint-service/provider";
import { ResourceProviderShare } from "../../stacks/transports/resource/provider";
import { synthesize } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";

describe("the transport registry", () => {
  it("has one transport for every value provider.transport accepts, each under its own name", () => {
    expect(Object.keys(TRANSPORT_BY_NAME).sort()).toEqual([...TRANSPORTS].sort());
    for (const name of TRANSPORTS) expect(transportOf(name).name).toBe(name);
  });
});

const CASES = [
  {
    transport: "endpoint-service",
    mutate: () => undefined,
    share: EndpointServiceProviderShare,
    access: ConsumerEndpoint,
    shareIds: ["LoadBalancer", "EndpointService", "FailoverSync", "Alarms"],
  },
  {
    transport: "resource",
    mutate: toResourceTransport,
    share: ResourceProviderShare,
    access: ConsumerResourceEndpoint,
    shareIds: ["ResourceShare"],
  },
] as const;

describe.each(CASES)("the $transport transport", ({ transport, mutate, share, access, shareIds }) => {
  const { stacks } = synthesize(mutate);
  const provider = stacks.provider;

  it("is the provider stack's share", () => {
    expect(provider.share).toBeInstanceOf(share);
    expect(provider.share.transport).toBe(transport);
  });

  it("creates its constructs directly in the provider stack, under their own ids", () => {
    for (const id of shareIds) expect(provider.node.tryFindChild(id)?.node.scope).toBe(provider);
  });

  it("builds each consumer's way in as the consumer stack's Access construct", () => {
    for (const consumer of stacks.consumers) {
      expect(consumer.access).toBeInstanceOf(access);
      expect(consumer.access.node.id).toBe("Access");
      expect(consumer.access.node.scope).toBe(consumer);
    }
  });
});
