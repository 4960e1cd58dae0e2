// The run-level decisions as plain data: what one run changes for either kind of database, in
// which order, when the fast path stops waiting, when a run settles and whether the writer moved.
// And the layout's one contract: what the construct encodes is what the handler reads back.
import { MAX_MEMBER_SLOTS } from "../../config/fields";
import {
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  parseEnvironment,
  toEnvironment,
} from "../../functions/failover-sync/environment";
import { parseCidr } from "../../functions/failover-sync/ipv4";
import {
  type ClusterState,
  type GroupChange,
  type GroupState,
  type InstanceState,
  keepsWaiting,
  type Member,
  planRun,
  readersOf,
  type RunInput,
  type RunPlan,
  settles,
  type Step,
  steps,
  writerChanged,
  writerMoved,
} from "../../functions/failover-sync/plan";

const PORT = 3306;
const VPC = [parseCidr("10.0.0.0/16")!];
const A: Member = { instance: "db-a", ip: "10.0.1.1" };
const B: Member = { instance: "db-b", ip: "10.0.2.2" };
const C: Member = { instance: "db-c", ip: "10.0.3.3" };
const PREFIX = "arn:aws:elasticloadbalancing:us-east-1:111111111111";
const M = (i: number) => `${PREFIX}:targetgroup/orders-m${i}/000${i}`;
const R = (i: number) => `${PREFIX}:targetgroup/orders-r${i}/100${i}`;
const WRITER_LISTENER = `${PREFIX}:listener/net/orders-nlb/0001/0001`;
const READER_LISTENER = `${PREFIX}:listener/net/orders-nlb/0001/0002`;
const group = (arn: string, ...targets: Array<[Member, string]>): GroupState => ({
  arn,
  current: targets.map(([m, state]) => ({ ip: m.ip, port: PORT, state })),
});

const instance = (writer: GroupState, reader?: GroupState): InstanceState => ({
  kind: "instance",
  writerGroup: writer,
  ...(reader ? { readerGroup: reader } : {}),
});
const run = (writer: Member | null, members: Member[] | null, state: RunInput["state"]) =>
  planRun({ writer, members, state, port: PORT, allowedCidrs: VPC });

describe("readersOf(writer, members)", () => {
  it("is every member but the writer, in RDS's order", () => expect(readersOf(B, [C, B, A])).toEqual([C, A]));
  it("is unknown when the writer or the members are", () => {
    expect(readersOf(null, [A, B])).toBeNull();
    expect(readersOf(A, null)).toBeNull();
  });
});

describe("planRun for a Multi-AZ instance", () => {
  const WRITER = `${PREFIX}:targetgroup/orders-writer/0001`;
  const READER = `${PREFIX}:targetgroup/orders-reader/0002`;

  it("registers the new writer's IP, keeps the old one until the new one is healthy, and says the writer moved by registration", () => {
    const p = run(B, [B], instance(group(WRITER, [A, "healthy"]), group(READER, [A, "healthy"])));
    expect(
      p.writerGroups.map((g) => [
        g.arn,
        g.plan.register.map((t) => t.ip),
        g.plan.deregister.map((t) => t.ip),
        g.plan.deferred?.map((t) => t.ip),
      ]),
    ).toEqual([[WRITER, [B.ip], [], [A.ip]]]);
    // No other member: the reader port is served by the writer.
    expect(p.readerGroups.map((g) => g.plan.register.map((t) => t.ip))).toEqual([[B.ip]]);
    expect(p).toMatchObject({
      readers: [],
      readerPort: true,
      switches: [],
      writerGroup: WRITER,
      writerRegistered: true,
      writerHealthyTargets: 0,
      settled: true,
    });
    expect([...p.servedWriterIps]).toEqual([A.ip]);
    expect(writerChanged([p], [])).toBe(true);
  });

  it("changes nothing when the writer is registered and healthy, and reports its healthy target", () => {
    const p = run(A, [A], instance(group(WRITER, [A, "healthy"])));
    expect(steps(p).filter((s) => s.kind === "switch" || s.targets.length > 0)).toEqual([]);
    expect(p).toMatchObject({ readerPort: false, readerGroups: [], writerRegistered: false, writerHealthyTargets: 1 });
    expect(writerChanged([p], [])).toBe(false);
  });

  it("populating an empty writer group is not a writer change: nothing was served", () => {
    const p = run(A, [A], instance(group(WRITER)));
    expect(p.writerRegistered).toBe(true);
    expect(writerChanged([p], [])).toBe(false);
  });
});

