// RDS Proxy mode: the groups follow the proxy's addresses, make before break, and no run ever
// empties a group; the environment that selects the mode, and what it refuses.
import { ENV, parseEnvironment, toEnvironment } from "../../functions/failover-sync/environment";
import { type Cidr, parseCidr } from "../../functions/failover-sync/ipv4";
import { type CurrentTarget, type InstanceState, planProxy, steps } from "../../functions/failover-sync/plan";

const VPC: Cidr[] = [parseCidr("10.0.0.0/16")!];
const PORT = 5432;
const PREFIX = "arn:aws:elasticloadbalancing:us-east-1:111111111111";
const WRITER = `${PREFIX}:targetgroup/orders-writer/0001`;
const READER = `${PREFIX}:targetgroup/orders-reader/0002`;

const at = (ip: string, state = "healthy"): CurrentTarget => ({ ip, port: PORT, state });
const state = (writer: CurrentTarget[], reader?: CurrentTarget[]): InstanceState => ({
  kind: "instance",
  writerGroup: { arn: WRITER, current: writer },
  ...(reader ? { readerGroup: { arn: READER, current: reader } } : {}),
});
const ips = (ts: ReadonlyArray<{ ip: string }>) => ts.map((t) => t.ip).sort();

describe("the proxy's addresses in the writer and reader groups", () => {
  it("registers every address of each endpoint into its group on the first run", () => {
    const p = planProxy({
      writerAddresses: ["10.0.1.5", "10.0.2.6"],
      readerAddresses: ["10.0.1.7", "10.0.2.8"],
      state: state([], []),
      port: PORT,
      allowedCidrs: VPC,
    });
    expect(ips(p.writerGroups[0].plan.register)).toEqual(["10.0.1.5", "10.0.2.6"]);
    expect(ips(p.readerGroups[0].plan.register)).toEqual(["10.0.1.7", "10.0.2.8"]);
    expect(p.switches).toEqual([]);
    expect(p.waiting).toBeNull();
  });

  it("changes nothing when the addresses are those registered, whatever the database does", () => {
    const p = planProxy({
      writerAddresses: ["10.0.1.5", "10.0.2.6"],
      readerAddresses: ["10.0.1.5", "10.0.2.6"],
      state: state([at("10.0.1.5"), at("10.0.2.6", "unhealthy")], [at("10.0.1.5"), at("10.0.2.6")]),
      port: PORT,
      allowedCidrs: VPC,
    });
    expect(steps(p).every((s) => s.kind !== "switch" && s.targets.length === 0)).toBe(true);
    expect(p.writerHealthyTargets).toBe(1);
  });

  it("registers a new address and keeps the old one while nothing that stays is healthy", () => {
    const p = planProxy({
      writerAddresses: ["10.0.1.9"],
      readerAddresses: ["10.0.1.9"],
      state: state([at("10.0.1.5")], [at("10.0.1.5")]),
      port: PORT,
      allowedCidrs: VPC,
    });
    expect(ips(p.writerGroups[0].plan.register)).toEqual(["10.0.1.9"]);
    expect(p.writerGroups[0].plan.deregister).toEqual([]);
    expect(ips(p.writerGroups[0].plan.deferred ?? [])).toEqual(["10.0.1.5"]);
    expect(p.notes.join(" ")).toMatch(/10\.0\.1\.5 \(writer\).*make before break/);
  });

  it("lets the old address go once the new one is healthy", () => {
    const p = planProxy({
      writerAddresses: ["10.0.1.9"],
      readerAddresses: ["10.0.1.9"],
      state: state([at("10.0.1.5"), at("10.0.1.9")], [at("10.0.1.5"), at("10.0.1.9", "initial")]),
      port: PORT,
      allowedCidrs: VPC,
    });
    expect(ips(p.writerGroups[0].plan.deregister)).toEqual(["10.0.1.5"]);
    // The reader group's new address is still in its first checks: its old one stays.
    expect(p.readerGroups[0].plan.deregister).toEqual([]);
    const order = steps(p).filter((s) => s.kind !== "switch" && s.targets.length > 0);
    expect(order.map((s) => s.kind)).toEqual(["deregister"]);
  });

  it("leaves both groups as they are when the addresses are unknown (a failed lookup)", () => {
    const p = planProxy({
      writerAddresses: null,
      readerAddresses: null,
      state: state([at("10.0.1.5")], [at("10.0.1.5")]),
      port: PORT,
      allowedCidrs: VPC,
    });
    expect(p.writerGroups[0].plan.heldBecause).toBe("desired targets unknown");
    expect(p.readerGroups[0].plan.deregister).toEqual([]);
  });

  it("refuses an address outside the allowed CIDRs and never empties the group for it", () => {
    const p = planProxy({
      writerAddresses: ["192.168.0.1"],
      readerAddresses: ["192.168.0.1"],
      state: state([at("10.0.1.5")]),
      port: PORT,
      allowedCidrs: VPC,
    });
    expect(p.refused.map((r) => r.ip)).toEqual(["192.168.0.1"]);
    expect(p.writerGroups[0].plan.deregister).toEqual([]);
    expect(p.writerGroups[0].plan.heldBecause).toMatch(/never empty a group/);
    expect(p.readerGroups).toEqual([]);
  });
});

describe("the environment of RDS Proxy mode", () => {
  const base = {
    [ENV.targetPort]: "5432",
    [ENV.allowedCidrs]: "10.0.0.0/16",
    [ENV.writerTargetGroupArn]: WRITER,
    [ENV.readerTargetGroupArn]: READER,
  };

  it("gives a cluster behind a proxy the two groups of an instance layout", () => {
    const env = parseEnvironment({
      ...base,
      [ENV.clusterIdentifier]: "orders",
      [ENV.proxyName]: "orders-proxy",
      [ENV.proxyReaderEndpoint]: "orders-proxy-ro",
    });
    expect(env.database).toEqual({ kind: "cluster", identifier: "orders" });
    expect(env.targets).toEqual({ kind: "instance", writerGroup: WRITER, readerGroup: READER });
    expect(env.proxy).toEqual({ name: "orders-proxy", readerEndpoint: "orders-proxy-ro" });
  });

  it("writes what it reads back", () => {
    const written = toEnvironment({
      database: { kind: "instance", identifier: "orders" },
      port: "5432",
      allowedCidrs: ["10.0.0.0/16"],
      targets: {
        kind: "instance",
        writerGroup: { arn: WRITER, arnSuffix: "targetgroup/orders-writer/0001" },
        readerGroup: { arn: READER, arnSuffix: "targetgroup/orders-reader/0002" },
      },
      proxy: { name: "orders-proxy" },
    });
    expect(parseEnvironment(written).proxy).toEqual({ name: "orders-proxy" });
    expect(written[ENV.proxyReaderEndpoint]).toBeUndefined();
  });

  it.each([
    [{ [ENV.proxyName]: "9-proxy" }, /DB_PROXY_NAME must be a DB proxy name/],
    [{ [ENV.proxyReaderEndpoint]: "orders-ro" }, /DB_PROXY_READER_ENDPOINT .* only with DB_PROXY_NAME/],
    [{ [ENV.proxyName]: "orders-proxy", [ENV.standbyDiscovery]: "1" }, /STANDBY_DISCOVERY does not apply/],
  ])("refuses %p, naming the variable", (extra, message) => {
    expect(() => parseEnvironment({ ...base, [ENV.instanceIdentifier]: "orders", ...extra })).toThrow(message);
  });
});
