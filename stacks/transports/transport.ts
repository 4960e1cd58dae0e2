// The seam between the stacks and a way of sharing the database. Each transport lives in its own
// folder (stacks/transports/<name>/) and implements this interface; the stacks and the diagram
// call it through the registry (./index.ts) and never ask which one they hold. Its config slice
// and rules sit below, in config/transports/<name>/; its status and cost parts above, with the
// scripts that run them (scripts/status/transports/, scripts/cost/transports/).
// A transport composes the constructs of stacks/constructs/ in the share's scope
// (stacks/share-scope.ts), which the single-database form leaves out of every logical id:
// construct ids are state, and moving code into a folder or a share must not move a resource.
import type { Construct } from "constructs";
import type { EndpointServiceDescriptor, ResourceDescriptor } from "../../config/descriptor";
import type { Config, SharedView } from "../../config/resolve";
import type { ConsumerConfig, TransportName } from "../../config/schema";
import type { DescriptorFacts } from "../constructs/consumer-descriptor";
import type { DatabaseNames } from "../constructs/consumer-rds-names";
import type { TransportDashboard } from "../constructs/dashboard";
import type { Database } from "../constructs/database";
import type { DatabaseFromConfigProps } from "../constructs/database-from-config";
import type { DatabaseProxy } from "../constructs/database-proxy";
import type { Network } from "../constructs/network";
import type { OperationsKey } from "../constructs/operations-key";
import type { ShareScope } from "../share-scope";

export interface Transport {
  readonly name: TransportName;
  /** What stands in front of the database, for a created database's security group's description. */
  readonly frontedBy: NonNullable<DatabaseFromConfigProps["frontedBy"]>;
  /** Does the provider's operations key let CloudWatch alarms publish to topics under it? */
  readonly alarms: boolean;
  /** The provider side: builds what the share exposes to consumers, and its outputs, in the provider stack. */
  share(parts: ProviderParts): ProviderShare;
  /**
   * What a consumer connects to when its stack reads the share's descriptor instead of the
   * provider's state (consumers[].shareFacts "descriptor", and every consumer-only config): the
   * share's view says which parts exist, the facts (tokens of the read parameter) fill them in.
   */
  targetFromDescriptor(view: SharedView, consumer: ConsumerConfig, facts: DescriptorFacts): ConsumerTarget;
  /** This transport's part of the config's diagram (stacks/diagram.ts). */
  readonly diagram: DiagramPart;
}

/** What the provider stack has built before the transport: every transport builds on these. */
export interface ProviderParts {
  /** The share's scope: everything the transport creates, outputs included, goes in it. */
  readonly scope: ShareScope;
  readonly config: Config;
  readonly network: Network;
  readonly database: Database;
  /** The database's own RDS names, which its certificates carry (behind a proxy, the proxy's). */
  readonly databaseNames: DatabaseNames;
  /** The RDS Proxy in front of the database: the endpoint-service transport forwards to it. */
  readonly proxy?: DatabaseProxy;
  readonly key: OperationsKey;
}

/** What a transport built in the provider stack. */
export interface ProviderShare {
  readonly transport: TransportName;
  /** The transport's part of the dashboard's input. */
  readonly dashboard: TransportDashboard;
  /** What a consumer connects to: its config's values, else cross-stack references to this share. */
  target(consumer: ConsumerConfig): ConsumerTarget;
  /** The transport's part of the share's descriptor (stacks/constructs/share-descriptor.ts). */
  readonly descriptor: DescriptorPart;
}

/** What only the transport knows of the share's descriptor: its fields, and who reads it through which RAM share. */
export interface DescriptorPart {
  readonly fields:
    | Pick<EndpointServiceDescriptor, "transport" | "endpointService">
    | Pick<ResourceDescriptor, "transport" | "resource">;
  /** Regions besides the provider's whose consumers may connect. */
  readonly supportedRegions: readonly string[];
  /** The descriptor's readers as RAM principals: account ids, OU ARNs, the organization's ARN. */
  readonly ramPrincipals: readonly string[];
  /** A RAM share the transport already has with those principals; absent: the descriptor gets its own. */
  readonly resourceShareArn?: string;
  /** The descriptor's own share's allow_external_principals (unused when the transport's share carries it). */
  readonly allowExternalPrincipals: boolean;
}

/** What the consumer stack has built before its way in. */
export interface ConsumerParts {
  /** The share's scope in the consumer stack: the way in (id Access) and its outputs go in it. */
  readonly scope: ShareScope;
  /** The share as the consumer sees it: from the provider's config, or from the share's descriptor. */
  readonly config: SharedView;
  readonly consumer: ConsumerConfig;
  /** `<share>-<consumer>`, the prefix of the consumer's resource names. */
  readonly namePrefix: string;
  readonly network: Network;
  /** The provider's AZ IDs: from the config, or a cross-stack reference to the provider. */
  readonly providerAzIds: string[];
}

/** One consumer's end of a share: it knows how to build its way in, as an NLB target knows how to attach itself. */
export interface ConsumerTarget {
  readonly transport: TransportName;
  /** Builds the consumer's way in and declares its outputs; returns the construct that holds it (id Access). */
  connect(parts: ConsumerParts): Construct;
}

/**
 * Mermaid lines, unindented: the diagram indents them inside their account's subgraph. Mermaid's
 * node ids are global to the picture, so every id a share's lines name starts with that share's
 * prefix `ns`: "" in the single-database form (ids `nlb`, `w`), `<share>_` with several shares
 * (`orders_nlb`, `orders_w`). The database's nodes, which the diagram draws, are `<ns>w` and `<ns>r`.
 */
export interface DiagramPart {
  /** The transport's nodes and edges inside the share's part of the provider's subgraph, after the database. */
  provider(config: Config, ns: string): string[];
  /** The node `<id>_ep`: the consumer's endpoint (`id` is already unique in the picture). */
  consumerEndpoint(config: Config, consumer: ConsumerConfig, id: string): string;
  /** The edge from the consumer's endpoint (`<id>_ep`) to the share's node (`<ns>svc`, `<ns>rcw`) in the provider's subgraph. */
  link(id: string, ns: string): string;
}
