// npm run status behind an RDS Proxy: the proxy's endpoints, its targets' health as
// DescribeDBProxyTargets reports it (fed the AWS CLI Command Reference's own example, a target
// waiting for capacity), and whether each group holds exactly the proxy's addresses, healthy.
import { diagnoseProxy, type ObservedProxy } from "../../scripts/status/proxy";
import type { FixContext } from "../../scripts/status/finding";

const CTX = { configFile: "config.json", providerCli: "--profile db-owner", now: new Date() } as unknown as FixContext;
const SYNC = "force a sync";
const PROXY = "orders-proxy.proxy-ab0cd1efghij.us-east-1.rds.amazonaws.com";

const observed = (
  targets: ObservedProxy["targets"],
  addresses: string[] | null = ["10.0.1.201", "10.0.2.202"],
): ObservedProxy => ({
  read: {
    proxy: { name: "orders-proxy", status: "available", address: PROXY, addresses },
    problems: addresses === null ? [`cannot resolve ${PROXY} (proxy endpoint orders-proxy): queryA ENOTFOUND`] : [],
  },
  targets,
});
const AVAILABLE = { id: "orders-db", type: "RDS_INSTANCE", role: "READ_WRITE", state: "AVAILABLE" };
const group = (label: string, ...targets: Array<[string, string]>) => ({
  label,
  targets: targets.map(([ip, state]) => ({ ip, port: 3306, state })),
});
const run = (o: ObservedProxy, writer = group("writer", ["10.0.1.201", "healthy"], ["10.0.2.202", "healthy"])) =>
  diagnoseProxy(
    "provider",
    o,
    { writer, reader: group("reader", ["10.0.1.201", "healthy"], ["10.0.2.202", "healthy"]) },
    { proxy: 3306, database: 3306 },
    SYNC,
    CTX,
  );

describe("status behind an RDS Proxy", () => {
  it("passes when the proxy is available, its target too, and each group holds its addresses, healthy", () => {
    const findings = run(observed([AVAILABLE]));
    expect(findings.filter((f) => !f.ok)).toEqual([]);
    expect(findings.map((f) => f.check)).toEqual([
      "proxy orders-proxy",
      "proxy target orders-db (READ_WRITE)",
      "writer port",
      "reader port",
    ]);
  });

  it("names a target waiting for capacity, as the CLI reference's example shows one, with what to do", () => {
    // aws rds describe-db-proxy-targets example output (AWS CLI Command Reference).
    const target = {
      id: "database1-instance-1",
      type: "RDS_INSTANCE",
      role: "READ_WRITE",
      state: "UNAVAILABLE",
      reason: "PENDING_PROXY_CAPACITY",
      description: "DBProxy Target is waiting for proxy to scale to desired capacity",
    };
    const bad = run(observed([target])).find((f) => !f.ok)!;
    expect(bad.check).toBe("proxy target database1-instance-1 (READ_WRITE)");
    expect(bad.detail).toBe(
      "UNAVAILABLE (PENDING_PROXY_CAPACITY: DBProxy Target is waiting for proxy to scale to desired capacity)",
    );
    expect(bad.fix).toMatch(/wait: the proxy is scaling/);
  });

  it.each([
    ["AUTH_FAILURE", /secret does not sign in/],
    ["CONNECTION_FAILED", /security group must admit port 3306 from the proxy's security group/],
  ])("gives the fix of %s", (reason, fix) => {
    const bad = run(observed([{ ...AVAILABLE, state: "UNAVAILABLE", reason }])).find((f) => !f.ok)!;
    expect(bad.fix).toMatch(fix);
  });

  it("finds a group without the proxy's new address, and calls an old one kept meanwhile make before break", () => {
    const o = observed([AVAILABLE], ["10.0.1.221", "10.0.2.202"]);
    const lacking = run(o).find((f) => f.check === "writer port")!;
    expect(lacking).toMatchObject({ ok: false, detail: "writer lacks 10.0.1.221 of orders-proxy", fix: SYNC });
    const kept = run(
      o,
      group("writer", ["10.0.1.201", "healthy"], ["10.0.1.221", "healthy"], ["10.0.2.202", "healthy"]),
    ).find((f) => f.check === "writer port")!;
    expect(kept.ok).toBe(true);
    expect(kept.detail).toMatch(/10\.0\.1\.201 still registered until a new address is healthy \(make before break\)/);
  });

  it("says none is healthy, with the security group to fix, when the addresses are there but unhealthy", () => {
    const bad = run(
      observed([AVAILABLE]),
      group("writer", ["10.0.1.201", "unhealthy"], ["10.0.2.202", "unhealthy"]),
    ).find((f) => f.check === "writer port")!;
    expect(bad.ok).toBe(false);
    expect(bad.fix).toMatch(/proxy's security group must admit port 3306 from the load balancer's group/);
  });

  it("reports a name that does not resolve, and leaves the ports unjudged", () => {
    const findings = run(observed([AVAILABLE], null));
    expect(findings.find((f) => f.check === "proxy orders-proxy")).toMatchObject({ ok: false });
    expect(findings.find((f) => f.check === "writer port")?.detail).toMatch(/addresses of orders-proxy are unknown/);
  });
});
