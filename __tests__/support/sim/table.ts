// The timeline table of docs/failover-timeline.md, from the simulation: one row per scenario and
// way the events arrive, one column per registration delay R and listener delay L, each cell
// "dark / wrong" seconds of the writer port. Printed by `npm run bench` (bench/failover-sim.ts)
// and checked figure for figure by __tests__/sim/failover.test.ts.
import { EVENT_TIMINGS, type EventTiming, SWEEP } from "./params";
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
