// RDS Proxy mode: the writer group holds the addresses of the proxy's own (read/write) endpoint,
// the reader group those of its read-only endpoint, or the read/write endpoint's where there is
// none. The proxy follows the database's failovers itself, so nothing here depends on who the
// writer is: a run only follows the proxy's addresses, make before break, and never empties a group.
import { type GroupChange, plan } from "./group";
import type { InstanceState } from "./observed";
import type { RunPlan } from "./run";
import type { Cidr } from "../ipv4";

export interface ProxyPlanInput {
  /** The read/write endpoint's addresses now; null when unknown, which leaves both its groups untouched. */
  readonly writerAddresses: readonly string[] | null;
  /** The read-only endpoint's addresses, or the read/write endpoint's when the reader port uses it. */
  readonly readerAddresses: readonly string[] | null;
  readonly state: InstanceState;
  readonly port: number;
  readonly allowedCidrs: readonly Cidr[];
}

/** Pure: one run's decision in proxy mode, in the shape every run reports. */
export function planProxy(input: ProxyPlanInput): RunPlan {
  const { state, port, allowedCidrs } = input;
  const change = (
    role: "writer" | "reader",
    arn: string,
    current: InstanceState["writerGroup"]["current"],
    desired: readonly string[] | null,
  ): GroupChange => ({
    role,
    slot: 0,
    arn,
    // An address the proxy no longer answers with leaves once one it answers with is healthy: a
    // new interface takes minutes to register, and the old one may still serve until then.
    plan: plan({ desired, current, port, allowedCidrs, keepLastHealthy: true }),
  });
  const writer = change("writer", state.writerGroup.arn, state.writerGroup.current, input.writerAddresses);
  const reader = state.readerGroup
    ? [change("reader", state.readerGroup.arn, state.readerGroup.current, input.readerAddresses)]
    : [];
  const changes = [writer, ...reader];
  const deferred = changes.flatMap((c) => (c.plan.deferred ?? []).map((t) => `${t.ip} (${c.role})`));
  const healthy = new Set(input.writerAddresses ?? []);
  return {
    writerGroups: [writer],
    readerGroups: reader,
    readerPort: state.readerGroup !== undefined,
    switches: [],
    fallback: null,
    problems: [],
    notes:
      deferred.length > 0
        ? [
            `${deferred.join(", ")} stay(s) registered until an address the proxy answers with now is healthy (make before break)`,
          ]
        : [],
    refused: changes.flatMap((c) => c.plan.refused),
    clusterRefused: [],
    writerGroup: state.writerGroup.arn,
    readers: null,
    servedWriterIps: new Set(state.writerGroup.current.filter((t) => t.state === "healthy").map((t) => t.ip)),
    writerRegistered: false,
    writerHealthyTargets: state.writerGroup.current.filter((t) => t.state === "healthy" && healthy.has(t.ip)).length,
    // Nothing to wait for inside a run: the next scheduled run finishes a make-before-break.
    settled: true,
    waiting: null,
  };
}
