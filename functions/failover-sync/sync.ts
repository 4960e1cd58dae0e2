// One run: read the groups, (on "failover started") wait for the new writer, read the
// topology, plan each group and apply. Clients come in from the shell so tests choose them.
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { Applied, applyPlan, readTargets } from "./apply";
import { classify, Trigger } from "./events";
import { Cidr } from "./ipv4";
import { Logger } from "./log";
import { isDraining, Member, plan, Plan, readerTargets, Refusal, Target } from "./plan";
import { DatabaseRef, readTopology, Resolve, Topology } from "./topology";

export interface SyncSettings {
  readonly database: DatabaseRef;
  readonly writerTargetGroupArn: string;
  readonly readerTargetGroupArn?: string;
  readonly port: number;
  readonly allowedCidrs: readonly Cidr[];
  /** How often the fast path polls the topology. */
  readonly pollIntervalMs: number;
  /** How long the fast path may poll, from the start of the run. */
  readonly pollDeadlineMs: number;
  /** A "failover started" event older than this is stale: reconcile without waiting. */
  readonly staleEventMs: number;
}

export interface SyncDeps {
  readonly rds: RDSClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly resolve: Resolve;
  readonly log: Logger;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface GroupReport {
  readonly registered: string[];
  readonly deregistered: string[];
  readonly refused: Refusal[];
  readonly heldBecause?: string;
}

export interface Report {
  readonly trigger: Trigger;
  readonly eventId?: string;
  readonly writer: Member | null;
  readonly readers: Member[] | null;
  readonly writerTargets: GroupReport;
  readonly readerTargets: GroupReport | null;
  readonly writerChanged: boolean;
  readonly polls: number;
  readonly problems: string[];
  readonly durationMs: number;
}

export class SyncError extends Error {
  constructor(
    message: string,
    readonly report: Report,
  ) {
    super(message);
    this.name = "SyncError";
  }
}

export const DEFAULT_TIMING = { pollIntervalMs: 2000, pollDeadlineMs: 60_000, staleEventMs: 120_000 } as const;

export async function sync(event: unknown, settings: SyncSettings, deps: SyncDeps): Promise<Report> {
  const started = deps.now();
  const { trigger, eventId, time } = classify(event);
  const writerBefore = await readTargets(deps.elb, settings.writerTargetGroupArn);
  const registeredWriters = new Set(writerBefore.filter((t) => !isDraining(t.state)).map((t) => t.ip));

  let topology = await readTopology(deps.rds, deps.resolve, settings.database);
  let polls = 1;
  if (trigger === "failover-started") {
    const stale = time !== undefined && started - time > settings.staleEventMs;
    let sawFailingOver = topology.status === "failing-over";
    // Fast path: poll the RDS API until it names a writer other than the registered one.
    while (!stale && !writerMoved(topology, registeredWriters)) {
      if (sawFailingOver && topology.status !== "failing-over") break; // over, same writer
      if (deps.now() + settings.pollIntervalMs - started > settings.pollDeadlineMs) break;
      deps.log.info("waiting for the new writer", { poll: polls, status: topology.status, writer: topology.writer });
      await deps.sleep(settings.pollIntervalMs);
      topology = await readTopology(deps.rds, deps.resolve, settings.database);
      polls++;
      sawFailingOver ||= topology.status === "failing-over";
    }
  }

  const writerPlan = plan({
    desired: topology.writer ? [topology.writer.ip] : null,
    current: writerBefore,
    port: settings.port,
    allowedCidrs: settings.allowedCidrs,
  });
  const writerApplied = await applyPlan(deps.elb, settings.writerTargetGroupArn, writerPlan);

  let readerReport: GroupReport | null = null;
  if (settings.readerTargetGroupArn) {
    const readerCurrent = await readTargets(deps.elb, settings.readerTargetGroupArn);
    const desired = readerTargets(topology.writer, topology.readers);
    const readerPlan = plan({
      desired: desired ? desired.map((m) => m.ip) : null,
      current: readerCurrent,
      port: settings.port,
      allowedCidrs: settings.allowedCidrs,
    });
    readerReport = groupReport(readerPlan, await applyPlan(deps.elb, settings.readerTargetGroupArn, readerPlan));
  }

  const writerReport = groupReport(writerPlan, writerApplied);
  const refusals = [...writerReport.refused, ...(readerReport?.refused ?? [])].map((r) => `refused ${r.ip}: ${r.reason}`);
  const report: Report = {
    trigger,
    eventId,
    writer: topology.writer,
    readers: topology.readers,
    writerTargets: writerReport,
    readerTargets: readerReport,
    writerChanged: writerApplied.registered.length > 0 && registeredWriters.size > 0,
    polls,
    problems: [...topology.problems, ...refusals],
    durationMs: deps.now() - started,
  };
  if (report.problems.length > 0) {
    throw new SyncError(`sync incomplete: ${report.problems.join("; ")}`, report);
  }
  return report;
}

function writerMoved(topology: Topology, registered: Set<string>): boolean {
  return topology.writer !== null && topology.status !== "failing-over" && !registered.has(topology.writer.ip);
}

function groupReport(p: Plan, applied: Applied): GroupReport {
  const ips = (ts: Target[]) => ts.map((t) => t.ip);
  return {
    registered: ips(applied.registered),
    deregistered: ips(applied.deregistered),
    refused: p.refused,
    ...(p.heldBecause ? { heldBecause: p.heldBecause } : {}),
  };
}

