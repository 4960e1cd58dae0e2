// The share descriptor: the one contract between the provider stack, which publishes it as an
// SSM parameter per share (stacks/constructs/share-descriptor.ts), and whatever reads it in a
// consumer's account (a consumer stack, npm run status). It holds every fact a consumer needs
// to connect and nothing secret. It sits in the config layer so that both sides import it.
import type { Engine } from "./engines";
import type { SharedView } from "./resolve";
import type { ResourceDefinition, TransportName } from "./schema";

/**
 * major.minor. A reader refuses a major it does not know; a minor adds fields only, which an
 * older reader ignores. Raise the major when a field is removed, renamed or changes meaning.
 */
export const DESCRIPTOR_SCHEMA_VERSION = "1.1";

/** Where a share's descriptor lives: /rds-privatelink/<config>/descriptor, or /rds-privatelink/<config>/<share>/descriptor of one of several shares. */
export function descriptorParameterName(scope: { readonly share: string; readonly part?: string }): string {
  // Config and share names take no "/", so the two forms never give one name.
  return `/rds-privatelink/${scope.share}${scope.part === undefined ? "" : `/${scope.part}`}/descriptor`;
}

interface DescriptorCommon {
  /** DESCRIPTOR_SCHEMA_VERSION of the provider that wrote it. */
  readonly schemaVersion: string;
  readonly transport: TransportName;
  /** The provider's region: the database's, the service's or the resource gateway's. */
  readonly region: string;
  /** Regions whose consumers may connect: the provider's first, then sharing.supportedRegions (endpoint-service). */
  readonly supportedRegions: string[];
  /** AZ IDs (not names: names differ per account) where the provider serves; a consumer needs subnets in them. */
  readonly azIds: string[];
  readonly ports: {
    readonly writer: number;
    /** null: no reader port (a Multi-AZ instance, or ports.reader null). */
    readonly reader: number | null;
    /** Instance-pinned member ports of a cluster (endpoint-service); empty otherwise. */
    readonly members: number[];
  };
  readonly database: {
    readonly engine: Engine;
    readonly kind: "cluster" | "instance";
    /** The database's own RDS names, which its certificates carry: what a verifying client connects to. */
    readonly names: {
      readonly writer: string;
      /** null: an instance has no reader endpoint. */
      readonly reader: string | null;
      /** A cluster's instance endpoints; empty for an instance (and behind a proxy). */
      readonly instances: string[];
    };
    /**
     * Since 1.1: the RDS Proxy in front of the database, null without one (and absent from a 1.0
     * descriptor, which means none): the names are the proxy's, and its certificate chains to
     * Amazon's roots (tls.caBundle).
     */
    readonly proxy?: { readonly readOnlyEndpoint: boolean } | null;
  };
  readonly tls: {
    /** The RDS CA bundle of the region (stacks/connection-strings.ts rdsCaBundle): file name and download address (null where AWS gives none). */
    readonly caBundle: { readonly file: string; readonly url: string | null };
  };
}

export interface EndpointServiceDescriptor extends DescriptorCommon {
  readonly transport: "endpoint-service";
  /** The consumer's interface endpoint is created with this service name. */
  readonly endpointService: { readonly serviceName: string };
}

export interface ResourceDescriptor extends DescriptorCommon {
  readonly transport: "resource";
  readonly resource: {
    readonly definition: ResourceDefinition;
    /** definition arn: the database's one configuration; null under dns. */
    readonly databaseConfigurationArn: string | null;
    /** definition dns: the writer endpoint's and the reader endpoint's configurations; null under arn (reader: also without a reader). */
    readonly writerConfigurationArn: string | null;
    readonly readerConfigurationArn: string | null;
    /** The AWS RAM share of the configurations (and of this descriptor); accounts outside the organization accept its invitation. */
    readonly resourceShareArn: string;
  };
}

/** What one share's descriptor holds, as JSON in its SSM parameter. */
export type ShareDescriptor = EndpointServiceDescriptor | ResourceDescriptor;

/**
 * The share's shape: the fields a consumer stack is synthesized for, which its plan checks
 * against the live descriptor (stacks/constructs/consumer-descriptor.ts) and npm run status
 * against the saved copy (scripts/status/consumer-only.ts). A change of one stops the plan.
 */
export const DESCRIPTOR_SHAPE: ReadonlyArray<{
  readonly field: string;
  /** The field in a descriptor; undefined where the descriptor's transport has no such field. */
  readonly of: (d: ShareDescriptor) => unknown;
  /** The same in the share's view, which a stack is synthesized from. */
  readonly ofView: (v: SharedView) => unknown;
  /** What a descriptor of an earlier minor version, without the field, means by its absence. */
  readonly absent?: unknown;
}> = [
  { field: "transport", of: (d) => d.transport, ofView: (v) => v.provider.transport },
  { field: "region", of: (d) => d.region, ofView: (v) => v.provider.account.region },
  { field: "database.engine", of: (d) => d.database.engine, ofView: (v) => v.provider.database.engine },
  { field: "database.kind", of: (d) => d.database.kind, ofView: (v) => v.provider.database.kind },
  {
    field: "database.proxy",
    of: (d) => d.database.proxy ?? null,
    ofView: (v) =>
      v.provider.database.proxy ? { readOnlyEndpoint: v.provider.database.proxy.readOnlyEndpoint } : null,
    absent: null,
  },
  { field: "ports.writer", of: (d) => d.ports.writer, ofView: (v) => v.provider.ports.writer },
  { field: "ports.reader", of: (d) => d.ports.reader, ofView: (v) => v.provider.ports.reader },
  { field: "ports.members", of: (d) => d.ports.members, ofView: (v) => v.provider.ports.members },
  {
    field: "resource.definition",
    of: (d) => (d.transport === "resource" ? d.resource.definition : undefined),
    ofView: (v) => (v.provider.transport === "resource" ? v.provider.resourceDefinition : undefined),
  },
];

/** A descriptor's ARN: the provider's partition, region and account, and the parameter's name (descriptorParameterName). */
export const DESCRIPTOR_ARN =
  /^arn:(aws[a-z-]*):ssm:([a-z0-9-]+):(\d{12}):parameter\/rds-privatelink\/([a-z][a-z0-9-]*)(?:\/([a-z][a-z0-9-]*))?\/descriptor$/;

/** What a descriptor's ARN says: where the provider is, and which config and share wrote it. */
export interface DescriptorAddress {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The provider's config name (the share's own in the single-database form). */
  readonly config: string;
  /** The share's name within a config of several shares; absent in the single-database form. */
  readonly share?: string;
}

export function parseDescriptorArn(arn: string): DescriptorAddress | undefined {
  const m = DESCRIPTOR_ARN.exec(arn);
  if (!m) return undefined;
  const [, partition, region, accountId, config, share] = m;
  return share === undefined
    ? { partition, region, accountId, config }
    : { partition, region, accountId, config, share };
}
