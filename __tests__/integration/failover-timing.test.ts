import { type Report, sync, type SyncDeps, SyncError } from "../../functions/failover-sync/sync";
import { AwsTiming } from "../support/aws-timing";
import { type DnsServer, startDns } from "../support/dns";
import { type Moto, startMoto } from "../support/moto";
import {
  type ClusterWorld,
  createClusterWorld,
  failoverTo,
  forwardsTo,
  targetIps,
  testSettings,
  timedDeps,
} from "../support/world";

jest.setTimeout(60_000);

const CLUSTER = "orders";
let moto: Moto;
let dns: DnsServer;
let world: ClusterWorld;
let timing: AwsTiming;
let writes: string[];

beforeAll(async () => {
  [moto, dns] = await Promise.all([startMoto(), startDns()]);
});

afterAll(async () => {
  await Promise.all([moto?.stop(), dns?.close()]);
});

async function share(members: Record<string, string>): Promise<void> {
  await moto.reset();
  dns.records.clear();
  world = await createClusterWorld(moto.url, dns, { cluster: CLUSTER, engine: "aurora-mysql", members });
  timing = new AwsTiming();
  writes = [];
}

function deps(): SyncDeps {
  return timedDeps(moto.url, timing, writes, dns);
}

/** One run of the function; a SyncError's report is returned with the error. */
async function run(event: unknown): Promise<{ report: Report; error?: SyncError }> {
  try {
    return { report: await sync(event, testSettings(world, { settleDeadlineMs: 0 }), deps()) };
  } catch (e) {
    if (e instanceof SyncError) return { report: e.report, error: e };
    throw e;
  }
}

const event = (id: string) => ({
  version: "0",
  source: "aws.rds",
  "detail-type": "RDS DB Cluster Event",
  time: new Date().toISOString(),
  detail: { EventID: id, SourceIdentifier: `rds:${CLUSTER}` },
});
const ip = (id: string) => world.members[id];
/** A failover as RDS makes it: the writer moves, and the cluster endpoint's record with it (the function's second witness). */
async function failover(to: string): Promise<void> {
  await failoverTo(moto.url, CLUSTER, to);
  dns.records.set(world.endpoint, world.members[to]);
}
const slotOf = (id: string) => Object.keys(world.members).indexOf(id);

/** Deploy, then let every registration pass the delay and its checks. */
async function deployWarm(): Promise<void> {
  await run({ trigger: "deploy" });
  timing.advance(timing.registrationDelayS + timing.healthyAfterS);
  writes.length = 0;
}

