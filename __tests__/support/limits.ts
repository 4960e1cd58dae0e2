/**
 * How long a test lets a child process run before it kills it: a guard against a hang, never a
 * timing assertion. A child that takes 3 s on an idle machine took over 60 s on a loaded CI
 * machine (a --help of npm run status, beside the e2e tier), so the guard is far above any run.
 */
export const HANG_GUARD_MS = 600_000;