describe("planRun for a cluster", () => {
  const state = (writerSlot: number): ClusterState => ({
    kind: "cluster",
    writerListener: { arn: WRITER_LISTENER, forwardsTo: M(writerSlot) },
    readerListener: { arn: READER_LISTENER, forwardsTo: R(writerSlot) },
    memberGroups: [group(M(0), [A, "healthy"]), group(M(1), [B, "healthy"])],
    readerSetGroups: [group(R(0), [B, "healthy"]), group(R(1), [A, "healthy"])],
  });

  it("switches both listeners, by the layout's listener ARNs, to the new writer's warm slot", () => {
    const p = run(B, [B, A], state(0));
    expect(steps(p)).toEqual([
      {
        kind: "switch",
        switch: { listener: "writer", from: M(0), to: M(1), warm: true },
        listenerArn: WRITER_LISTENER,
      },
      {
        kind: "switch",
        switch: { listener: "reader", from: R(0), to: R(1), warm: true },
        listenerArn: READER_LISTENER,
      },
    ]);
    expect(p).toMatchObject({
      readers: [A],
      slots: ["db-a", "db-b"],
      readerSets: ["db-a", "db-b"],
      writerGroup: M(1),
      writerHealthyTargets: 1,
      writerRegistered: false,
      settled: true,
    });
    // What the writer port served when read: the old writer, so the fast path stops polling.
    expect(writerMoved({ status: "available", writer: B }, p.servedWriterIps)).toBe(true);
    expect(writerChanged([p], p.switches)).toBe(true);
  });

  it("is not settled while the new writer's target is still restarting: the run watches the checks", () => {
    const restarting = { ...state(0), memberGroups: [group(M(0), [A, "healthy"]), group(M(1), [B, "unhealthy"])] };
    const p = run(B, [B, A], restarting);
    expect(p.switches.find((s) => s.listener === "writer")).toMatchObject({ to: M(1), warm: false });
    expect(p.settled).toBe(false);
    expect(p.notes).toEqual([
      expect.stringMatching(/^writer port moved to slot 1, where writer db-b \(10\.0\.2\.2\) reads unhealthy/),
    ]);
  });

  it("holds everything and is settled when the writer is unknown", () => {
    const p = run(null, null, state(0));
    expect(p).toMatchObject({
      switches: [],
      writerGroups: [],
      readerGroups: [],
      readers: null,
      writerGroup: M(0),
      settled: true,
    });
  });
});

describe("steps(plan): the one safe order", () => {
  const change = (arn: string, register: Member[], deregister: Member[]): GroupChange => ({
    role: "member",
    slot: 0,
    arn,
    plan: {
      register: register.map((m) => ({ ip: m.ip, port: PORT })),
      deregister: deregister.map((m) => ({ ip: m.ip, port: PORT })),
      refused: [],
    },
  });
  const describeStep = (s: Step) =>
    s.kind === "switch"
      ? `switch ${s.switch.listener} via ${s.listenerArn}`
      : `${s.kind} ${s.arn} ${s.targets.map((t) => t.ip).join(",") || "-"}`;

  it("makes warm switches, then every registration, then cold switches, and only then deregistrations", () => {
    const p: RunPlan = {
      ...run(A, [A], instance(group(M(0), [A, "healthy"]))),
      switches: [
        { listener: "writer", from: M(0), to: M(1), warm: false },
        { listener: "reader", from: R(0), to: R(1), warm: true },
      ],
      writerGroups: [change(M(1), [B], [])],
      readerGroups: [change(R(0), [], [A])],
      listenerArns: { writer: WRITER_LISTENER, reader: READER_LISTENER },
    };
    expect(steps(p).map(describeStep)).toEqual([
      `switch reader via ${READER_LISTENER}`,
      `register ${M(1)} ${B.ip}`,
      `register ${R(0)} -`,
      `switch writer via ${WRITER_LISTENER}`,
      `deregister ${M(1)} -`,
      `deregister ${R(0)} ${A.ip}`,
    ]);
  });

  it("moves the writer port to a slot still warming before the member that left loses its target", () => {
    const state: ClusterState = {
      kind: "cluster",
      writerListener: { arn: WRITER_LISTENER, forwardsTo: M(0) },
      memberGroups: [group(M(0), [A, "healthy"]), group(M(1), [B, "initial"]), group(M(2), [C, "healthy"])],
      readerSetGroups: [],
    };
    const order = steps(run(B, [B, A], state)).filter((s) => s.kind === "switch" || s.targets.length > 0);
    expect(order.map(describeStep)).toEqual([`switch writer via ${WRITER_LISTENER}`, `deregister ${M(2)} ${C.ip}`]);
  });
});

