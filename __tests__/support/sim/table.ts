// The timeline table of docs/failover-timeline.md, from the simulation: one row per scenario and
// way the events arrive, one column per registration delay R and listener delay L, each cell
// "dark / wrong" seconds of the writer port. Printed by `npm run bench` (bench/failover-sim.ts)
// and checked figure for figure by __tests__/sim/failover.test.ts.
import { EVENT_TIMINGS, type EventTiming, PROXY_FOLLOW_SWEEP, SWEEP } from "./params";
import type { Outcome, Scenario } from "./run";

export const COMBOS = SWEEP.registrationDelayS.flatMap((R) => SWEEP.listenerDelayS.map((L) => ({ R, L })));

/** The rows a section shows: every way of events for the cluster scenarios, on time for the others. */
export function rowsOf(
  scenarios: readonly Scenario[],
  everyTiming: boolean,
): Array<{ scenario: Scenario; events: EventTiming }> {
  return scenarios.flatMap((scenario) =>
    (everyTiming ? EVENT_TIMINGS : (["on time"] as const)).map((events) => ({ scenario, events })),
  );
}

export const cell = (o: Outcome) => `${o.writerDarkS} / ${o.writerWrongS}`;

export function header(): string[] {
  return [
    `| scenario | events | ${COMBOS.map(({ R, L }) => `R ${R} / L ${L}`).join(" | ")} |`,
    `| --- | --- | ${COMBOS.map(() => "---").join(" | ")} |`,
  ];
}

export function row(name: string, events: string, cells: readonly string[]): string {
  return `| ${name} | ${events} | ${cells.join(" | ")} |`;
}

/** The README's table of the demo at R 180: per way of events, per L, "dark / wrong (cluster endpoint: dark / wrong)". */
export const DEMO_SCENARIO = "Aurora failover, writer and one reader (the demo)";
export const DEMO_R = 180;

export function demoHeader(): string[] {
  return [
    `| events | ${SWEEP.listenerDelayS.map((L) => `L ${L} s`).join(" | ")} |`,
    `| --- | ${SWEEP.listenerDelayS.map(() => "---").join(" | ")} |`,
  ];
}

export const demoCell = (o: Outcome) =>
  `${o.writerDarkS} / ${o.writerWrongS} (cluster endpoint ${o.nativeDarkS} / ${o.nativeWrongS})`;

export function demoRow(events: EventTiming, cells: readonly string[]): string {
  return `| ${events} | ${cells.join(" | ")} |`;
}

// ---------- RDS Proxy mode (docs/failover-timeline.md, "Behind an RDS Proxy") ----------

/** The warm-slot column of the side-by-side table: the harsher delays of the sweep, events on time. */
export const COMPARED_R = 180;
export const COMPARED_L = 75;

export function proxyHeader(): string[] {
  return [
    `| scenario | warm slots, R ${COMPARED_R} / L ${COMPARED_L} | ${PROXY_FOLLOW_SWEEP.map((P) => `proxy, P ${P} s`).join(" | ")} | proxy: registrations / listener changes after the fault |`,
    `| --- | --- | ${PROXY_FOLLOW_SWEEP.map(() => "---").join(" | ")} | --- |`,
  ];
}

/** A row: the warm-slot design's cell, the proxy's per P, and the most registrations and listener changes any P made after the fault. */
export function proxyRow(name: string, warm: Outcome, proxy: readonly Outcome[]): string {
  const reg = Math.max(...proxy.map((o) => o.registrationsOnFailoverPath));
  const moved = Math.max(...proxy.map((o) => o.listenerChanges));
  return `| ${name} | ${cell(warm)} | ${proxy.map(cell).join(" | ")} | ${reg} / ${moved} |`;
}

export function proxyAddressHeader(): string[] {
  return [
    `| scenario | ${SWEEP.registrationDelayS.map((R) => `R ${R}`).join(" | ")} |`,
    `| --- | ${SWEEP.registrationDelayS.map(() => "---").join(" | ")} |`,
  ];
}

/** "dark / wrong (targets registered after the change)" per registration delay R. */
export function proxyAddressRow(name: string, outcomes: readonly Outcome[]): string {
  return `| ${name} | ${outcomes.map((o) => `${cell(o)} (${o.registeredAfterT0} registered)`).join(" | ")} |`;
}
