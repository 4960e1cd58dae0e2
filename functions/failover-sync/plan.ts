// Pure: desired targets x current targets -> what to register, deregister and refuse.
// No I/O here; every failover decision is made by this file and tested as plain data.
import { Cidr, cidrContains, parseIpv4 } from "./ipv4";

/** A target as DescribeTargetHealth reports it. */
export interface CurrentTarget {
  readonly ip: string;
  readonly port: number;
  /** initial | healthy | unhealthy | unused | draining | unavailable | unhealthy.draining */
  readonly state: string;
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
}

export interface Plan {
  readonly register: Target[];
  readonly deregister: Target[];
  readonly refused: Refusal[];
  /** Why the group is left as it is, when it is. */
  readonly heldBecause?: string;
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
  if (wanted.length === 0) {
    // Deregistering now would empty the group: keep what is there until a valid target exists.
    return { register: [], deregister: [], refused, heldBecause: "no valid desired target; never empty a group" };
  }
  const deregister = live.filter((t) => !wantedKeys.has(key(t)));
  return { register, deregister, refused };
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

export interface Member {
  readonly instance: string;
  readonly ip: string;
}

/**
 * The readers' desired IPs: the available non-writer members, or the writer when there are
 * none, so the reader port keeps answering. null when neither is known.
 */
export function readerTargets(writer: Member | null, readers: readonly Member[] | null): Member[] | null {
  if (readers === null) return null;
  if (readers.length > 0) return [...readers];
  return writer ? [writer] : null;
}
