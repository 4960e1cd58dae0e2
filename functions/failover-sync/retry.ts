// Retries inside a run, for as long as the run has time. The SDK's own modes stop after a fixed
// number of attempts (3 by default): a throttling burst longer than their backoff ended the run
// with no report, and the run queue then held the share for its visibility timeout. ELB and RDS
// throttle per account and Region with token buckets shared by every caller in the account
// (ELB: Describe* 40 tokens, 10 a second; RDS: 300, 12 a second), so a burst lasts as long as
// the busiest neighbour, not as long as our attempts. This strategy backs off as the SDK does
// (full jitter, exponential from 100 ms, 500 ms when throttled) but waits at most 5 s, not the
// SDK's 20 s: a burst's end then costs a run at most 5 s, and one call every few seconds takes
// next to nothing from buckets that refill 10 and 12 a second. Like adaptive mode, it slows
// every call of the client after a throttle; it gives up only when the next wait would pass the
// run's deadline.
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";

/** The SDK's base delays (@smithy/util-retry: DEFAULT_RETRY_DELAY_BASE, THROTTLING_RETRY_DELAY_BASE). */
export const RETRY_DELAY_BASE_MS = 100;
export const THROTTLING_RETRY_DELAY_BASE_MS = 500;
/** The longest wait between attempts (the SDK's MAXIMUM_RETRY_DELAY is 20 s). */
export const MAXIMUM_RETRY_DELAY_MS = 5000;

const RETRYABLE = new Set(["THROTTLING", "TRANSIENT", "SERVER_ERROR"]);

export interface RetryClock {
  readonly now: () => number;
  /** Waits between attempts; a simulation moves its clock instead. */
  readonly sleep: (ms: number) => Promise<void>;
  /** The latest moment an attempt may start (epoch ms): the run's own deadline. */
  readonly deadline: () => number;
  readonly random?: () => number;
}

interface Token extends RetryToken {
  readonly attempt: number;
}

const token = (attempt: number): Token => ({ attempt, getRetryCount: () => attempt, getRetryDelay: () => 0 });

/** The delay before retry number `attempt` (0-based), as a fraction `r` of the full-jitter window. */
export function backoffMs(errorType: string, attempt: number, r: number): number {
  const base = errorType === "THROTTLING" ? THROTTLING_RETRY_DELAY_BASE_MS : RETRY_DELAY_BASE_MS;
  return Math.floor(r * Math.min(MAXIMUM_RETRY_DELAY_MS, base * 2 ** Math.min(attempt, 30)));
}

export class RetryUntilDeadline implements RetryStrategyV2 {
  readonly mode = "standard";
  /** Every call of this client waits until then before its first attempt (adaptive mode's rate limit, in its simplest form). */
  private throttledUntil = 0;
  /** Retries made since this strategy was built (it lives as long as the container); a run reports its own share. */
  retries = 0;

  constructor(private readonly clock: RetryClock) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    const wait = this.throttledUntil - this.clock.now();
    if (wait > 0) {
      if (this.clock.now() + wait > this.clock.deadline())
        throw new Error("no time left in this run to wait out the throttling");
      await this.clock.sleep(wait);
    }
    return token(0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const attempt = (previous as Token).attempt ?? previous.getRetryCount();
    if (!RETRYABLE.has(info.errorType)) throw new Error(`not retried: ${info.errorType}`);
    const delay = backoffMs(info.errorType, attempt, (this.clock.random ?? Math.random)());
    if (this.clock.now() + delay > this.clock.deadline())
      throw new Error("no time left in this run for another attempt");
    if (info.errorType === "THROTTLING") this.throttledUntil = Math.max(this.throttledUntil, this.clock.now() + delay);
    this.retries++;
    await this.clock.sleep(delay);
    return token(attempt + 1);
  }

  recordSuccess(): void {
    this.throttledUntil = 0;
  }
}
