// The cluster planner as plain data: which member each slot holds, which listener moves where,
// and which targets change. Every case is also replayed: once its plan is applied, planning
// again from the result changes nothing (a second run with the same input is a no-op).
import { parseCidr } from "../../functions/failover-sync/ipv4";
import {
  type ClusterPlan,
  type ClusterState,
  type CurrentTarget,
  type GroupState,
  type Member,
  planCluster,
} from "../../functions/failover-sync/plan";

const PORT = 3306;
const VPC = [parseCidr("10.0.0.0/16")!];
const A: Member = { instance: "db-a", ip: "10.0.1.1" };
const B: Member = { instance: "db-b", ip: "10.0.2.2" };
const C: Member = { instance: "db-c", ip: "10.0.3.3" };
const D: Member = { instance: "db-d", ip: "10.0.4.4" };

const M = (i: number) => `arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-m${i}/000${i}`;
const R = (i: number) => `arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-r${i}/100${i}`;
const WRITER_LISTENER = "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/orders-nlb/0001/0001";
const READER_LISTENER = "arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/net/orders-nlb/0001/0002";
/** The listeners as read: where each forwards now. */
const writerListener = (forwardsTo: string | null) => ({ arn: WRITER_LISTENER, forwardsTo });
const readerListener = (forwardsTo: string | null) => ({ arn: READER_LISTENER, forwardsTo });
const healthy = (...ms: Member[]): CurrentTarget[] => ms.map((m) => ({ ip: m.ip, port: PORT, state: "healthy" }));

/** A steady state: slot i holds occupants[i], every reader set holds everyone else. */
function steady(
  occupants: Array<Member | null>,
  members: Member[],
  writerSlot: number,
  withReaderPort = true,
): ClusterState {
  return {
    kind: "cluster",
    memberGroups: occupants.map((m, i) => ({ arn: M(i), current: m ? healthy(m) : [] })),
    readerSetGroups: withReaderPort
      ? occupants.map((m, i) => {
          const others = members.filter((x) => x.instance !== m?.instance);
          return { arn: R(i), current: healthy(...(others.length ? others : m ? [m] : [])) };
        })
      : [],
    writerListener: writerListener(M(writerSlot)),
    ...(withReaderPort ? { readerListener: readerListener(R(writerSlot)) } : {}),
  };
}

/** The state after a plan is applied, as the ELB would report it. */
function applied(state: ClusterState, plan: ClusterPlan): ClusterState {
  const change = (g: GroupState): GroupState => {
    const c = plan.groups.find((x) => x.arn === g.arn)?.plan;
    if (!c) return g;
    const gone = new Set(c.deregister.map((t) => `${t.ip}:${t.port}`));
    return {
      arn: g.arn,
      current: [
        ...g.current.filter((t) => !gone.has(`${t.ip}:${t.port}`)),
        ...c.register.map((t) => ({ ...t, state: "initial" })),
      ],
    };
  };
  const moved = (listener: "writer" | "reader", current: string | null | undefined) =>
    plan.switches.find((s) => s.listener === listener)?.to ?? current;
  return {
    kind: "cluster",
    memberGroups: state.memberGroups.map(change),
    readerSetGroups: state.readerSetGroups.map(change),
    writerListener: writerListener(moved("writer", state.writerListener.forwardsTo) ?? null),
    ...(state.readerListener !== undefined
      ? { readerListener: readerListener(moved("reader", state.readerListener.forwardsTo) ?? null) }
      : {}),
  };
}

/** Health checks pass for every target that was initial. */
function checksPass(state: ClusterState): ClusterState {
  const pass = (g: GroupState): GroupState => ({
    arn: g.arn,
    current: g.current.map((t) => (t.state === "initial" ? { ...t, state: "healthy" } : t)),
  });
  return { ...state, memberGroups: state.memberGroups.map(pass), readerSetGroups: state.readerSetGroups.map(pass) };
}

