// The one safe order of a run's changes.
import type { Target } from "./group";
import type { Switch } from "./listeners";
import type { RunPlan } from "./run";

export type Step =
  | { readonly kind: "switch"; readonly switch: Switch; readonly listenerArn: string | undefined }
  | { readonly kind: "register" | "deregister"; readonly arn: string; readonly targets: Target[] };

/**
 * The one safe order for every kind of database: switches to groups that are already warm, or
 * that hold the writer registered (the failover path), first, then every registration, then switches that needed one, and only
 * then deregistrations, so no listener ever forwards to a group without a live target.
 */
export function steps(p: RunPlan): Step[] {
  const changes = [...p.writerGroups, ...p.readerGroups];
  const move = (s: Switch): Step => ({
    kind: "switch",
    switch: s,
    listenerArn: s.listener === "writer" ? p.listenerArns?.writer : p.listenerArns?.reader,
  });
  return [
    ...p.switches.filter((s) => s.warm || s.registered).map(move),
    ...changes.map((c): Step => ({ kind: "register", arn: c.arn, targets: c.plan.register })),
    ...p.switches.filter((s) => !s.warm && !s.registered).map(move),
    ...changes.map((c): Step => ({ kind: "deregister", arn: c.arn, targets: c.plan.deregister })),
  ];
}
