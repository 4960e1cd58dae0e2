// The cluster planner as plain data: which member each slot holds, which listener moves where,
// and which targets change. Every case is also replayed: once its plan is applied, planning
// again from the result changes nothing (a second run with the same input is a no-op).
import { parseCidr } from "../../functions/failover-sync/ipv4";
import { ClusterPlan, ClusterState, CurrentTarget, GroupState, Member, planCluster } from "../../functions/failover-sync/plan";

const PORT = 3306;
const VPC = [parseCidr("10.0.0.0/16")!];
const A: Member = { instance: "db-a", ip: "10.0.1.1" };
const B: Member = { instance: "db-b", ip: "10.0.2.2" };
const C: Member = { instance: "db-c", ip: "10.0.3.3" };
const D: Member = { instance: "db-d", ip: "10.0.4.4" };

const M = (i: number) => `arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-m${i}/000${i}`;
const R = (i: number) => `arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-r${i}/100${i}`;
const healthy = (...ms: Member[]): CurrentTarget[] => ms.map((m) => ({ ip: m.ip, port: PORT, state: "healthy" }));

/** A steady state: slot i holds occupants[i], every reader set holds everyone else. */
function steady(occupants: Array<Member | null>, members: Member[], writerSlot: number, withReaderPort = true): ClusterState {
  return {
    memberGroups: occupants.map((m, i) => ({ arn: M(i), current: m ? healthy(m) : [] })),
    readerSetGroups: withReaderPort
      ? occupants.map((m, i) => {
          const others = members.filter((x) => x.instance !== m?.instance);
          return { arn: R(i), current: healthy(...(others.length ? others : m ? [m] : [])) };
        })
      : [],
    writerListenerTarget: M(writerSlot),
    ...(withReaderPort ? { readerListenerTarget: R(writerSlot) } : {}),
  };
}

/** The state after a plan is applied, as the ELB would report it. */
function applied(state: ClusterState, plan: ClusterPlan): ClusterState {
  const change = (g: GroupState): GroupState => {
    const c = plan.groups.find((x) => x.arn === g.arn)?.plan;
    if (!c) return g;
    const gone = new Set(c.deregister.map((t) => `${t.ip}:${t.port}`));
    return { arn: g.arn, current: [...g.current.filter((t) => !gone.has(`${t.ip}:${t.port}`)), ...c.register.map((t) => ({ ...t, state: "initial" }))] };
  };
  const moved = (listener: "writer" | "reader", current: string | null | undefined) => plan.switches.find((s) => s.listener === listener)?.to ?? current;
  return {
    memberGroups: state.memberGroups.map(change),
    readerSetGroups: state.readerSetGroups.map(change),
    writerListenerTarget: moved("writer", state.writerListenerTarget) ?? null,
    ...(state.readerListenerTarget !== undefined ? { readerListenerTarget: moved("reader", state.readerListenerTarget) ?? null } : {}),
  };
}

