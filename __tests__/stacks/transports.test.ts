// The transport seam: the registry covers every value the config accepts, and each transport
// builds its share and its consumers' way in inside the share's scope, which the single-database
// form leaves out of every logical id, so that its resources keep the addresses they had before
// transports had folders and configs had shares.
import { TRANSPORTS } from "../../config/schema";
import { ConsumerEndpoint } from "../../stacks/constructs/consumer-endpoint";
import { ConsumerResourceEndpoint } from "../../stacks/constructs/consumer-resource-endpoint";
import { TRANSPORT_BY_NAME, transportOf } from "../../stacks/transports";
import { EndpointServiceProviderShare } from "../../stacks/transports/endpoint-service/provider";
import { ResourceProviderShare } from "../../stacks/transports/resource/provider";
import { TerraformElement } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import { ShareScope, UNSCOPED_SHARE_ID } from "../../stacks/share-scope";
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

  it("creates its constructs in the share's scope, under their own ids, at the stack's top-level addresses", () => {
    const scope = provider.only;
    expect(scope.node.scope).toBe(provider);
    expect(scope.node.id).toBe(UNSCOPED_SHARE_ID);
    for (const id of shareIds) {
      const construct = scope.node.tryFindChild(id);
      expect(construct?.node.scope).toBe(scope);
      // A resource directly under the construct has the logical id it had directly under the stack.
      const element = construct!.node.findAll().find((c): c is TerraformElement => c instanceof TerraformElement)!;
      expect(provider.getLogicalId(element)).toBe(makeUniqueId(element.node.scopes.slice(2).map((c) => c.node.id)));
    }
  });

  it("builds each consumer's way in as the Access construct of the share's scope in the consumer stack", () => {
    for (const consumer of stacks.consumers) {
      expect(consumer.access).toBeInstanceOf(access);
      expect(consumer.access.node.id).toBe("Access");
      expect(consumer.access.node.scope).toBeInstanceOf(ShareScope);
      expect(consumer.access.node.scope!.node.scope).toBe(consumer);
    }
  });
});
