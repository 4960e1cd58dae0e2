// What npm run status reports: one finding per check, and how its fixes name the config and the
// CLI. Below both the shared checks (diagnose.ts) and each transport's (transports/<name>.ts).
export interface Finding {
  readonly stack: string;
  /** Of a config with several shares, the share the finding is about (its check starts with its name); absent in the single-database form. */
  readonly share?: string;
  /** Not checked, and why; such a finding is not a problem (ok stays true) but says so. */
  readonly skipped?: string;
  /** What was checked, e.g. "writer port" or "endpoint connection vpce-0abc". */
  readonly check: string;
  readonly ok: boolean;
  /** What was found, in one sentence. */
  readonly detail: string;
  /** How to fix it; only for a problem. */
  readonly fix?: string;
}

/** How the fixes refer to the config and the CLI. */
export interface FixContext {
  readonly configFile: string;
  /** "--profile db-owner --region us-east-1": what the provider's CLI commands need. */
  readonly providerCli: string;
  readonly now: Date;
  /** Where the share's keys sit in the config, for the fixes that name one: provider.shares[i] of several shares; provider (the default) in the single-database form. */
  readonly shareKeys?: string;
  /**
   * The share's consumers in the config, by the account id each names (consumers[].account.accountId):
   * an endpoint connection from another account is a consumer this config does not list (self-service).
   */
  readonly consumersByAccount?: Readonly<Record<string, readonly string[]>>;
  /** The share's consumers in the config that name no accountId: a connection may be one of theirs. */
  readonly consumersWithoutAccount?: readonly string[];
}

/** "account 222222222222 (consumer-app)", or that no consumer of the config names the account. */
export function connectingAccount(ctx: FixContext, account: string): string {
  const named = ctx.consumersByAccount?.[account];
  if (named?.length) return `account ${account} (${named.map((n) => `consumer-${n}`).join(", ")})`;
  const unnamed = ctx.consumersWithoutAccount ?? [];
  if (unnamed.length > 0)
    return `account ${account}, which no consumer of ${ctx.configFile} names by account.accountId (${unnamed.map((n) => `consumer-${n}`).join(", ")} name${unnamed.length === 1 ? "s" : ""} none: set it to tell)`;
  return `account ${account}, which no consumer of ${ctx.configFile} names (a consumer-only config, or a team of its own)`;
}

/** The config field of the share that a fix names: shareField(ctx, "sharing.acceptEndpointIds"). */
export function shareField(ctx: FixContext, key: string): string {
  return `${ctx.shareKeys ?? "provider"}.${key}`;
}