const run = (writer: Member | null, members: Member[] | null, state: ClusterState) => planCluster({ writer, members, state, port: PORT, allowedCidrs: VPC });
const registrations = (p: ClusterPlan) => p.groups.flatMap((g) => g.plan.register.map((t) => `${g.role}${g.slot}+${t.ip}`));
const deregistrations = (p: ClusterPlan) => p.groups.flatMap((g) => g.plan.deregister.map((t) => `${g.role}${g.slot}-${t.ip}`));

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
    // Slot 2's reader set (everyone, now that the slot is free) never held db-c.
    deregister: ["member2-10.0.3.3", "reader-set0-10.0.3.3", "reader-set1-10.0.3.3"],
    slots: ["db-a", "db-b", null],
  },
  {
    name: "a member replaced with a new IP: the new IP takes its slot, off the failover path",
    writer: A,
    members: [A, { instance: "db-b", ip: "10.0.2.99" }],
    state: steady([A, B], [A, B], 0),
    switches: [],
    register: ["member1+10.0.2.99", "reader-set0+10.0.2.99"],
    deregister: ["member1-10.0.2.2", "reader-set0-10.0.2.2"],
    slots: ["db-a", "db-b"],
  },
  {
    name: "first run on empty groups: the writer takes slot 0, so the listeners need not move",
    writer: A,
    members: [A, B],
    state: {
      memberGroups: [0, 1].map((i) => ({ arn: M(i), current: [] })),
      readerSetGroups: [0, 1].map((i) => ({ arn: R(i), current: [] })),
      writerListenerTarget: M(0),
      readerListenerTarget: R(0),
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
      memberGroups: [0, 1].map((i) => ({ arn: M(i), current: [] })),
      readerSetGroups: [0, 1].map((i) => ({ arn: R(i), current: [] })),
      writerListenerTarget: M(0),
      readerListenerTarget: R(0),
    },
    switches: [],
    register: ["member0+10.0.3.3", "member1+10.0.1.1", "reader-set0+10.0.1.1", "reader-set0+10.0.2.2", "reader-set0+10.0.4.4", "reader-set1+10.0.3.3", "reader-set1+10.0.2.2", "reader-set1+10.0.4.4"],
    deregister: [],
    slots: ["db-c", "db-a"],
  },
  {
    name: "with no reader left, the writer's reader set holds the writer: reads never go nowhere",
    writer: A,
    members: [A],
    state: steady([A, B], [A, B], 0),
    switches: [],
    register: ["reader-set0+10.0.1.1"],
    deregister: ["member1-10.0.2.2", "reader-set0-10.0.2.2"],
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
    state: { ...steady([A, B], [A, B], 0), readerSetGroups: [{ arn: R(0), current: healthy(B) }, { arn: R(1), current: [] }] },
    switches: [["writer", M(1), true]],
    register: ["reader-set1+10.0.1.1"],
    deregister: [],
    slots: ["db-a", "db-b"],
  },
  {
    name: "a draining writer target is not warm: the writer is registered again, loudly",
    writer: B,
    members: [A, B],
    state: { ...steady([A, B], [A, B], 0), memberGroups: [{ arn: M(0), current: healthy(A) }, { arn: M(1), current: [{ ip: B.ip, port: PORT, state: "draining" }] }] },
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
    state: { ...steady([A, B], [A, B], 0), writerListenerTarget: R(0) },
    switches: [["writer", M(0), true]],
    register: [],
    deregister: [],
    slots: ["db-a", "db-b"],
  },
];

describe("planCluster(writer, members, state)", () => {
  it("registers the first writer into an empty slot quietly: population, not a fallback", () => {
    const empty = { memberGroups: [{ arn: M(0), current: [] }], readerSetGroups: [], writerListenerTarget: M(0) };
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

  it.each(cases.filter((c) => !c.held))("converges in one run, so a second run changes nothing: $name", (c) => {
    const first = run(c.writer, c.members, c.state);
    const second = run(c.writer, c.members, applied(c.state, first));
    expect({ switches: second.switches, register: registrations(second), deregister: deregistrations(second), fallback: second.fallback }).toEqual({
      switches: c.state.readerListenerTarget !== undefined && second.switches.length ? second.switches : [],
      register: [],
      deregister: [],
      fallback: null,
    });
  });

  it("moves the writer without a registration whatever the failover order (4 members, every pair)", () => {
    const members = [A, B, C, D];
    for (const from of members) {
      for (const to of members) {
        if (from === to) continue;
        const state = steady(members, members, members.indexOf(from));
        const p = run(to, [to, ...members.filter((m) => m !== to)], state);
        expect({ from: from.instance, to: to.instance, register: registrations(p), fallback: p.fallback }).toEqual({ from: from.instance, to: to.instance, register: [], fallback: null });
        expect(p.switches.map((s) => s.to)).toEqual([M(members.indexOf(to)), R(members.indexOf(to))]);
      }
    }
  });

  it("handles duplicate and out-of-order runs: finished, started again, finished again end where they began", () => {
    let state = steady([A, B, C], [A, B, C], 0);
    for (const writer of [B, B, B]) state = applied(state, run(writer, [B, A, C], state));
    expect(state.writerListenerTarget).toBe(M(1));
    expect(state.readerListenerTarget).toBe(R(1));
    expect(run(B, [B, A, C], state).switches).toEqual([]);
  });

  it("never lets the writer listener point at a group without a live target, over a random walk of 300 failovers", () => {
    const members = [A, B, C, D];
    let state = steady([null, null, null], [], 0);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 300; step++) {
      const present = members.filter(() => next() > 0.2);
      if (present.length === 0) continue;
      const writer = present[Math.floor(next() * present.length)];
      state = applied(state, run(writer, [writer, ...present.filter((m) => m !== writer)], state));
      const group = state.memberGroups.find((g) => g.arn === state.writerListenerTarget)!;
      expect(group.current.some((t) => t.ip === writer.ip && !t.state.includes("draining"))).toBe(true);
      const readers = state.readerSetGroups.find((g) => g.arn === state.readerListenerTarget);
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
