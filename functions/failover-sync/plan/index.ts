// Pure: every failover decision of a run, made in this folder and tested as plain data. The
// public names, in one place, so that callers import "./plan" and not its files.
export type { CurrentTarget, Target, Refusal, PlanInput, Plan, Member, GroupState, ListenerState, LayoutState, ClusterState, InstanceState } from "./cluster";
export type { FastPath, RunInput, WriterEvidence, RunPlan, Step, ClusterPlanInput, Switch, GroupChange, ClusterPlan } from "./cluster";
export { isDraining, plan, isFencedStatus, isStable, readerTargets, readersOf, liveIps, healthyIps, servedWriterIps } from "./cluster";
export { keepsWaiting, writerMoved, settles, CORROBORATE_MS, corroborates, planRun, writerChanged, steps, planCluster } from "./cluster";