describe("settles(trigger, kind, switches moved)", () => {
  it.each([
    ["failover-started", "cluster", 0, true],
    ["failover-finished", "cluster", 0, true],
    ["schedule", "cluster", 1, true],
    ["schedule", "cluster", 0, false],
    ["deploy", "cluster", 2, false],
    ["failover-started", "instance", 0, false],
  ] as const)("a %s run of a %s that moved %d listener(s): %s", (trigger, kind, moved, expected) =>
    expect(settles(trigger, kind, moved)).toBe(expected),
  );
});

describe("the fast path: writerMoved and keepsWaiting", () => {
  const served = new Set([A.ip]);
  it("sees the writer moved only once RDS names a writer the writer port does not serve, and is not failing over", () => {
    expect(writerMoved({ status: "failing-over", writer: B }, served)).toBe(false);
    expect(writerMoved({ status: "available", writer: null }, served)).toBe(false);
    expect(writerMoved({ status: "available", writer: A }, served)).toBe(false);
    expect(writerMoved({ status: "available", writer: B }, served)).toBe(true);
  });

  const now = 1_000_000;
  const waiting = {
    now,
    staleEventMs: 120_000,
    served,
    sawFailingOver: false,
    topology: { status: "available", writer: A },
  };
  it.each([
    ["a fresh event while RDS still names the old writer", {}, true],
    ["an event that carries no time", { eventTime: undefined }, true],
    ["a stale event", { eventTime: now - 120_001 }, false],
    ["an event just inside the stale limit", { eventTime: now - 120_000 }, true],
    ["the new writer named", { topology: { status: "available", writer: B } }, false],
    ["a failover seen and over with the same writer", { sawFailingOver: true }, false],
    [
      "a failover seen and still going",
      { sawFailingOver: true, topology: { status: "failing-over", writer: null } },
      true,
    ],
  ])("keeps waiting after %s: %s", (_, change, expected) =>
    expect(keepsWaiting({ eventTime: now - 1000, ...waiting, ...change })).toBe(expected),
  );
});