describe("with AWS's registration delay and restarts put back", () => {
  it("a failover while the old writer reboots: the writer port moves to the warm member, the old writer keeps its targets, nothing is registered", async () => {
    await share({ "orders-1": "10.0.1.11", "orders-2": "10.0.2.22", "orders-3": "10.0.3.33" });
    await deployWarm();
    await failover("orders-2");
    timing.status.set("orders-1", "rebooting");
    timing.down.add(ip("orders-1"));

    const { report, error } = await run(event("RDS-EVENT-0071"));
    expect(error).toBeUndefined();
    expect(report.switches.map((s) => [s.listener, s.warm])).toEqual([
      ["writer", true],
      ["reader", true],
    ]);
    expect(writes).toEqual(["ModifyListener", "ModifyListener"]);
    expect(await forwardsTo(moto.url, world.writerListenerArn)).toBe(world.memberGroups[slotOf("orders-2")]);
    // The rebooting writer stays registered in its slot and in the readers' set.
    expect(await targetIps(moto.url, world.memberGroups[slotOf("orders-1")])).toEqual([ip("orders-1")]);
    const readerGroup = await forwardsTo(moto.url, world.readerListenerArn);
    expect(await targetIps(moto.url, readerGroup)).toEqual([ip("orders-1"), ip("orders-3")]);
  });

  it("a failback inside the registration delay is warm: the old writer was never deregistered, so no RegisterTargets in either failover", async () => {
    await share({ "orders-1": "10.0.1.11", "orders-2": "10.0.2.22" });
    await deployWarm();
    await failover("orders-2");
    timing.status.set("orders-1", "rebooting");
    timing.down.add(ip("orders-1"));
    await run(event("RDS-EVENT-0071"));
    // Back as a reader a minute later, well inside any registration delay; then a game-day failback.
    timing.advance(60);
    timing.status.delete("orders-1");
    timing.down.delete(ip("orders-1"));
    await failover("orders-1");
    const { report } = await run(event("RDS-EVENT-0071"));
    expect(report.switches.find((s) => s.listener === "writer")).toMatchObject({
      to: world.memberGroups[0],
      warm: true,
    });
    expect(writes.filter((w) => w === "RegisterTargets")).toEqual([]);
    expect(report.fallback).toBeNull();
  });

  it("a failback while the old writer still restarts moves the writer port anyway, says so, and registers nothing", async () => {
    await share({ "orders-1": "10.0.1.11", "orders-2": "10.0.2.22" });
    await deployWarm();
    await failover("orders-2");
    timing.down.add(ip("orders-1"));
    await run(event("RDS-EVENT-0071"));
    await failover("orders-1");
    const { report } = await run(event("RDS-EVENT-0071"));
    expect(report.switches.find((s) => s.listener === "writer")).toMatchObject({
      to: world.memberGroups[0],
      warm: false,
    });
    expect(report.notes?.join(" ")).toMatch(
      /writer port moved to slot 0, where writer orders-1 \(10\.0\.1\.11\) reads unhealthy/,
    );
    expect(writes.filter((w) => w === "RegisterTargets")).toEqual([]);
  });

  it("a reader in modifying keeps its targets; reads move to the set that holds the writer while it is the only reader, and back after", async () => {
    await share({ "orders-1": "10.0.1.11", "orders-2": "10.0.2.22" });
    await deployWarm();
    const readerSetOfWriter = await forwardsTo(moto.url, world.readerListenerArn);
    timing.status.set("orders-2", "modifying");
    const during = (await run({ trigger: "schedule" })).report;
    expect(during.deregistrations).toBe(0);
    expect(writes).toEqual(["ModifyListener"]);
    expect(await targetIps(moto.url, await forwardsTo(moto.url, world.readerListenerArn))).toEqual([ip("orders-1")]);
    expect(await targetIps(moto.url, world.memberGroups[1])).toEqual([ip("orders-2")]);

    timing.status.delete("orders-2");
    writes.length = 0;
    await run({ trigger: "schedule" });
    expect(writes).toEqual(["ModifyListener"]);
    expect(await forwardsTo(moto.url, world.readerListenerArn)).toBe(readerSetOfWriter);
  });

  it("targets that still read initial are not warm: right after a deploy a failover moves the writer port, says so, and the reader port stays", async () => {
    await share({ "orders-1": "10.0.1.11", "orders-2": "10.0.2.22", "orders-3": "10.0.3.33" });
    await run({ trigger: "deploy" });
    timing.advance(timing.registrationDelayS - 1);
    const readerGroup = await forwardsTo(moto.url, world.readerListenerArn);
    await failover("orders-2");
    writes.length = 0;
    const { report } = await run(event("RDS-EVENT-0071"));
    expect(report.switches.map((s) => [s.listener, s.warm])).toEqual([["writer", false]]);
    expect(report.notes?.join(" ")).toMatch(/where writer orders-2 \(10\.0\.2\.22\) reads initial/);
    expect(await forwardsTo(moto.url, world.readerListenerArn)).toBe(readerGroup);
    expect(writes).toEqual(["ModifyListener"]);
    // Once the checks pass, the next run moves the reader port to the set without the writer.
    timing.advance(1 + timing.healthyAfterS);
    const next = (await run({ trigger: "schedule" })).report;
    expect(next.switches.map((s) => [s.listener, s.warm])).toEqual([["reader", true]]);
    expect(await targetIps(moto.url, await forwardsTo(moto.url, world.readerListenerArn))).toEqual([
      ip("orders-1"),
      ip("orders-3"),
    ]);
  });

  it("a member in a zone the NLB does not enable is named loudly in every run, and the ports stay where they serve", async () => {
    await share({ "orders-1": "10.0.1.11", "orders-2": "10.0.2.22", "orders-3": "10.0.3.33" });
    timing.unusedIps.add(ip("orders-3"));
    await deployWarm();
    const { error } = await run({ trigger: "schedule" });
    expect(error?.message).toMatch(
      /orders-3 \(10\.0\.3\.33\) reads "unused" on the load balancer: its Availability Zone is not enabled on the NLB/,
    );
    expect(await targetIps(moto.url, await forwardsTo(moto.url, world.writerListenerArn))).toEqual([ip("orders-1")]);
    expect(writes).toEqual([]);
  });
});
