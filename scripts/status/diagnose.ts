// npm run status, the decisions: pure functions from what the AWS calls returned to findings,
// each naming what is wrong and how to fix it. observe.ts makes the calls; nothing here does I/O.
// The checks every share has are here; each transport's own are in
// scripts/status/transports/<name>.ts, called through the registry.
import type { TransportName } from "../../config/schema";
import type { Finding, FixContext } from "./finding";
import { type ProviderObservation, statusOf } from "./transports";

export type { Finding, FixContext, ProviderObservation };

export interface ConsumerObservation {
  readonly stack: string;
  readonly region: string;
  readonly endpoints: Array<{
    readonly role: string;
    readonly id: string;
    readonly state: string;
    readonly azIds: string[];
  }>;
}

export function diagnoseProvider(o: ProviderObservation, ctx: FixContext): Finding[] {
  const findings: Finding[] = [];
  const ok = (check: string, detail: string) => findings.push({ stack: o.stack, check, ok: true, detail });
  const bad = (check: string, detail: string, fix: string) =>
    findings.push({ stack: o.stack, check, ok: false, detail, fix });
  const { topology: t, database } = o;

  if (t.writer)
    ok(
      "database writer",
      `RDS names ${t.writer.instance} (${t.writer.ip}) the writer of ${database.kind} ${database.identifier} (${t.status})`,
    );
  else {
    const dns = t.problems.some((p) => p.startsWith("DNS lookup"));
    bad(
      "database writer",
      `RDS names no usable writer of ${database.kind} ${database.identifier} (${t.status}): ${t.problems.join("; ") || "unknown"}`,
      dns
        ? "the instances' own names must resolve where status runs (RDS names resolve to the private IPs from anywhere); set DNS_SERVERS=ip[:port] to ask another resolver"
        : "wait for RDS to finish the failover or the change, then run status again; the RDS console shows the database's events",
    );
  }
  // The writer first, then the transport's own checks, each with its fix.
  findings.push(...statusOf(o.transport).diagnose(o, ctx));
  return findings;
}

/** What a consumer's checks know of its provider: the transport, the AZ IDs it serves, and what status read of it (when it could). */
export interface ConsumerProvider {
  readonly transport: TransportName;
  readonly azIds: readonly string[];
  /** The provider stack's observation, of the same transport; undefined when it could not be read. */
  readonly observed?: ProviderObservation;
}

export function diagnoseConsumer(o: ConsumerObservation, provider: ConsumerProvider, ctx: FixContext): Finding[] {
  const findings: Finding[] = [];
  const rule = statusOf(provider.transport).consumer;
  for (const e of o.endpoints) {
    const check = `${e.role} endpoint ${e.id}`;
    const state = e.state.toLowerCase();
    if (state === "available") findings.push({ stack: o.stack, check, ok: true, detail: "available" });
    else if (state === "pendingacceptance") {
      findings.push({
        stack: o.stack,
        check,
        ok: false,
        detail: "waiting for the provider to accept the connection",
        fix: rule.pendingFix(e.id, provider.observed, ctx),
      });
    } else {
      findings.push({
        stack: o.stack,
        check,
        ok: false,
        detail: e.state,
        fix: rule.failedFix(ctx),
      });
    }
    const stray = e.azIds.filter((z) => !provider.azIds.includes(z));
    const check2 = `AZ IDs of ${e.role} endpoint`;
    if (e.azIds.length === 0)
      findings.push({
        stack: o.stack,
        check: check2,
        ok: false,
        detail: "the endpoint has no subnets",
        fix: "redeploy this consumer stack",
      });
    else if (!rule.served(e.azIds, provider.azIds)) {
      findings.push({
        stack: o.stack,
        check: check2,
        ok: false,
        detail: `${e.azIds.join(", ")}; the provider serves ${provider.azIds.join(", ")}${stray.length ? ` (not served: ${stray.join(", ")})` : ""}`,
        fix: `place this consumer's subnets in the provider's AZ IDs (${provider.azIds.join(", ")}), or add subnets in ${stray.join(", ")} to the provider`,
      });
    } else
      findings.push({
        stack: o.stack,
        check: check2,
        ok: true,
        detail: `${e.azIds.join(", ")}, all served by the provider (${provider.azIds.join(", ")})`,
      });
  }
  return findings;
}
