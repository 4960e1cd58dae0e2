// Two rules of the run plan that keep the writer port off a read-only node, as plain data: the
// fence while the cluster fails over, and a second witness before the writer port leaves a node
// it serves.
import { parseCidr } from "../../functions/failover-sync/ipv4";
import {
  type ClusterState,
  CORROBORATE_MS,
  corroborates,
  type GroupState,
  type Member,
  planRun,
  steps,
  type WriterEvidence,
} from "../../functions/failover-sync/plan";

const PORT = 3306;
const VPC = [parseCidr("10.0.0.0/16")!];
const A: Member = { instance: "db-a", ip: "10.0.1.1" };
const B: Member = { instance: "db-b", ip: "10.0.2.2" };
const PREFIX = "arn:aws:elasticloadbalancing:us-east-1:111111111111";
const M = (i: number) => `${PREFIX}:targetgroup/orders-m${i}/000${i}`;
const R = (i: number) => `${PREFIX}:targetgroup/orders-r${i}/100${i}`;
const FENCE = `${PREFIX}:targetgroup/orders-fence/0999`;
const WRITER_LISTENER = `${PREFIX}:listener/net/orders-nlb/0001/0001`;
const READER_LISTENER = `${PREFIX}:listener/net/orders-nlb/0001/0002`;
const healthy = (arn: string, ...members: Member[]): GroupState => ({
  arn,
  current: members.map((m) => ({ ip: m.ip, port: PORT, state: "healthy" })),
});

/** Two members warm in their slots; the writer port on `writerGroup`, the reader port on A's set. */
const state = (writerGroup: string, fence = true): ClusterState => ({
  kind: "cluster",
  writerListener: { arn: WRITER_LISTENER, forwardsTo: writerGroup },
  readerListener: { arn: READER_LISTENER, forwardsTo: R(0) },
  memberGroups: [healthy(M(0), A), healthy(M(1), B)],
  readerSetGroups: [healthy(R(0), B), healthy(R(1), A)],
  ...(fence ? { fenceGroup: { arn: FENCE, current: [] } } : {}),
});

const plan = (
  writer: Member | null,
  s: ClusterState,
  extra: { failingOver?: boolean; evidence?: WriterEvidence } = {},
) => planRun({ writer, members: writer ? [A, B] : null, state: s, port: PORT, allowedCidrs: VPC, ...extra });

describe("the fence", () => {
  it("moves the writer port to the fence group, first and alone, while RDS reports the cluster failing over", () => {
    const p = plan(null, state(M(0)), { failingOver: true });
    expect(p.switches).toEqual([{ listener: "writer", from: M(0), to: FENCE, warm: true }]);
    expect(steps(p).map((s) => s.kind)).toEqual(["switch"]);
    expect(p.notes.join(" ")).toMatch(/writer port fenced while the cluster fails over/);
    expect(p.waiting).toBe("writer");
  });

  it("does nothing more once fenced, and nothing at all without a fence group (a layout from before it)", () => {
    expect(plan(null, state(FENCE), { failingOver: true }).switches).toEqual([]);
    expect(plan(null, state(M(0), false), { failingOver: true }).switches).toEqual([]);
  });

  it("does not fence a writer that is merely unknown (a DNS failure, say): only a failover does", () => {
    expect(plan(null, state(M(0))).switches).toEqual([]);
  });

  it("leaving the fence for a slot whose writer is not healthy yet is a move that waits on health checks, and says so", () => {
    const restarting: ClusterState = {
      ...state(FENCE),
      memberGroups: [healthy(M(0), A), { arn: M(1), current: [{ ip: B.ip, port: PORT, state: "unhealthy" }] }],
    };
    const p = plan(B, restarting, { evidence: { endpointIp: B.ip, namedForMs: 0 } });
    expect(p.switches.find((s) => s.listener === "writer")).toMatchObject({ from: FENCE, to: M(1), warm: false });
    expect(p.notes.join(" ")).toMatch(/writer port moved to slot 1, where writer db-b \(10\.0\.2\.2\) reads unhealthy/);
    expect(p.waiting).toBe("health");
  });

  it("registering a writer that holds no slot, from the fence, is the fallback it always was, and alarms", () => {
    const D: Member = { instance: "db-d", ip: "10.0.1.4" };
    const p = planRun({
      writer: D,
      members: [A, B, D],
      state: state(FENCE),
      port: PORT,
      allowedCidrs: VPC,
      evidence: { endpointIp: D.ip, namedForMs: 0 },
    });
    expect(p.fallback).toMatch(/writer db-d \(10\.0\.1\.4\) held no member slot/);
  });

  it("leaves the fence for the new writer's slot once RDS names it and a second witness agrees", () => {
    const p = plan(B, state(FENCE), { evidence: { endpointIp: B.ip, namedForMs: 0 } });
    expect(p.switches.find((s) => s.listener === "writer")).toEqual({
      listener: "writer",
      from: FENCE,
      to: M(1),
      warm: true,
    });
    expect(p.waiting).toBeNull();
  });
});

describe("a writer change needs a second witness", () => {
  it("holds the writer port on the node it serves when one answer names another writer and the cluster endpoint does not agree", () => {
    // The port serves B, the writer since the last failover; a stale answer names A again.
    const p = plan(A, state(M(1)), { evidence: { endpointIp: B.ip, namedForMs: 0 } });
    expect(steps(p).filter((s) => s.kind === "switch" || s.targets.length > 0)).toEqual([]);
    expect(p.notes.join(" ")).toMatch(
      /writer change to db-a \(10\.0\.1\.1\) not yet corroborated: the cluster endpoint still resolves to 10\.0\.2\.2/,
    );
    expect(p.waiting).toBe("writer");
  });

  it.each([
    ["the cluster endpoint resolves to the new writer", { endpointIp: A.ip, namedForMs: 0 }],
    [`reads have named it for ${CORROBORATE_MS} ms`, { endpointIp: B.ip, namedForMs: CORROBORATE_MS }],
    [
      "reads have named it a while, and the endpoint did not resolve",
      { endpointIp: null, namedForMs: CORROBORATE_MS + 1 },
    ],
  ])("moves it when %s", (_, evidence) => {
    const p = plan(A, state(M(1)), { evidence });
    expect(p.switches.find((s) => s.listener === "writer")?.to).toBe(M(0));
  });

  it("needs no witness to keep serving the writer, or to populate a port that served no one", () => {
    expect(corroborates(A, { endpointIp: null, namedForMs: 0 })).toBe(false);
    expect(plan(A, state(M(0)), { evidence: { endpointIp: null, namedForMs: 0 } }).notes).toEqual([]);
    const empty: ClusterState = {
      ...state(M(0)),
      memberGroups: [
        { arn: M(0), current: [] },
        { arn: M(1), current: [] },
      ],
    };
    expect(
      plan(A, empty, { evidence: { endpointIp: null, namedForMs: 0 } }).writerGroups.some(
        (g) => g.plan.register.length > 0,
      ),
    ).toBe(true);
  });
});