const run = (writer: Member | null, members: Member[] | null, state: ClusterState) =>
  planCluster({ writer, members, state, port: PORT, allowedCidrs: VPC });
const registrations = (p: ClusterPlan) =>
  p.groups.flatMap((g) => g.plan.register.map((t) => `${g.role}${g.slot}+${t.ip}`));
const deregistrations = (p: ClusterPlan) =>
  p.groups.flatMap((g) => g.plan.deregister.map((t) => `${g.role}${g.slot}-${t.ip}`));

interface Case {
  name: string;
  writer: Member | null;
  members: Member[] | null;
  state: ClusterState;
  switches: Array<[listener: string, to: string, warm: boolean]>;
  register: string[];
  deregister: string[];
  slots: Array<string | null>;
  fallback?: boolean;
  held?: boolean;
}

const cases: Case[] = [
  {
    name: "the writer moved to a warm member: two listener switches, no registration",
    writer: B,
    members: [B, A, C],
    state: steady([A, B, C], [A, B, C], 0),
    switches: [
      ["writer", M(1), true],
      ["reader", R(1), true],
    ],
    register: [],
    deregister: [],
    slots: ["db-a", "db-b", "db-c"],
  },
  {
    name: "steady state: nothing to do",
    writer: A,
    members: [A, B, C],
    state: steady([A, B, C], [A, B, C], 0),
    switches: [],
    register: [],
    deregister: [],
    slots: ["db-a", "db-b", "db-c"],
  },
  {
    name: "a stale 'started' event after 'finished' finds the listeners already moved and changes nothing",
    writer: B,
    members: [A, B, C],
    state: steady([A, B, C], [A, B, C], 1),
    switches: [],
    register: [],
    deregister: [],
    slots: ["db-a", "db-b", "db-c"],
  },
  {
    name: "no writer known: nothing is touched, not even a pending membership change",
    writer: null,
    members: null,
    state: steady([A, null, null], [A], 0),
    switches: [],
    register: [],
    deregister: [],
    slots: [null, null, null],
    held: true,
  },
  {
    name: "the new writer has no slot: it is registered into the least likely candidate's slot, loudly",
    writer: D,
    members: [A, B, C, D],
    state: { ...steady([A, B, C], [A, B, C], 0), readerSetGroups: steady([A, B, C], [A, B, C, D], 0).readerSetGroups },
    switches: [
      ["writer", M(2), false],
      ["reader", R(2), true],
    ],
    register: ["member2+10.0.4.4", "reader-set2+10.0.3.3"],
    deregister: ["member2-10.0.3.3", "reader-set2-10.0.4.4"],
    slots: ["db-a", "db-b", "db-d"],
    fallback: true,
  },
  {
    name: "a reader added while the writer is stable: it takes the free slot and joins every other reader set",
    writer: A,
    members: [A, B, C],
    state: steady([A, B, null], [A, B], 0),
    switches: [],
    register: ["member2+10.0.3.3", "reader-set0+10.0.3.3", "reader-set1+10.0.3.3"],
    deregister: [],
    slots: ["db-a", "db-b", "db-c"],
  },
  {
    name: "a reader removed: its slot empties and it leaves every reader set",
    writer: A,
    members: [A, B],
    state: steady([A, B, C], [A, B, C], 0),
    switches: [],
    register: [],
    // Two members need two reader sets: the third, kept for db-c, empties.
    deregister: [
      "member2-10.0.3.3",
      "reader-set0-10.0.3.3",
      "reader-set1-10.0.3.3",
      "reader-set2-10.0.1.1",
      "reader-set2-10.0.2.2",
    ],
    slots: ["db-a", "db-b", null],
  },
  {
    name: "a member replaced with a new IP: the new IP takes its slot, off the failover path, and reads go to the writer until it is healthy",
    writer: A,
    members: [A, { instance: "db-b", ip: "10.0.2.99" }],
    state: steady([A, B], [A, B], 0),
    // The old IP belongs to no member any more: the writer's reader set has nothing to serve
    // reads with, so they move to the set kept for db-b (everyone but db-b: the writer).
    switches: [["reader", R(1), true]],
    register: ["member1+10.0.2.99", "reader-set0+10.0.2.99"],
    // Make before break: the old IP stays in the set the reader listener used until the new one is healthy.
    deregister: ["member1-10.0.2.2"],
    slots: ["db-a", "db-b"],
  },
  {
    name: "first run on empty groups: the writer takes slot 0, so the listeners need not move",
    writer: A,
    members: [A, B],
    state: {
      kind: "cluster",
      memberGroups: [0, 1].map((i) => ({ arn: M(i), current: [] })),
      readerSetGroups: [0, 1].map((i) => ({ arn: R(i), current: [] })),
      writerListener: writerListener(M(0)),
      readerListener: readerListener(R(0)),
    },
    switches: [],
    register: ["member0+10.0.1.1", "member1+10.0.2.2", "reader-set0+10.0.2.2", "reader-set1+10.0.1.1"],
    deregister: [],
    slots: ["db-a", "db-b"],
  },
  {
    name: "more members than slots: the writer and the best candidates (promotion tier) hold them",
    writer: C,
    members: [A, C, B, D],
    state: {
      kind: "cluster",
      memberGroups: [0, 1].map((i) => ({ arn: M(i), current: [] })),
      readerSetGroups: [0, 1].map((i) => ({ arn: R(i), current: [] })),
      writerListener: writerListener(M(0)),
      readerListener: readerListener(R(0)),
    },
    switches: [],
    register: [
      "member0+10.0.3.3",
      "member1+10.0.1.1",
      "reader-set0+10.0.1.1",
      "reader-set0+10.0.2.2",
      "reader-set0+10.0.4.4",
      "reader-set1+10.0.3.3",
      "reader-set1+10.0.2.2",
      "reader-set1+10.0.4.4",
    ],
    deregister: [],
    slots: ["db-c", "db-a"],
  },
  {
    name: "with no reader left, reads move to the set that already holds the writer: reads never go nowhere, and nothing is registered",
    writer: A,
    members: [A],
    state: steady([A, B], [A, B], 0),
    switches: [["reader", R(1), true]],
    register: [],
    // The set the reader listener used keeps db-b until the listener has left it (next run).
    deregister: ["member1-10.0.2.2"],
    slots: ["db-a", null],
  },
  {
    name: "members unknown (a reader's DNS failed): the writer still moves to its warm slot, membership waits",
    writer: B,
    members: null,
    state: steady([A, B, C], [A, B, C], 0),
    switches: [
      ["writer", M(1), true],
      ["reader", R(1), true],
    ],
    register: [],
    deregister: [],
    slots: [null, "db-b", null],
  },
  {
    name: "the reader port stays put when the writer's reader set holds no live target yet",
    writer: B,
    members: [A, B],
    state: {
      ...steady([A, B], [A, B], 0),
      readerSetGroups: [
        { arn: R(0), current: healthy(B) },
        { arn: R(1), current: [] },
      ],
    },
    switches: [["writer", M(1), true]],
    register: ["reader-set1+10.0.1.1"],
    deregister: [],
    slots: ["db-a", "db-b"],
  },
  {
    name: "a draining writer target is not warm: the writer is registered again, loudly",
    writer: B,
    members: [A, B],
    state: {
      ...steady([A, B], [A, B], 0),
      memberGroups: [
        { arn: M(0), current: healthy(A) },
        { arn: M(1), current: [{ ip: B.ip, port: PORT, state: "draining" }] },
      ],
    },
    switches: [
      ["writer", M(1), false],
      ["reader", R(1), true],
    ],
    register: ["member1+10.0.2.2"],
    deregister: [],
    slots: ["db-a", "db-b"],
    fallback: true,
  },
  {
    name: "a share without a reader port: only the writer listener moves",
    writer: B,
    members: [A, B],
    state: steady([A, B], [A, B], 0, false),
    switches: [["writer", M(1), true]],
    register: [],
    deregister: [],
    slots: ["db-a", "db-b"],
  },
  {
    name: "the writer listener pointed elsewhere by hand is moved back to the writer's slot",
    writer: A,
    members: [A, B],
    state: { ...steady([A, B], [A, B], 0), writerListener: writerListener(R(0)) },
    switches: [["writer", M(0), true]],
    register: [],
    deregister: [],
    slots: ["db-a", "db-b"],
  },
];

