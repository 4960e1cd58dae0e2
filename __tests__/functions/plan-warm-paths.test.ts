// The planner's part in the paths that used to register on the way: a Blue/Green deployment's
// green members placed in spare slots before the switchover, a Multi-AZ DB instance's standby
// registered beside the primary, and the order of a switch to a slot that holds the writer
// registered but not yet healthy. Plain data in, plain data out.
import { parseCidr } from "../../functions/failover-sync/ipv4";
import {
  type ClusterState,
  type CurrentTarget,
  type InstanceState,
  type Member,
  planCluster,
  planRun,
  steps,
} from "../../functions/failover-sync/plan";

const PORT = 3306;
const VPC = [parseCidr("10.0.0.0/16")!];
const A: Member = { instance: "orders-a", ip: "10.0.1.1" };
const B: Member = { instance: "orders-b", ip: "10.0.2.2" };
const GA: Member = { instance: "orders-a-green-x1", ip: "10.0.1.77" };
const GB: Member = { instance: "orders-b-green-x1", ip: "10.0.2.77" };
const M = (i: number) => `arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-m${i}/000${i}`;
const R = (i: number) => `arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-r${i}/100${i}`;
const FENCE = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-fence/0099";
const listener = (n: number, forwardsTo: string | null) => ({
  arn: `arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/orders-nlb/0001/000${n}`,
  forwardsTo,
});
const targets = (state: string, ...ms: Member[]): CurrentTarget[] => ms.map((m) => ({ ip: m.ip, port: PORT, state }));

/** `slots` member groups holding `occupants` healthy, the writer's reader set holding `readers`. */
function cluster(
  slots: number,
  occupants: Array<Member | null>,
  readers: Member[],
  writerListenerTo = M(0),
): ClusterState {
  return {
    kind: "cluster",
    memberGroups: Array.from({ length: slots }, (_, i) => ({
      arn: M(i),
      current: occupants[i] ? targets("healthy", occupants[i]!) : [],
    })),
    readerSetGroups: [
      { arn: R(0), current: targets("healthy", ...readers) },
      { arn: R(1), current: [] },
    ],
    writerListener: listener(1, writerListenerTo),
    readerListener: listener(2, R(0)),
    fenceGroup: { arn: FENCE, current: [] },
  };
}

describe("a Blue/Green deployment's green members", () => {
  it("take free slots, the blue writer's counterpart first, and are registered there while blue serves", () => {
    const p = planCluster({
      writer: A,
      members: [A, B],
      green: [GA, GB],
      state: cluster(4, [A, B], [B]),
      port: PORT,
      allowedCidrs: VPC,
      warmReaderSets: 1,
    });
    expect(p.slots.map((m) => m?.instance ?? null)).toEqual([
      "orders-a",
      "orders-b",
      "orders-a-green-x1",
      "orders-b-green-x1",
    ]);
    expect(p.switches).toEqual([]);
    expect(p.groups.map((g) => [g.arn, g.plan.register.map((t) => t.ip)])).toEqual([
      [M(2), ["10.0.1.77"]],
      [M(3), ["10.0.2.77"]],
    ]);
    expect(p.greenUnplaced).toBeUndefined();
  });

  it("never take a member's slot; the ones that do not fit are named", () => {
    const p = planCluster({
      writer: A,
      members: [A, B],
      green: [GA, GB],
      state: cluster(3, [A, B], [B]),
      port: PORT,
      allowedCidrs: VPC,
      warmReaderSets: 1,
    });
    expect(p.slots.map((m) => m?.instance ?? null)).toEqual(["orders-a", "orders-b", "orders-a-green-x1"]);
    expect(p.greenUnplaced).toEqual(["orders-b-green-x1"]);
  });

  it("give their slot up to a member that needs one: a member may be promoted now, green only at a switchover", () => {
    const C: Member = { instance: "orders-c", ip: "10.0.3.3" };
    // Slot 2 holds green-a; Auto Scaling adds orders-c and there is no free slot left.
    const state = cluster(3, [A, B, GA], [B]);
    const p = planCluster({
      writer: A,
      members: [A, B, C],
      green: [GA],
      state,
      port: PORT,
      allowedCidrs: VPC,
      warmReaderSets: 1,
    });
    expect(p.slots.map((m) => m?.instance ?? null)).toEqual(["orders-a", "orders-b", "orders-c"]);
    expect(p.greenUnplaced).toEqual(["orders-a-green-x1"]);
  });

  it("after the switchover, are the members: the writer port moves to the green writer's warm slot, with no registration before it", () => {
    // The names moved: orders-a now has green-a's address; the writer port was fenced during the switchover.
    const greenA = { instance: "orders-a", ip: GA.ip };
    const greenB = { instance: "orders-b", ip: GB.ip };
    const state = cluster(4, [A, B, GA, GB], [B], FENCE);
    const run = planRun({
      writer: greenA,
      members: [greenA, greenB],
      state,
      port: PORT,
      allowedCidrs: VPC,
      warmReaderSets: 1,
      evidence: { endpointIp: null, namedForMs: 0, recordedGreen: true },
    });
    const order = steps(run).filter((s) => s.kind === "switch" || s.targets.length > 0);
    expect(order[0]).toMatchObject({ kind: "switch", switch: { listener: "writer", to: M(2), warm: true } });
    expect(order.findIndex((s) => s.kind === "register")).toBeGreaterThan(0);
    // The old blue members leave their slots; the reader port goes to a set kept for the green writer.
    expect(run.slots).toEqual([null, null, "orders-a", "orders-b"]);
  });

  it("without the recorded address, a writer change waits for the cluster endpoint or 10 s of reads, as any other", () => {
    const greenA = { instance: "orders-a", ip: GA.ip };
    const state = cluster(4, [A, B, GA, GB], [B], FENCE);
    const run = planRun({
      writer: greenA,
      members: [greenA],
      state,
      port: PORT,
      allowedCidrs: VPC,
      warmReaderSets: 1,
      evidence: { endpointIp: null, namedForMs: 0 },
    });
    expect(run.switches).toEqual([]);
    expect(run.waiting).toBe("writer");
  });
});

