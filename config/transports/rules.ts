// A transport's rules: the checks of a share that only it makes, as a list the common rules
// (config/rules.ts) pick by the share's transport, as aws-cdk-lib's
// validate-database-cluster-props.ts picks its checks by the cluster's mode. Each transport
// implements it in ./<name>/rules.ts, beside its schema slice; the common rules never ask which
// transport they hold.
import type { Problem, Raw } from "../raw";

/**
 * A check of one share's provider keys, read in the single-database form's shape and paths
 * (provider.ports, provider.sharing): the common rules move its problems to provider.shares[i].
 */
export type ShareCheck = (provider: Raw, out: Problem[]) => void;

/** A check of one consumer's settings of a share, at consumers[j] (moved to its entry of shares when it has one). */
export type ConsumerCheck = (provider: Raw, consumer: Raw, at: string, out: Problem[]) => void;

export interface TransportRules {
  /** The share's checks after the common ones. */
  readonly share: readonly ShareCheck[];
  /** Each consumer's checks of the share, after the common ones. */
  readonly consumer: readonly ConsumerCheck[];
  /** Does it admit an OU or the organization as a principal, whose member accounts the config cannot list? */
  readonly organizationPrincipals: boolean;
  /** Does a share of this transport watch its database after each run (one RDS describe call per interval)? */
  readonly watches: (provider: Raw) => boolean;
  /** The purposes of the IAM roles each share of this transport creates in the provider's account (config/names.ts). */
  readonly shareRoles: readonly string[];
}