describe("planCluster(writer, members, state)", () => {
  it("registers the first writer into an empty slot quietly: population, not a fallback", () => {
    const empty: ClusterState = {
      kind: "cluster",
      memberGroups: [{ arn: M(0), current: [] }],
      readerSetGroups: [],
      writerListener: writerListener(M(0)),
    };
    expect(run(A, [A], empty)).toMatchObject({ fallback: null, switches: [] });
  });

  it("is exercised by at least 15 cases", () => expect(cases.length).toBeGreaterThanOrEqual(15));

  it.each(cases)("$name", (c) => {
    const p = run(c.writer, c.members, c.state);
    expect(p.switches.map((s) => [s.listener, s.to, s.warm])).toEqual(c.switches);
    expect(registrations(p).sort()).toEqual([...c.register].sort());
    expect(deregistrations(p).sort()).toEqual([...c.deregister].sort());
    expect(p.slots.map((m) => m?.instance ?? null)).toEqual(c.slots);
    expect(p.fallback !== null).toBe(c.fallback ?? false);
    expect(p.heldBecause !== undefined).toBe(c.held ?? false);
  });

  // Make before break spans runs: a run registers, the targets pass their checks, a later run
  // moves the reader port and lets the old targets go. Within three runs it is done.
  it.each(cases.filter((c) => !c.held))(
    "settles within three runs once registered targets pass their checks, then a run changes nothing: $name",
    (c) => {
      let state = c.state;
      for (let i = 0; i < 3; i++) state = checksPass(applied(state, run(c.writer, c.members, state)));
      const last = run(c.writer, c.members, state);
      expect({
        switches: last.switches,
        register: registrations(last),
        deregister: deregistrations(last),
        fallback: last.fallback,
      }).toEqual({ switches: [], register: [], deregister: [], fallback: null });
    },
  );

  it("never removes the last healthy target of the set the reader port uses: a replaced reader's old IP stays until reads have moved", () => {
    const B2: Member = { instance: "db-b", ip: "10.0.2.99" };
    const state = steady([A, B], [A, B], 0);
    const first = run(A, [A, B2], state);
    expect(first.switches.map((s) => [s.listener, s.to])).toEqual([["reader", R(1)]]);
    expect(registrations(first)).toContain("reader-set0+10.0.2.99");
    expect(deregistrations(first)).not.toContain("reader-set0-10.0.2.2");
    expect(first.groups.find((g) => g.arn === R(0))?.plan.deferred).toEqual([{ ip: B.ip, port: PORT }]);
    // With three members the set keeps db-c healthy, so the old IP may go at once.
    expect(deregistrations(run(A, [A, B2, C], steady([A, B, C], [A, B, C], 0)))).toContain("reader-set0-10.0.2.2");
  });

  it("moves the writer without a registration whatever the failover order (4 members, every pair)", () => {
    const members = [A, B, C, D];
    for (const from of members) {
      for (const to of members) {
        if (from === to) continue;
        const state = steady(members, members, members.indexOf(from));
        const p = run(to, [to, ...members.filter((m) => m !== to)], state);
        expect({ from: from.instance, to: to.instance, register: registrations(p), fallback: p.fallback }).toEqual({
          from: from.instance,
          to: to.instance,
          register: [],
          fallback: null,
        });
        expect(p.switches.map((s) => s.to)).toEqual([M(members.indexOf(to)), R(members.indexOf(to))]);
      }
    }
  });

  it("handles duplicate and out-of-order runs: finished, started again, finished again end where they began", () => {
    let state = steady([A, B, C], [A, B, C], 0);
    for (const writer of [B, B, B]) state = applied(state, run(writer, [B, A, C], state));
    expect(state.writerListener.forwardsTo).toBe(M(1));
    expect(state.readerListener?.forwardsTo).toBe(R(1));
    expect(run(B, [B, A, C], state).switches).toEqual([]);
  });

  it("never lets the writer listener point at a group without a live target, over a random walk of 300 failovers", () => {
    const members = [A, B, C, D];
    let state = steady([null, null, null], [], 0);
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let step = 0; step < 300; step++) {
      const present = members.filter(() => next() > 0.2);
      if (present.length === 0) continue;
      const writer = present[Math.floor(next() * present.length)];
      state = applied(state, run(writer, [writer, ...present.filter((m) => m !== writer)], state));
      const group = state.memberGroups.find((g) => g.arn === state.writerListener.forwardsTo)!;
      expect(group.current.some((t) => t.ip === writer.ip && !t.state.includes("draining"))).toBe(true);
      const readers = state.readerSetGroups.find((g) => g.arn === state.readerListener?.forwardsTo);
      expect(readers === undefined || readers.current.length > 0).toBe(true);
    }
  });

  it("refuses a member outside the allowed CIDRs and holds everything when it is the writer", () => {
    const outside: Member = { instance: "db-x", ip: "192.168.0.9" };
    const reader = run(A, [A, outside], steady([A, null], [A], 0));
    expect(reader.refused.map((r) => r.ip)).toEqual(["192.168.0.9"]);
    expect(registrations(reader)).toEqual([]);
    const writer = run(outside, [outside, A], steady([A, null], [A], 0));
    expect(writer.heldBecause).toMatch(/refused/);
    expect(writer.switches).toEqual([]);
  });
});

