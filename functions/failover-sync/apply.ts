// The ELB side: read target groups and listeners, and change them in the one safe order.
import {
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  RegisterTargetsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { CurrentTarget, GroupState, Target } from "./plan";

export async function readTargets(elb: ElasticLoadBalancingV2Client, targetGroupArn: string): Promise<CurrentTarget[]> {
  const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  return (out.TargetHealthDescriptions ?? []).map((d) => ({
    ip: d.Target?.Id ?? "",
    port: d.Target?.Port ?? 0,
    state: d.TargetHealth?.State ?? "unknown",
    ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
  }));
}

export async function readGroups(elb: ElasticLoadBalancingV2Client, arns: readonly string[]): Promise<GroupState[]> {
  return Promise.all(arns.map(async (arn) => ({ arn, current: await readTargets(elb, arn) })));
}

/**
 * The one target group each listener forwards to, by listener ARN, in one call. null when a
 * listener forwards anywhere else (several groups, another action): the plan then moves it.
 */
export async function readListenerTargets(
  elb: ElasticLoadBalancingV2Client,
  listenerArns: readonly string[],
): Promise<Map<string, string | null>> {
  const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [...listenerArns] }));
  const targets = new Map<string, string | null>();
  for (const l of out.Listeners ?? []) {
    const actions = l.DefaultActions ?? [];
    const forward = actions.length === 1 && actions[0].Type === "forward" ? actions[0] : undefined;
    const weighted = forward?.ForwardConfig?.TargetGroups ?? [];
    const single = forward?.TargetGroupArn ?? (weighted.length === 1 ? weighted[0].TargetGroupArn : undefined);
    targets.set(l.ListenerArn ?? "", single ?? null);
  }
  for (const arn of listenerArns) if (!targets.has(arn)) throw new Error(`listener ${arn} not found`);
  return targets;
}

/** One ModifyListener call: the listener forwards to this group from now on. */
export async function switchListener(
  elb: ElasticLoadBalancingV2Client,
  listenerArn: string,
  targetGroupArn: string,
): Promise<void> {
  await elb.send(
    new ModifyListenerCommand({
      ListenerArn: listenerArn,
      DefaultActions: [{ Type: "forward", TargetGroupArn: targetGroupArn }],
    }),
  );
}

export async function register(
  elb: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
  targets: readonly Target[],
): Promise<void> {
  if (targets.length === 0) return;
  await elb.send(
    new RegisterTargetsCommand({
      TargetGroupArn: targetGroupArn,
      Targets: targets.map((t) => ({ Id: t.ip, Port: t.port })),
    }),
  );
}

export async function deregister(
  elb: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
  targets: readonly Target[],
): Promise<void> {
  if (targets.length === 0) return;
  await elb.send(
    new DeregisterTargetsCommand({
      TargetGroupArn: targetGroupArn,
      Targets: targets.map((t) => ({ Id: t.ip, Port: t.port })),
    }),
  );
}
