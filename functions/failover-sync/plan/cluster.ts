// Pure: every failover decision of a run, made here and tested as plain data. Per group:
// desired targets x current targets -> what to register, deregister and refuse. Per cluster:
// which member each slot holds, which reader set is kept for whom, where the listeners go.
// Per run: when the fast path may stop waiting, whether the run settles, and the one safe
// order of its changes. No I/O here: sync.ts observes, asks this file, applies and reports.
import type { Trigger } from "../events";
import { Cidr, cidrContains, parseIpv4 } from "../ipv4";
import { ClusterLayout, InstanceLayout, layoutGroups, TargetLayout } from "../layout";

/** A target as DescribeTargetHealth reports it. */
export interface CurrentTarget {
  readonly ip: string;
  readonly port: number;
  /** initial | healthy | unhealthy | unused | draining | unavailable | unhealthy.draining */
  readonly state: string;
  /** ELB's reason code, when it gives one (Target.FailedHealthChecks, Elb.RegistrationInProgress, ...). */
  readonly reason?: string;
}

export interface Target {
  readonly ip: string;
  readonly port: number;
}

export interface Refusal {
  readonly ip: string;
  readonly reason: string;
}

export interface PlanInput {
  /** IPs the group should hold; null when they are unknown, which leaves the group untouched. */
  readonly desired: readonly string[] | null;
  readonly current: readonly CurrentTarget[];
  readonly port: number;
  readonly allowedCidrs: readonly Cidr[];
  /**
   * May the plan leave the group empty? Only for a group no listener needs now (a member slot
   * whose instance is gone). Default: never empty a group.
   */
  readonly mayEmpty?: boolean;
  /**
   * Make before break: a healthy target leaves only once a target that stays is healthy. Set
   * for every group a listener forwards to, so that no run removes the group's last working
   * path while its replacement is still registering. Default: false.
   */
  readonly keepLastHealthy?: boolean;
}

export interface Plan {
  readonly register: Target[];
  readonly deregister: Target[];
  readonly refused: Refusal[];
  /** Why the group is left as it is, when it is. */
  readonly heldBecause?: string;
  /** Deregistrations put off until a target that stays is healthy (make before break). */
  readonly deferred?: Target[];
}

export function isDraining(state: string): boolean {
  return state === "draining" || state.endsWith(".draining");
}

const key = (t: Target) => `${t.ip}:${t.port}`;

