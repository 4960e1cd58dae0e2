// The status part of a transport: what npm run status reads, observes and decides for one way of
// sharing. Each transport implements it in ./<name>.ts; the shared steps (the state's outputs,
// the database writer, the consumer endpoints' loop, the fixes' config) stay in scripts/status/
// and call it through the registry (./index.ts).
import type { RDSClient } from "@aws-sdk/client-rds";
import type { Config } from "../../../config/resolve";
import type { TransportName } from "../../../config/schema";
import type { BlueGreen } from "../../../functions/failover-sync/blue-green";
import type { Member } from "../../../functions/failover-sync/plan";
import type { StandbyFinding } from "../../../functions/failover-sync/standby";
import type { OutputReads, OutputValues, StackOutput } from "../../../stacks/outputs";
import type { clientConfig } from "../clients";
import type { Finding, FixContext } from "../finding";

/** What every provider observation holds, whatever the transport: the part observe.ts reads itself. */
export interface ProviderObservationBase {
  readonly stack: string;
  readonly region: string;
  readonly transport: TransportName;
  readonly database: { readonly kind: "cluster" | "instance"; readonly identifier: string; readonly port: number };
  /**
   * From the RDS API and a DNS lookup of each instance's own address; a cluster's Blue/Green
   * deployment; a Multi-AZ DB instance's standby when the share finds it (standbyDiscovery).
   */
  readonly topology: {
    readonly status: string;
    readonly writer: Member | null;
    readonly members: Member[] | null;
    readonly problems: string[];
    readonly blueGreen?: BlueGreen;
    readonly standby?: StandbyFinding;
  };
  readonly azIds: string[];
}

/** What observe.ts hands a transport once it has read the database's topology. */
export interface ObserveParts {
  readonly config: Config;
  readonly outputs: OutputValues;
  /** The observation so far, without its transport: the transport adds its name and its part. */
  readonly base: Omit<ProviderObservationBase, "transport">;
  /** SDK client settings for the provider's account (its region, profile and role, or the emulator). */
  readonly client: ReturnType<typeof clientConfig>;
  /** The RDS client the topology was read with. */
  readonly rds: RDSClient;
}

/** A consumer stack's endpoint id output: each one found is checked under its role. */
export type EndpointIdOutput = StackOutput<string, "string">;

export interface TransportStatus<O extends ProviderObservationBase> {
  /** The outputs its provider stack holds beyond the ones every provider stack has (observe.ts). */
  readonly providerReads: OutputReads;
  /** The endpoint ids its consumer stacks declare, by role ("interface", "writer", ...). */
  readonly consumerEndpoints: ReadonlyArray<readonly [role: string, output: EndpointIdOutput]>;
  /** Its part of the provider, through the AWS SDK, after the database's topology. */
  observe(parts: ObserveParts): Promise<O>;
  /** Its provider findings, after the database writer's. */
  diagnose(o: O, ctx: FixContext): Finding[];
  /** How a consumer endpoint of this transport is judged. */
  readonly consumer: ConsumerRule<O>;
}

export interface ConsumerRule<O> {
  /** The fix for an endpoint waiting for the provider's acceptance; the provider's observation when it was read. */
  pendingFix(endpointId: string, provider: O | undefined, ctx: FixContext): string;
  /** The fix for an endpoint in any other state that is not available. */
  failedFix(ctx: FixContext): string;
  /** Whether an endpoint in these AZ IDs is served by a provider in those. */
  served(endpointAzIds: readonly string[], providerAzIds: readonly string[]): boolean;
}
