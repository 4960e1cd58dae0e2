// Retries inside a run: backoff like the SDK's, but bounded by the run's deadline, not by a
// count, and every call of the client slowed after a throttle.
import { backoffMs, MAXIMUM_RETRY_DELAY_MS, RetryUntilDeadline } from "../../functions/failover-sync/retry";

function clock(deadline: number, random = () => 1) {
  const c = { now: 0, waits: [] as number[] };
  const strategy = new RetryUntilDeadline({
    now: () => c.now,
    sleep: async (ms) => {
      c.waits.push(ms);
      c.now += ms;
    },
    deadline: () => deadline,
    random,
  });
  return { c, strategy };
}

describe("RetryUntilDeadline", () => {
  it("backs off exponentially from 500 ms when throttled and 100 ms otherwise, never longer than 5 s", () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffMs("THROTTLING", n, 1))).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    expect([0, 1, 2].map((n) => backoffMs("TRANSIENT", n, 1))).toEqual([100, 200, 400]);
    expect(backoffMs("THROTTLING", 3, 0.5)).toBe(2000);
    expect(MAXIMUM_RETRY_DELAY_MS).toBe(5000);
  });

  it("keeps retrying a throttled call through a 100 s burst, far past the SDK's three attempts, while the run has time", async () => {
    const { c, strategy } = clock(200_000);
    let token = await strategy.acquireInitialRetryToken();
    while (c.now < 100_000) token = await strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" });
    expect(token.getRetryCount()).toBeGreaterThan(20);
    expect(strategy.retries).toBe(token.getRetryCount());
  });

  it("gives up when the next wait would pass the deadline, so the run can report", async () => {
    const { c, strategy } = clock(3000);
    let token = await strategy.acquireInitialRetryToken();
    await expect(
      (async () => {
        for (;;) token = await strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" });
      })(),
    ).rejects.toThrow(/no time left in this run/);
    expect(c.now).toBeLessThanOrEqual(3000);
  });

  it("does not retry a client error", async () => {
    const { strategy } = clock(60_000);
    const token = await strategy.acquireInitialRetryToken();
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: "CLIENT_ERROR" })).rejects.toThrow(
      /not retried/,
    );
  });

  it("makes the next call wait out a throttle's backoff before its first attempt, and stops after a success", async () => {
    const { c, strategy } = clock(60_000);
    const token = await strategy.acquireInitialRetryToken();
    const waiting = strategy.refreshRetryTokenForRetry(token, { errorType: "THROTTLING" });
    // Another call of the same client starts while the first waits: it waits too.
    c.now = 0;
    await waiting;
    c.now = 100;
    await strategy.acquireInitialRetryToken();
    expect(c.waits).toEqual([500, 400]);
    strategy.recordSuccess();
    await strategy.acquireInitialRetryToken();
    expect(c.waits).toEqual([500, 400]);
  });
});