export function plan(input: PlanInput): Plan {
  if (input.desired === null) {
    return { register: [], deregister: [], refused: [], heldBecause: "desired targets unknown" };
  }
  const refused: Refusal[] = [];
  const wanted: Target[] = [];
  for (const ip of new Set(input.desired)) {
    if (parseIpv4(ip) === undefined) {
      refused.push({ ip, reason: "not an IPv4 address" });
    } else if (!input.allowedCidrs.some((c) => cidrContains(c, ip))) {
      refused.push({ ip, reason: `outside the allowed CIDRs ${input.allowedCidrs.map((c) => c.text).join(", ") || "(none)"}` });
    } else {
      wanted.push({ ip, port: input.port });
    }
  }
  // Draining targets are on their way out already: neither counted as present nor touched.
  const live = dedupe(input.current.filter((t) => !isDraining(t.state)).map((t) => ({ ip: t.ip, port: t.port })));
  const liveKeys = new Set(live.map(key));
  const wantedKeys = new Set(wanted.map(key));
  const register = wanted.filter((t) => !liveKeys.has(key(t)));
  if (wanted.length === 0 && !(input.mayEmpty && refused.length === 0)) {
    // Deregistering now would empty the group: keep what is there until a valid target exists.
    return { register: [], deregister: [], refused, heldBecause: "no valid desired target; never empty a group" };
  }
  const leaving = live.filter((t) => !wantedKeys.has(key(t)));
  if (input.keepLastHealthy) {
    const healthy = new Set(input.current.filter((t) => t.state === "healthy").map(key));
    const stayingHealthy = live.some((t) => wantedKeys.has(key(t)) && healthy.has(key(t)));
    if (!stayingHealthy && leaving.some((t) => healthy.has(key(t)))) {
      // Nothing that stays can serve yet: the healthy leavers stay until a replacement is healthy.
      const deferred = leaving.filter((t) => healthy.has(key(t)));
      return { register, deregister: leaving.filter((t) => !healthy.has(key(t))), refused, deferred };
    }
  }
  return { register, deregister: leaving, refused };
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

export interface Member {
  readonly instance: string;
  readonly ip: string;
  /**
   * The instance's RDS status (DescribeDBInstances DBInstanceStatus). A member in a transient
   * state (modifying, rebooting, backing-up, ...) is still a member: it keeps its targets and
   * health checks decide whether it serves. Undefined is taken as available.
   */
  readonly state?: string;
}

/**
 * Statuses in which the writer port is fenced: the cluster fails over ("failing-over", RDS's
 * own), or a Blue/Green switchover is under way, or its renamed names do not resolve to the new
 * members yet ("switching-over", the topology's).
 */
const FENCED_STATUSES: ReadonlySet<string> = new Set(["failing-over", "switching-over"]);
export const isFencedStatus = (status: string): boolean => FENCED_STATUSES.has(status);

/** Available: the member is expected to keep serving; any other state may restart it. */
export const isStable = (m: Member): boolean => m.state === undefined || m.state === "available";

/**
 * The readers' desired IPs: the non-writer members, or the writer when there are none, so the
 * reader port keeps answering. null when neither is known.
 */
export function readerTargets(writer: Member | null, readers: readonly Member[] | null): Member[] | null {
  if (readers === null) return null;
  if (readers.length > 0) return [...readers];
  return writer ? [writer] : null;
}

/** The members other than the writer, in the order RDS ranks them; null when either is unknown. */
export function readersOf(writer: Member | null, members: readonly Member[] | null): Member[] | null {
  return writer && members ? members.filter((m) => m.instance !== writer.instance) : null;
}

// ---------- the layout as read at the start of a run ----------

/** A target group as read at the start of a run. */
export interface GroupState {
  readonly arn: string;
  readonly current: readonly CurrentTarget[];
}

/** A listener as read: the one group it forwards to; null when it forwards anywhere else. */
export interface ListenerState {
  readonly arn: string;
  readonly forwardsTo: string | null;
}

/** The load balancer's layout with every group's targets and every switched listener's target. */
export type LayoutState = TargetLayout<GroupState, ListenerState>;
/**
 * A cluster's: slot i's member group holds one member, warm behind its own listener; the reader
 * sets form a pool, each behind its own listener. A prepared set holds every member but one, its
 * owner; the reader listener forwards to the writer's set. No reader sets without a reader port.
 */
export type ClusterState = ClusterLayout<GroupState, ListenerState>;
export type InstanceState = InstanceLayout<GroupState>;

/** The IPs a group serves on the database port: registered and not draining. */
export const liveIps = (g: GroupState, port: number) => new Set(g.current.filter((t) => !isDraining(t.state) && t.port === port).map((t) => t.ip));

/** Only a healthy target gets traffic: initial, unhealthy, unused and unavailable ones do not. */
export const healthyIps = (g: GroupState, port: number) => new Set(g.current.filter((t) => t.state === "healthy" && t.port === port).map((t) => t.ip));

const groupByArn = (state: LayoutState, arn: string | null): GroupState | undefined => (arn === null ? undefined : layoutGroups(state).find((g) => g.arn === arn));

/** The group the writer port forwards to now: a cluster's by its listener, an instance's own. */
const writerPortGroup = (state: LayoutState): GroupState | undefined => (state.kind === "cluster" ? groupByArn(state, state.writerListener.forwardsTo) : state.writerGroup);

/** IPs the writer port serves now: the fast path waits until the writer is not among them. */
export function servedWriterIps(state: LayoutState, port: number): Set<string> {
  const g = writerPortGroup(state);
  return g ? liveIps(g, port) : new Set<string>();
}

// ---------- one run: what it waits for, what it changes, in which order ----------

export interface FastPath {
  /** When the "failover started" event happened (epoch ms); undefined when it carries no time. */
  readonly eventTime?: number;
  /** When the run started. */
  readonly now: number;
  /** An event older than this is stale: reconcile without waiting. */
  readonly staleEventMs: number;
  readonly topology: { readonly status: string; readonly writer: Member | null };
  /** Some read of the topology in this run saw the database failing over. */
  readonly sawFailingOver: boolean;
  /** IPs the writer port served when the run read the layout. */
  readonly served: ReadonlySet<string>;
}

/**
 * After "failover started", does the run poll RDS again? Until RDS names a writer the writer
 * port does not serve yet; not at all for a stale event; and no more once a failover it saw is
 * over with the same writer. The time budget is the caller's.
 */
export function keepsWaiting(f: FastPath): boolean {
  const stale = f.eventTime !== undefined && f.now - f.eventTime > f.staleEventMs;
  if (stale || writerMoved(f.topology, f.served)) return false;
  return !(f.sawFailingOver && !isFencedStatus(f.topology.status));
}

/** RDS names a writer that the writer port does not serve yet: the fast path stops polling. */
export function writerMoved(topology: { readonly status: string; readonly writer: Member | null }, served: ReadonlySet<string>): boolean {
  return topology.writer !== null && !isFencedStatus(topology.status) && !served.has(topology.writer.ip);
}

/**
 * Whether a run stays after applying, to watch the health checks and finish its moves: right
 * after a failover the new writer may still be restarting (Aurora restarts the reader it
 * promotes) and the reader port may be waiting for a set to turn healthy. Only a cluster moves
 * listeners; a deploy-time run returns so that the deploy does.
 */
export function settles(trigger: Trigger, kind: LayoutState["kind"], switchesMoved: number): boolean {
  return kind === "cluster" && (trigger === "failover-started" || trigger === "failover-finished" || (trigger !== "deploy" && switchesMoved > 0));
}

export interface RunInput {
  readonly writer: Member | null;
  /** Every member (the writer included, transient states too), best failover candidate first; null when unknown. */
  readonly members: readonly Member[] | null;
  readonly state: LayoutState;
  readonly port: number;
  readonly allowedCidrs: readonly Cidr[];
  /**
   * Clusters: how many reader sets are kept populated: the writer's, the previous writer's (a
   * failback stays warm) and the best failover candidates'. The rest stay empty, so the targets
   * the NLB health-checks grow with the member count, not its square. Default: every set.
   */
  readonly warmReaderSets?: number;
  /** Clusters: RDS reports the cluster failing over (no writer). Default: false. */
  readonly failingOver?: boolean;
  /**
   * Multi-AZ DB instance: the standby, registered beside the primary in every group so that a
   * failover needs no registration; it takes no connections, so it reads unhealthy and gets no
   * traffic until it takes over. null or absent: none known.
   */
  readonly standby?: Member | null;
  /**
   * Clusters: a Blue/Green deployment's green members before its switchover, the blue writer's
   * counterpart first. They take free member slots, never a member's, so that they are
   * registered and healthy when RDS hands them the names.
   */
  readonly green?: readonly Member[];
  /**
   * Clusters, after a Blue/Green switchover: the addresses of the old environment. The old blue
   * primary "only allows read operations until it is rebooted": a writer port that still serves
   * one of them is fenced while the writer is unknown, instead of held.
   */
  readonly retiredIps?: ReadonlySet<string>;
  /** Clusters: what else says who the writer is; without it a writer change is taken on one answer. */
  readonly evidence?: WriterEvidence;
}

/**
 * A second witness for a writer change. One DescribeDBClusters answer may be stale (its
 * consistency is undocumented, and AWS's own JDBC wrapper discards stale topology after a
 * failover), and a stale answer that names the old writer would move the writer port onto a
 * read-only node. So the writer port moves away from a node it serves only when the cluster
 * endpoint's DNS agrees, or when the RDS API has named the same writer for CORROBORATE_MS.
 */
export interface WriterEvidence {
  /** The IP the cluster (writer) endpoint resolves to now; null when unknown. */
  readonly endpointIp: string | null;
  /** How long consecutive reads of this run have named this writer (0: this read alone). */
  readonly namedForMs: number;
  /**
   * The writer's address is one this run recorded for a green member before RDS reported the
   * Blue/Green switchover completed: the API named the deployment's state, and the address did
   * not come from a DNS answer that may lag the rename.
   */
  readonly recordedGreen?: boolean;
}

/**
 * Reads of the RDS API that agree over this long corroborate a writer change without DNS: twice
 * the cluster endpoint's 5 s TTL ("Aurora DNS zones use a short time-to-live (TTL) of 5
 * seconds", AWS re:Post), so a genuine change is usually corroborated by DNS first, and a run
 * of stale answers must last this long to pass.
 */
export const CORROBORATE_MS = 10_000;

/** Does the evidence back a move of the writer port to `writer`? */
export function corroborates(writer: Member, evidence: WriterEvidence | undefined): boolean {
  return evidence === undefined || evidence.recordedGreen === true || evidence.endpointIp === writer.ip || evidence.namedForMs >= CORROBORATE_MS;
}

/** What a run decided, in one shape for both kinds of database. */
export interface RunPlan {
  /** Changes to the groups behind the writer port (cluster: the member slots). */
  readonly writerGroups: GroupChange[];
  /** Changes to the groups behind the reader port (cluster: the reader sets). */
  readonly readerGroups: GroupChange[];
  readonly readerPort: boolean;
  readonly switches: Switch[];
  /** The listeners a cluster's switches move; a Multi-AZ instance has none to move. */
  readonly listenerArns?: { readonly writer: string; readonly reader?: string };
  /** Cluster only: the instance each member slot holds after the run. */
  readonly slots?: Array<string | null>;
  /** Cluster only: the member each reader set is kept for; null: kept empty. */
  readonly readerSets?: Array<string | null>;
  /** Cluster only: green members of a Blue/Green deployment that found no free slot. */
  readonly greenUnplaced?: string[];
  readonly fallback: string | null;
  /** What only an operator can fix, such as a member in a zone the NLB does not enable. */
  readonly problems: string[];
  readonly notes: string[];
  /** Every IP refused this run. */
  readonly refused: Refusal[];
  /** Refusals the cluster plan made before planning groups (reported with the writer port). */
  readonly clusterRefused: Refusal[];
  /** The group the writer port forwards to after the run. */
  readonly writerGroup: string | null;
  /** The members other than the writer, as read; null when either is unknown. */
  readonly readers: Member[] | null;
  /** IPs the writer port served when the run read the layout. */
  readonly servedWriterIps: Set<string>;
  /** The writer is registered where the writer port already forwards, with no listener moving. */
  readonly writerRegistered: boolean;
  /** Healthy targets of the writer in the writer port's group, as read (the alarm's metric). */
  readonly writerHealthyTargets: number;
  /** Nothing waits on a health check: the writer is unknown, or the plan has no note. */
  readonly settled: boolean;
  /**
   * What the run should wait for before planning again: "writer" (the cluster is failing over,
   * or a writer change awaits its second witness: poll RDS again in seconds), "health" (a move
   * waits on health checks), or null (nothing).
   */
  readonly waiting: "writer" | "health" | null;
}

/** Pure: the whole decision of one run, from the topology and the layout as read. */
export function planRun(input: RunInput): RunPlan {
  const { state, port, writer } = input;
  // Computed once: the instance's reader group, the cluster's failover candidates and the report all use it.
  const readers = readersOf(writer, input.members);
  const decided = state.kind === "cluster" ? clusterRun(input, state, readers) : instanceRun(input, state, readers);
  const writerChange = decided.writerGroup ? decided.writerGroups.find((g) => g.arn === decided.writerGroup) : undefined;
  const writerGroup = groupByArn(state, decided.writerGroup);
  return {
    ...decided,
    readers,
    servedWriterIps: servedWriterIps(state, port),
    writerRegistered: decided.switches.length === 0 && (writerChange?.plan.register.length ?? 0) > 0,
    writerHealthyTargets: writerGroup?.current.filter((t) => t.state === "healthy" && t.ip === writer?.ip).length ?? 0,
    settled: writer === null || decided.notes.length === 0,
    waiting: input.failingOver || decided.heldBecause === UNCORROBORATED || decided.heldBecause === RETIRED ? "writer" : writer !== null && decided.notes.length > 0 ? "health" : null,
  };
}

type Decided = Omit<RunPlan, "readers" | "servedWriterIps" | "writerRegistered" | "writerHealthyTargets" | "settled" | "waiting"> & { readonly heldBecause?: string };

const UNCORROBORATED = "writer change not corroborated";
const RETIRED = "the writer port served the old environment of a Blue/Green switchover";

function clusterRun(input: RunInput, state: ClusterState, readers: Member[] | null): Decided {
  const p = clusterPlan({ ...input, state }, readers);
  return {
    writerGroups: p.groups.filter((g) => g.role === "member"),
    readerGroups: p.groups.filter((g) => g.role === "reader-set"),
    readerPort: state.readerListener !== undefined,
    switches: p.switches,
    listenerArns: { writer: state.writerListener.arn, reader: state.readerListener?.arn },
    slots: p.slots.map((m) => m?.instance ?? null),
    readerSets: p.readerSetOwners.map((m) => m?.instance ?? null),
    fallback: p.fallback,
    problems: p.problems,
    notes: p.notes,
    refused: p.refused,
    clusterRefused: p.refused,
    writerGroup: p.writerSlot === null ? state.writerListener.forwardsTo : state.memberGroups[p.writerSlot].arn,
    ...(p.heldBecause ? { heldBecause: p.heldBecause } : {}),
    ...(p.greenUnplaced ? { greenUnplaced: p.greenUnplaced } : {}),
  };
}

function instanceRun(input: RunInput, state: InstanceState, readers: Member[] | null): Decided {
  const { writer, port, allowedCidrs } = input;
  const change = (g: GroupState, desired: Member[] | null, role: "writer" | "reader"): GroupChange => ({
    role,
    slot: 0,
    arn: g.arn,
    // Make before break: the old address leaves once the new one is healthy, over as many runs as it takes.
    plan: plan({ desired: desired ? desired.map((m) => m.ip) : null, current: g.current, port, allowedCidrs, keepLastHealthy: true }),
  });
  const withStandby = (ms: Member[] | null) => (ms && input.standby && !ms.some((m) => m.ip === input.standby!.ip) ? [...ms, input.standby] : ms);
  const writerChange = change(state.writerGroup, withStandby(writer ? [writer] : null), "writer");
  const reader = state.readerGroup ? [change(state.readerGroup, withStandby(readerTargets(writer, readers)), "reader")] : [];
  return {
    writerGroups: [writerChange],
    readerGroups: reader,
    readerPort: state.readerGroup !== undefined,
    switches: [],
    fallback: null,
    problems: [],
    notes: [],
    refused: [...writerChange.plan.refused, ...reader.flatMap((r) => r.plan.refused)],
    clusterRefused: [],
    writerGroup: state.writerGroup.arn,
  };
}

/**
 * Did the writer move over a run's rounds: a writer listener switched away from a group, or (a
 * Multi-AZ instance) the writer's IP registered where the writer port, as last read, serves.
 */
export function writerChanged(rounds: readonly RunPlan[], moved: readonly Switch[]): boolean {
  const served = rounds[rounds.length - 1].servedWriterIps;
  return moved.some((s) => s.listener === "writer" && s.from !== null) || rounds.some((r) => r.writerRegistered && served.size > 0);
}

export type Step =
  | { readonly kind: "switch"; readonly switch: Switch; readonly listenerArn: string | undefined }
  | { readonly kind: "register" | "deregister"; readonly arn: string; readonly targets: Target[] };

/**
 * The one safe order for every kind of database: switches to groups that are already warm, or
 * that hold the writer registered (the failover path), first, then every registration, then switches that needed one, and only
 * then deregistrations, so no listener ever forwards to a group without a live target.
 */
export function steps(p: RunPlan): Step[] {
  const changes = [...p.writerGroups, ...p.readerGroups];
  const move = (s: Switch): Step => ({ kind: "switch", switch: s, listenerArn: s.listener === "writer" ? p.listenerArns?.writer : p.listenerArns?.reader });
  return [
    ...p.switches.filter((s) => s.warm || s.registered).map(move),
    ...changes.map((c): Step => ({ kind: "register", arn: c.arn, targets: c.plan.register })),
    ...p.switches.filter((s) => !s.warm && !s.registered).map(move),
    ...changes.map((c): Step => ({ kind: "deregister", arn: c.arn, targets: c.plan.deregister })),
  ];
}

// ---------- clusters: warm member slots, failover by switching listeners ----------

export interface ClusterPlanInput extends Omit<RunInput, "state"> {
  readonly state: ClusterState;
}

export interface Switch {
  readonly listener: "writer" | "reader";
  readonly from: string | null;
  readonly to: string;
  /** The destination already held a healthy target for this listener: traffic flows at once. */
  readonly warm: boolean;
  /**
   * Writer only: the destination holds the writer registered, not healthy yet (a restart): the
   * switch needs no registration, so it goes before any, as a warm one does.
   */
  readonly registered?: boolean;
}

export interface GroupChange {
  /** writer and reader: the two groups of a Multi-AZ instance; member and reader-set: a cluster's slots. */
  readonly role: "writer" | "reader" | "member" | "reader-set";
  readonly slot: number;
  readonly arn: string;
  readonly plan: Plan;
}

export interface ClusterPlan {
  /** The member each slot holds once the plan is applied. */
  readonly slots: ReadonlyArray<Member | null>;
  readonly writerSlot: number | null;
  /** The member each reader set is kept for (it holds every member but that one); null: kept empty. */
  readonly readerSetOwners: ReadonlyArray<Member | null>;
  readonly switches: Switch[];
  /** Only groups with something to do, or held with a reason. */
  readonly groups: GroupChange[];
  /**
   * Set when the writer was not registered where the writer port must go (no slot, or its
   * target gone) and is registered on the failover path: writes wait for the registration.
   * A move to a slot whose writer target is registered but not yet healthy (a restart) is a
   * note, not a fallback.
   */
  readonly fallback: string | null;
  /** Things an operator must fix that no run can: a member in a zone the NLB does not enable. */
  readonly problems: string[];
  /** What the run chose and why, when it is not the plain layout (the reader port on the writer, ...). */
  readonly notes: string[];
  readonly refused: Refusal[];
  readonly heldBecause?: string;
  /** Green members of a Blue/Green deployment that found no free slot. */
  readonly greenUnplaced?: string[];
}

/**
 * Pure: which member each slot holds, which reader set is kept for whom, which listener moves
 * where, and which targets change. The rules:
 * - warm means healthy: a listener moves to a group only when it holds a healthy target for
 *   it; the writer port moving anywhere else is a fallback, and reported as one;
 * - make before break: known members keep their targets whatever their state; only members
 *   that left the cluster leave, and never as the last healthy target of a group that a
 *   listener forwards to;
 * - a failover between members that already sit in slots is listener switches only.
 */
export function planCluster(input: ClusterPlanInput): ClusterPlan {
  return clusterPlan(input, readersOf(input.writer, input.members));
}

/** The members a cluster plan works with, once the refused ones are out. */
interface Roster {
  readonly writer: Member;
  /** The writer and every reader whose IP is allowed, best failover candidate first. */
  readonly members: readonly Member[];
  /** The same without the writer: the failover candidates. */
  readonly readers: readonly Member[];
  /** false when RDS's member set is unknown (a reader's DNS failed): then only the writer is in it. */
  readonly known: boolean;
  readonly byIp: ReadonlyMap<string, Member>;
}

function clusterPlan(input: ClusterPlanInput & { readonly state: ClusterState }, readers: Member[] | null): ClusterPlan {
  const { state, port } = input;
  const held = (why: string, refused: Refusal[] = []): ClusterPlan => ({
    slots: state.memberGroups.map(() => null),
    writerSlot: null,
    readerSetOwners: state.readerSetGroups.map(() => null),
    switches: [],
    groups: [],
    fallback: null,
    problems: [],
    notes: [],
    refused,
    heldBecause: why,
  });
  if (input.writer === null) {
    // Fail closed, not open: the old writer comes back as a read-only reader before RDS names
    // the new one, and a TCP health check cannot tell a reader from a writer.
    const fence = state.fenceGroup?.arn;
    const servesRetired = input.retiredIps !== undefined && [...servedWriterIps(state, input.port)].some((ip) => input.retiredIps!.has(ip));
    if (input.failingOver && fence && state.writerListener.forwardsTo !== fence) {
      return { ...held("the cluster is failing over"), switches: [{ listener: "writer", from: state.writerListener.forwardsTo, to: fence, warm: true }], notes: ["writer port fenced while the cluster fails over: new connections reach no node until RDS names the new writer"] };
    }
    if (servesRetired && fence && state.writerListener.forwardsTo !== fence) {
      return { ...held(RETIRED), switches: [{ listener: "writer", from: state.writerListener.forwardsTo, to: fence, warm: true }], notes: ["writer port fenced: it served the old environment of a Blue/Green switchover, which is read-only now, and the new writer's address is not known yet"] };
    }
    return held("writer unknown; nothing is changed");
  }
  const served = servedWriterIps(state, port);
  const fenced = state.fenceGroup !== undefined && state.writerListener.forwardsTo === state.fenceGroup.arn;
  if (!served.has(input.writer.ip) && (served.size > 0 || fenced) && !corroborates(input.writer, input.evidence)) {
    const { writer, evidence } = input;
    const dns = evidence?.endpointIp ? `the cluster endpoint still resolves to ${evidence.endpointIp}` : "the cluster endpoint did not resolve";
    return { ...held(UNCORROBORATED), notes: [`writer change to ${writer.instance} (${writer.ip}) not yet corroborated: ${dns}; the writer port stays until the cluster endpoint agrees, or reads have named the new writer for ${CORROBORATE_MS / 1000} s`] };
  }
  const refused: Refusal[] = [];
  // The one check of an address against the allowed CIDRs, for members and green members alike.
  const refusalsOf = (m: Member) => plan({ desired: [m.ip], current: [], port, allowedCidrs: input.allowedCidrs }).refused;
  const roster = admit(input.writer, input.members, readers, (m) => {
    const own = refusalsOf(m);
    refused.push(...own.map((r) => ({ ...r, reason: `${m.instance}: ${r.reason}` })));
    return own.length === 0;
  });
  if (roster === null) return held("the writer's IP is refused; nothing is changed", refused);

  // Green addresses pass the same allowed-CIDR check as members.
  const green = (input.green ?? []).filter((g) => refusalsOf(g).length === 0 && !roster.byIp.has(g.ip));
  const slots = placeMembers(state, roster, port, green);
  const sets = chooseReaderSets(state, roster, port, input.warmReaderSets);
  const listeners = routeListeners(state, roster, slots, sets, port);
  const groups = targetChanges(state, roster, slots, sets, listeners.used, port, input.allowedCidrs);
  return {
    slots: slots.slots,
    writerSlot: slots.writerSlot,
    readerSetOwners: sets.owners,
    switches: listeners.switches,
    groups,
    fallback: listeners.fallback,
    problems: unusedZoneProblems(state, roster),
    notes: listeners.notes,
    refused,
    ...(slots.unplacedGreen.length > 0 ? { greenUnplaced: slots.unplacedGreen.map((m) => m.instance) } : {}),
  };
}

/** The writer and the readers whose IPs are allowed; null when the writer's own is refused. */
function admit(writer: Member, members: readonly Member[] | null, readers: readonly Member[] | null, allowed: (m: Member) => boolean): Roster | null {
  if (!allowed(writer)) return null;
  const admitted = (readers ?? []).filter(allowed);
  const kept = new Set(admitted);
  const roster = members ? members.filter((m) => m.instance === writer.instance || kept.has(m)) : [writer];
  if (!roster.some((m) => m.instance === writer.instance)) roster.unshift(writer);
  return { writer, members: roster, readers: admitted, known: members !== null, byIp: new Map(roster.map((m) => [m.ip, m])) };
}

// ---- slots: which member each member group holds ----

interface Slots {
  readonly slots: Array<Member | null>;
  readonly writerSlot: number;
  /** Live IPs of each member group, as read. */
  readonly live: ReadonlyArray<Set<string>>;
  /** The writer port served someone when the run read it: registering the writer is then a fallback. */
  readonly wasServing: boolean;
  /** Set when the writer held no slot and was registered into one while the port was serving. */
  readonly fallback: string | null;
  /** Green members of a Blue/Green deployment left without a slot. */
  readonly unplacedGreen: readonly Member[];
}

function placeMembers(state: ClusterState, roster: Roster, port: number, green: readonly Member[] = []): Slots {
  const { writer, members } = roster;
  const rank = (m: Member) => members.findIndex((x) => x.instance === m.instance);
  // Keep every member that already sits live in a slot: moving one would cost a registration.
  const live = state.memberGroups.map((g) => liveIps(g, port));
  const slots: Array<Member | null> = live.map(() => null);
  const placed = new Set<string>();
  live.forEach((ips, i) => {
    const occupant = members.find((m) => ips.has(m.ip) && !placed.has(m.instance));
    if (occupant) {
      slots[i] = occupant;
      placed.add(occupant.instance);
    }
  });
  // A green member already in a slot keeps it, unless a member needs it (below).
  live.forEach((ips, i) => {
    const occupant = slots[i] === null ? green.find((m) => ips.has(m.ip) && !placed.has(m.instance)) : undefined;
    if (occupant) {
      slots[i] = occupant;
      placed.add(occupant.instance);
    }
  });
  const isGreen = (m: Member | null) => m !== null && green.some((g) => g.instance === m.instance);

  // A free slot: an empty group first, so that a new member never shares a group with a target
  // that is leaving (a listener on that group would reach both).
  const freeSlot = () => {
    const empty = slots.findIndex((m, i) => m === null && live[i].size === 0);
    return empty >= 0 ? empty : slots.findIndex((m) => m === null);
  };
  // A member that needs a slot takes a green member's before anything else: green waits for a switchover, a member may be promoted now.
  const slotForMember = () => {
    const free = freeSlot();
    if (free >= 0) return free;
    for (let i = slots.length - 1; i >= 0; i--) if (isGreen(slots[i])) return i;
    return -1;
  };
  let writerSlot = slots.findIndex((m) => m?.instance === writer.instance);
  let fallback: string | null = null;
  // Registering the writer is a fallback only when the writer port was serving someone: on a
  // first run, or when every member had gone, it is plain population.
  // A fenced port served until the failover began: what reaches the writer now is a move, not a first population.
  const fenced = state.fenceGroup !== undefined && state.writerListener.forwardsTo === state.fenceGroup.arn;
  const wasServing = fenced || state.memberGroups.some((g, i) => g.arn === state.writerListener.forwardsTo && live[i].size > 0);
  if (writerSlot < 0) {
    // Last resort: a free slot, else the slot of the least likely failover target.
    const free = slotForMember();
    writerSlot = free >= 0 ? free : slots.reduce((worst, m, i) => (rank(m!) > rank(slots[worst]!) ? i : worst), 0);
    const evicted = slots[writerSlot];
    if (wasServing) fallback = `writer ${writer.instance} (${writer.ip}) held no member slot; registered into slot ${writerSlot}${evicted ? ` in place of ${evicted.instance}` : ""}. Writes return once the registration completes (minutes); raise provider.failover.memberSlots above the cluster's member count`;
    if (evicted) placed.delete(evicted.instance);
    slots[writerSlot] = writer;
    placed.add(writer.instance);
  }
  if (roster.known) {
    // Free slots go to the best failover candidates, so the next writer is most likely warm.
    for (const m of members) {
      if (placed.has(m.instance)) continue;
      const free = slotForMember();
      if (free < 0) break;
      if (slots[free]) placed.delete(slots[free]!.instance);
      slots[free] = m;
      placed.add(m.instance);
    }
  }
  // Then the green members, into what is left: the blue writer's counterpart first.
  const unplacedGreen: Member[] = [];
  for (const g of green) {
    if (placed.has(g.instance)) continue;
    const free = freeSlot();
    if (free < 0) {
      unplacedGreen.push(g);
      continue;
    }
    slots[free] = g;
    placed.add(g.instance);
  }
  return { slots, writerSlot, live, wasServing, fallback, unplacedGreen };
}

// ---- reader sets: which set is kept for whom ----

interface ReaderSets {
  readonly owners: Array<Member | null>;
  /** Live IPs of each reader set, as read. */
  readonly setIps: ReadonlyArray<Set<string>>;
  /** The set the reader listener forwards to now; -1 when none. */
  readonly readerSetNow: number;
}

/** What the set kept for owner holds: every other member, or the owner itself when it is the last. */
function readerSetFor(owner: Member, members: readonly Member[]): string[] {
  const others = members.filter((m) => m.instance !== owner.instance).map((m) => m.ip);
  return others.length > 0 ? others : [owner.ip];
}

function chooseReaderSets(state: ClusterState, roster: Roster, port: number, warmReaderSets: number | undefined): ReaderSets {
  const { writer, members } = roster;
  const sets = state.readerSetGroups;
  const setIps = sets.map((g) => liveIps(g, port));
  const owners: Array<Member | null> = sets.map(() => null);
  // The set the reader listener uses belongs to the member it leaves out: the previous writer.
  const readerSetNow = sets.findIndex((g) => g.arn === state.readerListener?.forwardsTo);
  const excludedNow = readerSetNow >= 0 ? members.filter((m) => !setIps[readerSetNow].has(m.ip)) : [];
  const previousWriter = excludedNow.length === 1 && excludedNow[0].instance !== writer.instance ? excludedNow[0] : undefined;
  const ordered = [writer, ...(previousWriter ? [previousWriter] : []), ...roster.readers.filter((m) => m.instance !== previousWriter?.instance)];
  const warmCount = Math.max(1, Math.min(warmReaderSets ?? sets.length, sets.length, roster.known ? members.length : 1));
  const prepared = sets.length > 0 ? ordered.slice(0, warmCount) : [];
  // How close set j is to holding `want`: one up for each IP it should hold, one down for each other.
  const closeness = (j: number, want: ReadonlySet<string>) => [...setIps[j]].reduce((score, ip) => score + (want.has(ip) ? 1 : -1), 0);
  // The unowned set that scores best; ties go to the lowest index.
  const bestSet = (eligible: (j: number) => boolean, score: (j: number) => number) => {
    let best = -1;
    sets.forEach((_, j) => {
      if (!owners[j] && eligible(j) && (best < 0 || score(j) > score(best))) best = j;
    });
    return best;
  };
  // First the sets already kept for an owner (non-empty, without the owner), then repurpose
  // the closest free set: a repurposed set changes by one member in and one out.
  for (const owner of prepared) {
    const want = new Set(readerSetFor(owner, members));
    // The last member's set holds the member itself; with the members unknown, look for the set without it.
    const only = roster.known && want.size === 1 && want.has(owner.ip);
    // A set that holds no member any more (a Blue/Green switchover replaced them all) is kept for no one.
    const holdsMembers = (j: number) => !roster.known || [...setIps[j]].some((ip) => roster.byIp.has(ip));
    const keptFor = (j: number) => setIps[j].size > 0 && holdsMembers(j) && (only ? setIps[j].has(owner.ip) : !setIps[j].has(owner.ip));
    // Among equals, the set the reader listener uses.
    const best = bestSet(keptFor, (j) => closeness(j, want) + (j === readerSetNow ? 0.5 : 0));
    if (best >= 0) owners[best] = owner;
  }
  for (const owner of prepared.filter((o) => !owners.includes(o))) {
    const want = new Set(readerSetFor(owner, members));
    // The writer's set is best where the reader listener already forwards (no switch); any
    // other owner's set is best anywhere else, so the set in use changes last.
    const here = owner.instance === writer.instance ? 0.5 : -0.5;
    const best = bestSet(() => true, (j) => closeness(j, want) + (j === readerSetNow ? here : 0));
    if (best >= 0) owners[best] = owner;
  }
  return { owners, setIps, readerSetNow };
}

// ---- listeners: where the writer and reader ports go ----

interface Listeners {
  readonly switches: Switch[];
  readonly notes: string[];
  /** The slots' fallback, or the writer registered again in its own slot. */
  readonly fallback: string | null;
  /** The groups a listener of ours forwards to, before or after this run. */
  readonly used: ReadonlySet<string>;
}

/** Who can serve reads in a group: its healthy members; with the member set unknown, every healthy target. */
function servingIps(g: GroupState, roster: Roster, port: number): string[] {
  // A target that left the cluster is on its way out of every set.
  return [...healthyIps(g, port)].filter((ip) => !roster.known || roster.byIp.has(ip));
}

function routeListeners(state: ClusterState, roster: Roster, placement: Slots, readerSets: ReaderSets, port: number): Listeners {
  const { writer } = roster;
  const { writerSlot, wasServing } = placement;
  const writerTarget = state.writerListener.forwardsTo;
  const readerTarget = state.readerListener?.forwardsTo;
  const writerGroup = state.memberGroups[writerSlot];
  const registeringWriter = !placement.live[writerSlot].has(writer.ip);
  let fallback = placement.fallback;
  const switches: Switch[] = [];
  const notes: string[] = [];
  if (writerTarget !== writerGroup.arn) {
    const warm = healthyIps(writerGroup, port).has(writer.ip);
    switches.push({ listener: "writer", from: writerTarget, to: writerGroup.arn, warm, ...(!warm && !registeringWriter ? { registered: true } : {}) });
    if (!warm && !fallback && wasServing) {
      // Registered but not healthy yet: Aurora restarts the reader it promotes, so this is an
      // ordinary failover, not a fallback. The port goes where the writer will answer first.
      const target = writerGroup.current.find((t) => t.ip === writer.ip && t.port === port);
      notes.push(`writer port moved to slot ${writerSlot}, where writer ${writer.instance} (${writer.ip}) reads ${target?.state ?? "absent"}: writes return once its health checks pass`);
    }
  } else if (registeringWriter && wasServing && !fallback) {
    fallback = `writer ${writer.instance} (${writer.ip}) was not registered in its slot ${writerSlot}; registered again. Writes return once the registration completes (minutes)`;
  }

  // The groups a listener of ours forwards to, before or after this run, never lose their last
  // healthy target: the listener change may not have reached every NLB node yet.
  const used = new Set<string>([writerTarget, readerTarget, writerGroup.arn].filter((a): a is string => typeof a === "string"));
  const choice = chooseReaderGroup(state, roster, readerSets, writerGroup, port);
  if (choice.arn) used.add(choice.arn);
  if (choice.arn && choice.arn !== readerTarget) {
    const dest = choice.index >= 0 ? state.readerSetGroups[choice.index] : writerGroup;
    const warm = servingIps(dest, roster, port).length > 0;
    // Reads move only to a group that already serves; otherwise they stay put this run.
    if (warm || readerTarget === null) switches.push({ listener: "reader", from: readerTarget ?? null, to: choice.arn, warm });
  }
  if (choice.why && (switches.some((s) => s.listener === "reader") || choice.arn === readerTarget)) notes.push(`reader port on ${choice.why}`);
  return { switches, notes, fallback, used };
}

/**
 * The reader listener: the writer's set when it can serve, else stay where reads are served,
 * else any group holding a healthy member (the writer's own group last).
 */
function chooseReaderGroup(state: ClusterState, roster: Roster, readerSets: ReaderSets, writerGroup: GroupState, port: number): { index: number; arn: string | null; why?: string } {
  const { writer, byIp } = roster;
  const { owners, readerSetNow } = readerSets;
  const sets = state.readerSetGroups;
  const readerTarget = state.readerListener?.forwardsTo;
  if (readerTarget === undefined || sets.length === 0) return { index: -1, arn: null };
  const serving = (g: GroupState) => servingIps(g, roster, port);
  const writerSet = owners.findIndex((o) => o?.instance === writer.instance);
  // Good: an available member serves there; ok: anyone healthy does (a modifying reader, say).
  const good = (g: GroupState) => serving(g).some((ip) => !byIp.has(ip) || isStable(byIp.get(ip)!));
  const ok = (g: GroupState) => serving(g).length > 0;
  const options: Array<{ index: number; arn: string; label: string }> = [];
  if (writerSet >= 0) options.push({ index: writerSet, arn: sets[writerSet].arn, label: "the writer's reader set" });
  // Where reads go now comes next: a move that gains nothing costs a listener change.
  if (readerSetNow >= 0 && readerSetNow !== writerSet) options.push({ index: readerSetNow, arn: sets[readerSetNow].arn, label: "the reader set it uses now" });
  if (readerTarget === writerGroup.arn) options.push({ index: -2, arn: writerGroup.arn, label: "the writer's member group, where it is now" });
  owners.forEach((o, j) => {
    if (o && j !== writerSet && j !== readerSetNow) options.push({ index: j, arn: sets[j].arn, label: `the reader set kept for ${o.instance}` });
  });
  if (readerTarget !== writerGroup.arn) options.push({ index: -2, arn: writerGroup.arn, label: "the writer's member group" });
  const group = (o: { index: number; arn: string }) => (o.index >= 0 ? sets[o.index] : writerGroup);
  for (const test of [good, ok]) {
    const pick = options.find((o) => test(group(o)));
    if (pick) return { index: pick.index, arn: pick.arn, why: pick.index === writerSet ? undefined : `${pick.label}, because the writer's reader set holds no ${test === good ? "available member that is healthy" : "healthy target"} yet` };
  }
  // Nothing can serve reads: leave the listener where it is, or on the writer's set, and say
  // so, so that a failover run keeps watching until something can.
  const stay = readerSetNow >= 0 ? readerSetNow : writerSet;
  return { index: stay, arn: stay >= 0 ? sets[stay].arn : readerTarget ?? null, why: "the reader set it uses now, because no group holds a healthy member yet" };
}

// ---- target changes: what each group registers and deregisters ----

function targetChanges(state: ClusterState, roster: Roster, placement: Slots, readerSets: ReaderSets, used: ReadonlySet<string>, port: number, allowedCidrs: readonly Cidr[]): GroupChange[] {
  const { slots, writerSlot } = placement;
  const groups: GroupChange[] = [];
  const add = (role: "member" | "reader-set", slot: number, g: GroupState, desired: string[] | null, mayEmpty: boolean) => {
    // Not the writer's own group: anything but the writer there serves writes to a non-writer,
    // which is worse than waiting for the writer's checks.
    const keepLastHealthy = used.has(g.arn) && !(role === "member" && slot === writerSlot);
    const p = plan({ desired, current: g.current, port, allowedCidrs, mayEmpty, keepLastHealthy });
    if (p.register.length || p.deregister.length || p.heldBecause || p.deferred?.length) groups.push({ role, slot, arn: g.arn, plan: p });
  };
  state.memberGroups.forEach((g, i) => {
    // With the member set unknown only the writer's slot may change (the fallback).
    if (!roster.known && i !== writerSlot) return;
    add("member", i, g, slots[i] ? [slots[i]!.ip] : [], i !== writerSlot);
  });
  if (roster.known) {
    state.readerSetGroups.forEach((g, j) => {
      const owner = readerSets.owners[j];
      if (owner) add("reader-set", j, g, readerSetFor(owner, roster.members), false);
      // A set kept for no one empties, unless a listener of ours forwards to it.
      else if (used.has(g.arn)) {
        if (readerSets.setIps[j].size > 0) groups.push({ role: "reader-set", slot: j, arn: g.arn, plan: { register: [], deregister: [], refused: [], heldBecause: "the reader listener forwards here" } });
      } else add("reader-set", j, g, [], true);
    });
  }
  return groups;
}

// ---- problems no run can fix ----

/** A member whose target reads "unused" with a listener in front sits in a zone the NLB does not enable. */
function unusedZoneProblems(state: ClusterState, roster: Roster): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const g of [...state.memberGroups, ...state.readerSetGroups]) {
    for (const t of g.current) {
      const m = roster.byIp.get(t.ip);
      if (t.state === "unused" && m && !seen.has(m.instance) && (t.reason === undefined || t.reason === "Target.NotInUse")) {
        seen.add(m.instance);
        problems.push(`${m.instance} (${t.ip}) reads "unused" on the load balancer: its Availability Zone is not enabled on the NLB, so it never gets traffic. Add a provider subnet in that zone (provider.network), or move the instance to a zone the NLB has`);
      }
    }
  }
  return problems;
}
