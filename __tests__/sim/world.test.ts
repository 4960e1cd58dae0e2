// The simulated AWS itself, against the sources params.ts cites: each behaviour the model adds
// to be no kinder than AWS's documents and reports, checked on a bare world.
import { DEFAULT_PARAMS } from "../support/sim/params";
import { AURORA_TIMELINE, clusterFailover } from "../support/sim/scenarios";
import { seeded, SimWorld } from "../support/sim/world";

const G = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/g/1";
const H = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/h/2";
const LISTENER = "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/n/1/1";

function world(overrides: Partial<typeof DEFAULT_PARAMS> = {}): SimWorld {
  const w = new SimWorld({ ...DEFAULT_PARAMS, registrationDelayS: 90, listenerDelayS: 0, ...overrides }, seeded(1));
  for (const [ip, az] of [
    ["10.0.1.11", "a"],
    ["10.0.2.22", "b"],
  ]) {
    w.addHost(ip, az);
    w.zones.add(az);
  }
  w.addGroup(G, "member");
  w.addGroup(H, "member");
  w.addListener(LISTENER, 3306, G);
  return w;
}

/** Both hosts registered in G and healthy, as of 200 s. */
function warm(w: SimWorld): void {
  w.register(G, "10.0.1.11", 3306);
  w.register(G, "10.0.2.22", 3306);
  w.advanceTo(200_000);
}

describe("the simulated NLB", () => {
  it("sends nothing to a target whose registration has not completed", () => {
    const w = world();
    w.register(G, "10.0.1.11", 3306);
    w.advanceTo(80_000);
    expect(w.route(LISTENER)).toEqual([]);
  });

  it("fails open: with no target healthy, a new connection may reach any known target, down or not", () => {
    const w = world();
    warm(w);
    w.restart("10.0.1.11", 1000);
    w.restart("10.0.2.22", 1000);
    w.advance(DEFAULT_PARAMS.healthLagS * 1000 + 40_000);
    expect(w.healthyIps(G)).toEqual([]);
    expect(w.route(LISTENER).sort()).toEqual(["10.0.1.11", "10.0.2.22"]);
  });

  it("routes an empty group to no node", () => {
    const w = world();
    w.modifyListener(LISTENER, H);
    expect(w.route(LISTENER)).toEqual([]);
  });

  it("acts on a target's failed checks only healthLagS after they mark it unhealthy", () => {
    const w = world();
    warm(w);
    w.restart("10.0.1.11", 1000);
    w.advance(25_000);
    expect(w.healthyIps(G)).toEqual(["10.0.2.22"]);
    expect(w.route(LISTENER)).toContain("10.0.1.11");
    w.advance(DEFAULT_PARAMS.healthLagS * 1000);
    expect(w.route(LISTENER)).toEqual(["10.0.2.22"]);
  });

  it("keeps sending new connections to a deregistered target for deregisteredTrafficS", () => {
    const w = world();
    warm(w);
    w.deregister(G, "10.0.1.11", 3306);
    w.advance((DEFAULT_PARAMS.deregisteredTrafficS - 1) * 1000);
    expect(w.route(LISTENER)).toContain("10.0.1.11");
    w.advance(2000);
    expect(w.route(LISTENER)).toEqual(["10.0.2.22"]);
  });

  it("lands a listener change L seconds late, and a switch back to a group left within the window fails after okS for failS", () => {
    const w = world({ listenerDelayS: 30 });
    warm(w);
    w.register(H, "10.0.2.22", 3306);
    w.advanceTo(400_000);
    w.modifyListener(LISTENER, H);
    w.advance(29_000);
    expect(w.listeners.get(LISTENER)!.effective).toBe(G);
    w.advance(2000);
    expect(w.route(LISTENER)).toEqual(["10.0.2.22"]);
    w.modifyListener(LISTENER, G);
    w.advance(30_000 + DEFAULT_PARAMS.rollback.okS * 1000 - 1000);
    expect(w.route(LISTENER).length).toBe(2);
    w.advance(2000);
    expect(w.route(LISTENER)).toEqual([]);
    w.advance(DEFAULT_PARAMS.rollback.failS * 1000);
    expect(w.route(LISTENER).length).toBe(2);
  });
});

describe("the simulated Aurora failover (the docdb describe-events example)", () => {
  function cluster(): SimWorld {
    const w = world();
    w.instances.set("a", { id: "a", ip: "10.0.1.11", status: "available", tier: 1, clusterId: "c" });
    w.instances.set("b", { id: "b", ip: "10.0.2.22", status: "available", tier: 1, clusterId: "c" });
    w.clusters.set("c", { id: "c", status: "available", writer: null, members: ["a", "b"] });
    w.nameWriter("c", "a");
    clusterFailover(w, "c", "b", 10);
    return w;
  }

  it("brings the old writer back as a reader before RDS names the new writer", () => {
    const w = cluster();
    w.advanceTo(10_000 + 22_000);
    expect(w.hostUp("10.0.1.11")).toBe(true);
    expect(w.writer("c")).toBeNull();
    w.advanceTo(10_000 + AURORA_TIMELINE.namedS * 1000);
    expect(w.writer("c")?.id).toBe("b");
    expect(w.events.map((e) => e.id)).toEqual(["RDS-EVENT-0073", "RDS-EVENT-0071"]);
  });

  it("keeps the promoted instance down until +11.0 s and the old writer down from +14.1 s to +21.5 s", () => {
    const w = cluster();
    w.advanceTo(10_000 + 10_900);
    expect([w.hostUp("10.0.2.22"), w.hostUp("10.0.1.11")]).toEqual([false, true]);
    w.advanceTo(10_000 + 14_200);
    expect([w.hostUp("10.0.2.22"), w.hostUp("10.0.1.11")]).toEqual([true, false]);
  });

  it("moves the cluster endpoint's record when it names the writer; a client's cache may hold the old answer one TTL longer", () => {
    const w = cluster();
    const named = 10_000 + AURORA_TIMELINE.namedS * 1000;
    w.advanceTo(named + 1000);
    expect(w.endpointIp(w.now)).toBe("10.0.2.22");
    expect(w.endpointIpsCached(w.now).sort()).toEqual(["10.0.1.11", "10.0.2.22"]);
    expect(w.endpointIpsCached(named + DEFAULT_PARAMS.dnsTtlS * 1000 + 1)).toEqual(["10.0.2.22"]);
  });
});
