// Pure: every failover decision of a run, made in this folder and tested as plain data. No I/O
// here: sync.ts observes, asks the planner, applies and reports. The files, from the bottom up:
//   observed.ts         what a run reads (targets, members, groups, listeners) and its checks
//   group.ts            one group: desired x current targets -> register, deregister, refuse
//   writer-evidence.ts  when a writer change is believed
//   waiting.ts          whether the fast path polls again, whether a run settles
//   run-input.ts        what one run plans from
//   cluster.ts          a cluster's plan, made in parts: roster.ts, slots.ts, reader-sets.ts,
//                       listeners.ts, target-changes.ts
//   run.ts              one run's decision for both kinds of database
//   order.ts            the one safe order of its changes
// Callers import "./plan": these are the public names.
export type {
  CurrentTarget,
  Member,
  GroupState,
  ListenerState,
  LayoutState,
  ClusterState,
  InstanceState,
} from "./observed";
export {
  isDraining,
  isFencedStatus,
  isStable,
  readerTargets,
  readersOf,
  liveIps,
  healthyIps,
  servedWriterIps,
} from "./observed";
export type { Target, Refusal, PlanInput, Plan, GroupChange } from "./group";
export { plan } from "./group";
export type { WriterEvidence } from "./writer-evidence";
export { CORROBORATE_MS, corroborates } from "./writer-evidence";
export type { FastPath } from "./waiting";
export { keepsWaiting, writerMoved, settles } from "./waiting";
export type { RunInput } from "./run-input";
export type { ClusterPlanInput, ClusterPlan } from "./cluster";
export { planCluster } from "./cluster";
export type { Switch } from "./listeners";
export type { RunPlan } from "./run";
export { planRun, writerChanged } from "./run";
export type { Step } from "./order";
export { steps } from "./order";
export type { ProxyPlanInput } from "./proxy";
export { planProxy } from "./proxy";