describe("the writer port's move to a slot that holds the writer registered but not healthy", () => {
  it("goes before any registration of the run: it needs none", () => {
    // orders-b restarts as Aurora promotes it: registered in slot 1, unhealthy.
    const state: ClusterState = {
      ...cluster(2, [A, B], [B]),
      memberGroups: [
        { arn: M(0), current: targets("healthy", A) },
        { arn: M(1), current: targets("unhealthy", B) },
      ],
    };
    const run = planRun({ writer: B, members: [B, A], state, port: PORT, allowedCidrs: VPC, warmReaderSets: 1 });
    const order = steps(run).filter((s) => s.kind === "switch" || s.targets.length > 0);
    expect(order[0]).toMatchObject({
      kind: "switch",
      switch: { listener: "writer", to: M(1), warm: false, registered: true },
    });
  });
});

describe("a Multi-AZ DB instance's standby", () => {
  const W = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-writer/0001";
  const RD = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-reader/0002";
  const primary: Member = { instance: "orders-db", ip: "10.0.1.11" };
  const standby: Member = { instance: "orders-db (standby)", ip: "10.0.2.22" };
  const instance = (writer: CurrentTarget[], reader: CurrentTarget[]): InstanceState => ({
    kind: "instance",
    writerGroup: { arn: W, current: writer },
    readerGroup: { arn: RD, current: reader },
  });

  it("is registered beside the primary in both groups", () => {
    const run = planRun({
      writer: primary,
      members: [primary],
      standby,
      state: instance(targets("healthy", primary), targets("healthy", primary)),
      port: PORT,
      allowedCidrs: VPC,
    });
    expect(
      [...run.writerGroups, ...run.readerGroups].map((g) => [
        g.arn,
        g.plan.register.map((t) => t.ip),
        g.plan.deregister,
      ]),
    ).toEqual([
      [W, ["10.0.2.22"], []],
      [RD, ["10.0.2.22"], []],
    ]);
  });

  it("makes a failover a no-op: the two addresses swap roles and both stay", () => {
    // After the failover the instance's name resolves to the old standby, and the old primary is the new standby.
    const both = [...targets("healthy", primary), ...targets("unhealthy", standby)];
    const run = planRun({
      writer: { instance: "orders-db", ip: standby.ip },
      members: [{ instance: "orders-db", ip: standby.ip }],
      standby: { instance: "orders-db (standby)", ip: primary.ip },
      state: instance(both, both),
      port: PORT,
      allowedCidrs: VPC,
    });
    expect(steps(run).filter((s) => s.kind !== "switch" && s.targets.length > 0)).toEqual([]);
  });

  it("is refused like any address outside the VPC", () => {
    const run = planRun({
      writer: primary,
      members: [primary],
      standby: { instance: "x", ip: "192.168.0.9" },
      state: instance(targets("healthy", primary), targets("healthy", primary)),
      port: PORT,
      allowedCidrs: VPC,
    });
    expect(run.refused.map((r) => r.ip)).toContain("192.168.0.9");
  });
});
