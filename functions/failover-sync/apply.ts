// The ELB side: read a target group, and change it in the one safe order.
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { CurrentTarget, Plan, Target } from "./plan";

export async function readTargets(elb: ElasticLoadBalancingV2Client, targetGroupArn: string): Promise<CurrentTarget[]> {
  const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (out.TargetHealthDescriptions ?? []).map((d) => ({
    ip: d.Target?.Id ?? "",
    port: d.Target?.Port ?? 0,
    state: d.TargetHealth?.State ?? "unknown",
  }));
}

export interface Applied {
  readonly registered: Target[];
  readonly deregistered: Target[];
}

/**
 * Registers every missing target first and deregisters stale ones only after that call
 * succeeded, so the group always holds a target. A failure in between leaves extra
 * targets, never too few, and the next run finishes the job. No change, no call.
 */
export async function applyPlan(elb: ElasticLoadBalancingV2Client, targetGroupArn: string, plan: Plan): Promise<Applied> {
  if (plan.register.length > 0) {
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: plan.register.map((t) => ({ Id: t.ip, Port: t.port })) }));
  }
  if (plan.deregister.length > 0) {
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: plan.deregister.map((t) => ({ Id: t.ip, Port: t.port })) }));
  }
  return { registered: plan.register, deregistered: plan.deregister };
}
