// One target group: desired targets x current targets -> what to register, deregister and
// refuse. Every group of both kinds of database is planned here, the one check of an address
// against the allowed CIDRs included.
import { type Cidr, cidrContains, parseIpv4 } from "../ipv4";
import { type CurrentTarget, isDraining } from "./observed";

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
      refused.push({
        ip,
        reason: `outside the allowed CIDRs ${input.allowedCidrs.map((c) => c.text).join(", ") || "(none)"}`,
      });
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
  return targets.filter((t) => {
    if (seen.has(key(t))) return false;
    seen.add(key(t));
    return true;
  });
}

/** One group's plan, with the role and slot it has in the layout. */
export interface GroupChange {
  /** writer and reader: the two groups of a Multi-AZ instance; member and reader-set: a cluster's slots. */
  readonly role: "writer" | "reader" | "member" | "reader-set";
  readonly slot: number;
  readonly arn: string;
  readonly plan: Plan;
}