describe("planCluster under AWS's timing: only healthy serves, transient members stay", () => {
  const withState = (targets: CurrentTarget[], state: string, ip: string) =>
    targets.map((t) => (t.ip === ip ? { ...t, state } : t));
  const plan3 = (writer: Member, members: Member[], state: ClusterState, warmReaderSets?: number) =>
    planCluster({ writer, members, state, port: PORT, allowedCidrs: VPC, warmReaderSets });

  it.each(["modifying", "rebooting", "backing-up", "configuring-enhanced-monitoring", "upgrading", "maintenance"])(
    "keeps a reader that is %s registered everywhere",
    (status) => {
      const p = plan3(A, [A, { ...B, state: status }, C], steady([A, B, C], [A, B, C], 0));
      expect(deregistrations(p)).toEqual([]);
      expect(registrations(p)).toEqual([]);
    },
  );

  it("moves reads off the only reader while it is modifying, to the set that already holds the writer, with no registration", () => {
    const p = plan3(A, [A, { ...B, state: "modifying" }], steady([A, B], [A, B], 0));
    expect(p.switches.map((s) => [s.listener, s.to, s.warm])).toEqual([["reader", R(1), true]]);
    expect(registrations(p)).toEqual([]);
    expect(p.notes.join(" ")).toMatch(/reader port on the reader set kept for db-b/);
    // Back to available: reads return to the readers.
    const back = plan3(A, [A, B], { ...steady([A, B], [A, B], 0), readerListener: readerListener(R(1)) });
    expect(back.switches.map((s) => [s.listener, s.to])).toEqual([["reader", R(0)]]);
  });

  it.each(["initial", "unhealthy", "unused", "unavailable"])(
    "does not count a writer target that reads %s as warm: the move is reported, and nothing is registered",
    (status) => {
      const state = steady([A, B], [A, B], 0);
      const p = plan3(B, [B, A], {
        ...state,
        memberGroups: [state.memberGroups[0], { arn: M(1), current: withState(healthy(B), status, B.ip) }],
      });
      expect(p.switches.find((s) => s.listener === "writer")).toMatchObject({ to: M(1), warm: false });
      expect(p.notes.join(" ")).toMatch(
        new RegExp(`writer port moved to slot 1, where writer db-b \\(10\\.0\\.2\\.2\\) reads ${status}`),
      );
      expect(registrations(p)).toEqual([]);
      expect(p.fallback).toBeNull();
    },
  );

  it("does not move reads to a set whose only targets are initial", () => {
    const state = steady([A, B], [A, B], 0);
    const p = plan3(B, [B, A], {
      ...state,
      readerSetGroups: [state.readerSetGroups[0], { arn: R(1), current: withState(healthy(A), "initial", A.ip) }],
    });
    expect(p.switches.map((s) => s.listener)).toEqual(["writer"]);
  });

  it("fails back to the old writer without a registration while it is still restarting", () => {
    // db-a restarted as a reader and its checks have not passed yet; RDS names it writer again.
    const state = {
      ...steady([A, B], [A, B], 1),
      memberGroups: [
        { arn: M(0), current: withState(healthy(A), "unhealthy", A.ip) },
        { arn: M(1), current: healthy(B) },
      ],
    };
    const p = plan3(A, [A, B], state);
    expect(registrations(p)).toEqual([]);
    expect(p.switches.find((s) => s.listener === "writer")).toMatchObject({ to: M(0), warm: false });
  });

  it("keeps three reader sets populated by default, not one per member: N + 3(N - 1) targets for six members", () => {
    const six = [A, B, C, D, { instance: "db-e", ip: "10.0.5.5" }, { instance: "db-f", ip: "10.0.6.6" }];
    const empty: ClusterState = {
      kind: "cluster",
      memberGroups: six.map((_, i) => ({ arn: M(i), current: [] })),
      readerSetGroups: six.map((_, i) => ({ arn: R(i), current: [] })),
      writerListener: writerListener(M(0)),
      readerListener: readerListener(R(0)),
    };
    const p = plan3(A, six, empty, 3);
    expect(registrations(p)).toHaveLength(6 + 3 * 5);
    expect(p.readerSetOwners.map((o) => o?.instance ?? null)).toEqual(["db-a", "db-b", "db-c", null, null, null]);
  });

  it("keeps the previous writer's reader set after a failover, so a failback is warm", () => {
    const six = [A, B, C, D, { instance: "db-e", ip: "10.0.5.5" }, { instance: "db-f", ip: "10.0.6.6" }];
    const empty: ClusterState = {
      kind: "cluster",
      memberGroups: six.map((_, i) => ({ arn: M(i), current: [] })),
      readerSetGroups: six.map((_, i) => ({ arn: R(i), current: [] })),
      writerListener: writerListener(M(0)),
      readerListener: readerListener(R(0)),
    };
    let state = checksPass(applied(empty, plan3(A, six, empty, 3)));
    // Aurora promotes db-d (not among the best candidates): its set is made from the closest one.
    const failover = plan3(D, [D, ...six.filter((m) => m !== D)], state, 3);
    expect(failover.readerSetOwners.map((o) => o?.instance ?? null)).toContain("db-a");
    expect(failover.switches.find((s) => s.listener === "writer")).toMatchObject({ warm: true });
    state = checksPass(applied(state, failover));
    const failback = plan3(A, six, state, 3);
    expect(failback.switches.map((s) => [s.listener, s.warm])).toEqual([
      ["writer", true],
      ["reader", true],
    ]);
    expect(registrations(failback)).toEqual([]);
  });

  it("reports a member in a zone the NLB does not enable", () => {
    const state = steady([A, B], [A, B], 0);
    const p = plan3(A, [A, B], {
      ...state,
      memberGroups: [
        state.memberGroups[0],
        { arn: M(1), current: [{ ip: B.ip, port: PORT, state: "unused", reason: "Target.NotInUse" }] },
      ],
    });
    expect(p.problems).toEqual([
      expect.stringMatching(
        /^db-b \(10\.0\.2\.2\) reads "unused" on the load balancer: its Availability Zone is not enabled on the NLB/,
      ),
    ]);
  });
});