describe("the layout through the function's environment", () => {
  const base = { port: "3306", allowedCidrs: ["10.0.0.0/16"] };
  const tg = (arn: string) => ({ arn, arnSuffix: arn.split(":")[5] });

  it("reads back a cluster's layout as ARNs: groups rebuilt from their suffixes, listeners as written", () => {
    const env = toEnvironment({
      ...base,
      database: { kind: "cluster", identifier: "orders" },
      targets: {
        kind: "cluster",
        writerListener: { arn: WRITER_LISTENER },
        readerListener: { arn: READER_LISTENER },
        memberGroups: [tg(M(0)), tg(M(1))],
        readerSetGroups: [tg(R(0)), tg(R(1))],
      },
      warmReaderSets: 3,
    });
    expect(env.MEMBER_TARGET_GROUPS).toBe("targetgroup/orders-m0/0000,targetgroup/orders-m1/0001");
    const parsed = parseEnvironment(env);
    expect(parsed.targets).toEqual({
      kind: "cluster",
      writerListener: WRITER_LISTENER,
      readerListener: READER_LISTENER,
      memberGroups: [M(0), M(1)],
      readerSetGroups: [R(0), R(1)],
    });
    expect(parsed.warmReaderSets).toBe(3);
  });

  it("writes no reader sets and no warm count for a cluster without a reader port", () => {
    const env = toEnvironment({
      ...base,
      database: { kind: "cluster", identifier: "orders" },
      targets: {
        kind: "cluster",
        writerListener: { arn: WRITER_LISTENER },
        memberGroups: [tg(M(0))],
        readerSetGroups: [],
      },
      warmReaderSets: 3,
    });
    expect(Object.keys(env).sort()).toEqual([
      "ALLOWED_CIDRS",
      "DB_CLUSTER_IDENTIFIER",
      "MEMBER_TARGET_GROUPS",
      "TARGET_PORT",
      "WRITER_LISTENER_ARN",
    ]);
    expect(parseEnvironment(env)).toMatchObject({
      targets: { kind: "cluster", readerListener: undefined, readerSetGroups: [] },
    });
  });

  it("reads back a Multi-AZ instance's layout with full group ARNs", () => {
    const writer = `${PREFIX}:targetgroup/orders-writer/0001`;
    const env = toEnvironment({
      ...base,
      database: { kind: "instance", identifier: "orders" },
      targets: { kind: "instance", writerGroup: tg(writer) },
    });
    expect(env).toEqual({
      DB_INSTANCE_IDENTIFIER: "orders",
      TARGET_PORT: "3306",
      ALLOWED_CIDRS: "10.0.0.0/16",
      WRITER_TARGET_GROUP_ARN: writer,
    });
    expect(parseEnvironment(env).targets).toEqual({ kind: "instance", writerGroup: writer, readerGroup: undefined });
    const discovering = toEnvironment({
      ...base,
      database: { kind: "instance", identifier: "orders" },
      targets: { kind: "instance", writerGroup: tg(writer) },
      standbyDiscovery: true,
    });
    expect(discovering.STANDBY_DISCOVERY).toBe("1");
    expect(parseEnvironment(discovering).standbyDiscovery).toBe(true);
  });

  it("fits Lambda's 4 KB at the most member slots a share can have and the longest names", () => {
    // Target group names are at most 32 characters (ELB); 46 slots and their two reader sets, as config/fields.ts allows.
    const long = "x".repeat(26);
    const arnOf = (n: string) => ({
      arn: `${PREFIX}:targetgroup/${n}/0123456789abcdef`,
      arnSuffix: `targetgroup/${n}/0123456789abcdef`,
    });
    const listener = (i: number) => ({
      arn: `${PREFIX}:listener/net/${long}-nlb/0123456789abcdef/012345678901234${i}`,
    });
    const env = toEnvironment({
      ...base,
      allowedCidrs: ["10.0.0.0/16", "100.64.0.0/16", "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"],
      database: { kind: "cluster", identifier: "c".repeat(63) },
      targets: {
        kind: "cluster",
        writerListener: listener(0),
        readerListener: listener(1),
        memberGroups: Array.from({ length: MAX_MEMBER_SLOTS }, (_, i) => arnOf(`${long}-m${i}`)),
        readerSetGroups: [arnOf(`${long}-r0`), arnOf(`${long}-r1`)],
        fenceGroup: arnOf(`${long}-fence`),
      },
      warmReaderSets: 1,
      watchSeconds: 60,
    });
    const bytes = Object.entries(env).reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(bytes).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    expect(parseEnvironment(env).targets).toMatchObject({
      memberGroups: expect.arrayContaining([`${PREFIX}:targetgroup/${long}-m45/0123456789abcdef`]),
    });
  });

  it("takes fewer reader sets than member slots (the populated ones and a spare), and names what is wrong", () => {
    const env = toEnvironment({
      ...base,
      database: { kind: "cluster", identifier: "orders" },
      targets: {
        kind: "cluster",
        writerListener: { arn: WRITER_LISTENER },
        readerListener: { arn: READER_LISTENER },
        memberGroups: [tg(M(0)), tg(M(1)), tg(M(2))],
        readerSetGroups: [tg(R(0)), tg(R(1))],
      },
      warmReaderSets: 1,
    });
    expect(parseEnvironment(env).targets).toMatchObject({ readerSetGroups: [R(0), R(1)] });
    expect(() => parseEnvironment({ ...env, READER_SET_TARGET_GROUPS: "" })).toThrow(
      /READER_SET_TARGET_GROUPS must list from 1 to 3 reader-set groups/,
    );
    expect(() => parseEnvironment({ ...env, STANDBY_DISCOVERY: "1" })).toThrow(
      /STANDBY_DISCOVERY must be "1" when set, and only for a Multi-AZ DB instance/,
    );
  });
});
