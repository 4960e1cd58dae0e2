import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { LoadBalancer } from "../../../stacks/constructs/load-balancer";
import { TerraformOutput } from "cdktf";
import { type Json, resources } from "../../helpers";
import { demoConfig, demoNetwork, synthConstruct } from "../../support/construct";
import { MAX_NAME_LENGTH } from "../../../config/schema";

/** The demo's load balancer with two member slots (the default is 16, fields.ts): what each test checks holds for any number. */
function build(mutate?: Parameters<typeof demoConfig>[0]) {
  const config = demoConfig((c) => {
    c.provider.failover.memberSlots = 2;
    mutate?.(c);
    const db = c.provider.database;
    if (db.existing?.instanceIdentifier || (db.create && !String(db.engine).startsWith("aurora")))
      delete c.provider.failover.memberSlots;
  });
  let lb: LoadBalancer | undefined;
  const { json } = synthConstruct((scope) => {
    lb = new LoadBalancer(scope, "LoadBalancer", {
      name: config.name,
      network: demoNetwork(scope, config),
      ports: config.provider.ports,
      databasePort: 3306,
      databaseSecurityGroupId: "sg-0123456789abcdef0",
      deletionProtection: true,
      tcpIdleTimeoutSeconds: config.provider.loadBalancer.tcpIdleTimeoutSeconds,
    });
    // Synthesized as an output, so the test reads the grants with their references resolved.
    new TerraformOutput(scope, "grants", { value: lb.targetChangeStatements() });
  });
  return { json, lb: lb! };
}

describe("LoadBalancer, alone", () => {
  it("refuses at plan time a config that removes the slot a switched listener forwards to", () => {
    const listeners = build().json.data.aws_lb_listener;
    const check = (id: string) => listeners[id].lifecycle.postcondition[0];
    const writer = check("LoadBalancer_WriterListenerTarget_F75B3C1D");
    expect(listeners.LoadBalancer_WriterListenerTarget_F75B3C1D.arn).toBe(
      "${aws_lb_listener.LoadBalancer_WriterListener_33FB0EE7.arn}",
    );
    // The fence group too: a plan while the cluster fails over finds the writer listener there.
    expect(writer.condition).toBe(
      "${contains([aws_lb_target_group.LoadBalancer_MemberTargetGroup0_896CE283.arn, aws_lb_target_group.LoadBalancer_MemberTargetGroup1_EA003CEE.arn, aws_lb_target_group.LoadBalancer_FenceTargetGroup_FFD432A4.arn], self.default_action[0].target_group_arn)}",
    );
    expect(writer.error_message).toContain(
      "The writer listener (port ${self.port}) forwards to ${self.default_action[0].target_group_arn}, a member slot this change removes",
    );
    expect(writer.error_message).toContain("aws rds failover-db-cluster");
    const reader = check("LoadBalancer_ReaderListenerTarget_38165573").condition;
    expect(reader).toContain(
      "LoadBalancer_ReaderSetTargetGroup1_66529E31.arn], self.default_action[0].target_group_arn)",
    );
    expect(reader).not.toContain("FenceTargetGroup");
  });

  it("checks nothing for a Multi-AZ instance, whose listeners Terraform itself points", () => {
    const { json } = build((c) => {
      c.provider.database = { engine: "mysql", create: {} };
      c.provider.ports = {};
    });
    expect(json.data?.aws_lb_listener).toBeUndefined();
  });

  it("gives every listener the configured TCP idle timeout, 350 s unless the config says otherwise", () => {
    expect(resources(build().json, LbListener.tfResourceType).map((l) => l.tcp_idle_timeout_seconds)).toEqual(
      Array(6).fill(350),
    );
    const { json } = build((c) => (c.provider.loadBalancer = { tcpIdleTimeoutSeconds: 3600 }));
    expect(resources(json, LbListener.tfResourceType).map((l) => l.tcp_idle_timeout_seconds)).toEqual(
      Array(6).fill(3600),
    );
  });

  it("gives each member slot a member group and a reader set, each behind its own listener", () => {
    const { json, lb } = build();
    expect(lb.targets.kind).toBe("cluster");
    const listeners = resources(json, LbListener.tfResourceType);
    expect(listeners.map((l) => l.port).sort()).toEqual([3306, 3307, 3316, 3317, 3318, 3319]);
    expect(resources(json, LbTargetGroup.tfResourceType).map((g) => g.name)).toEqual([
      "orders-fence",
      "orders-m0",
      "orders-m1",
      "orders-r0",
      "orders-r1",
    ]);
    // Every member and reader-set group is attached to a listener of its own, so the NLB health-checks all of them.
    const forwarded = new Set(listeners.filter((l) => !l.lifecycle).map((l) => l.default_action[0].target_group_arn));
    expect([...forwarded].sort()).toEqual(
      lb.targetGroups.map((g) => `\${aws_lb_target_group.${g.friendlyUniqueId}.arn}`).sort(),
    );
  });

  it("keeps a fence group for the writer port to fail closed on while the cluster fails over: no listener, no target, like the member groups", () => {
    const { json, lb } = build();
    const groups = Object.entries(json.resource.aws_lb_target_group as Record<string, Json>);
    const [[id, fence]] = groups.filter(([, g]) => g.name === "orders-fence");
    expect(id).toBe("LoadBalancer_FenceTargetGroup_FFD432A4");
    // The member groups' settings, health check included: only the name differs.
    const { name: _fenceName, tags: _fenceTags, "//": _fenceMeta, ...settings } = fence;
    const {
      name: _name,
      tags: _tags,
      "//": _meta,
      ...member
    } = json.resource.aws_lb_target_group.LoadBalancer_MemberTargetGroup0_896CE283;
    expect(settings).toEqual(member);
    expect(fence).toMatchObject({
      target_type: "ip",
      protocol: "TCP",
      port: 3306,
      vpc_id: "${aws_vpc.Network_Vpc_FAC8F4A5.id}",
      tags: { Name: "orders-fence" },
    });
    // No listener forwards to it until the function switches the writer's; nothing is attached.
    const arn = `\${aws_lb_target_group.${id}.arn}`;
    expect(resources(json, LbListener.tfResourceType).map((l) => l.default_action[0].target_group_arn)).not.toContain(
      arn,
    );
    expect(json.resource.aws_lb_target_group_attachment).toBeUndefined();
    // In the function's layout, but not among the groups alarms, dashboards and grants read.
    expect(lb.targets.kind === "cluster" && lb.targets.fenceGroup?.friendlyUniqueId).toBe(id);
    expect(lb.targetGroups.map((g) => g.friendlyUniqueId)).not.toContain(id);
  });

  it("gives the fence group a name within the 32 characters of a target group, for the longest name prefix", () => {
    const name = "a".repeat(MAX_NAME_LENGTH);
    const { json } = build((c) => (c.name = name));
    const names = resources(json, LbTargetGroup.tfResourceType).map((g) => g.name as string);
    expect(names).toContain(`${name}-fence`);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(32);
  });

  it("lets the function register into no fence group, and needs no grant on it to switch the writer listener there", () => {
    const { json } = build();
    const text = JSON.stringify(json.output.grants.value);
    expect(text).not.toContain("FenceTargetGroup");
  });

  it("keeps no fence group for a Multi-AZ instance, whose listeners never switch", () => {
    const { json, lb } = build((c) => (c.provider.database = { engine: "postgres", create: {} }));
    expect(lb.targets).not.toHaveProperty("fenceGroup");
    expect(resources(json, LbTargetGroup.tfResourceType).map((g) => g.name)).not.toContain("orders-fence");
  });

  it("lets the failover function own only where the writer and reader listeners forward", () => {
    const { json } = build();
    const owned = resources(json, LbListener.tfResourceType).filter((l) => l.lifecycle);
    expect(owned.map((l) => [l.port, l.lifecycle]).sort((a, b) => a[0] - b[0])).toEqual([
      [3306, { ignore_changes: ["default_action"] }],
      [3307, { ignore_changes: ["default_action"] }],
    ]);
  });

  it("hands out target changes on its own groups and switches on its own two listeners only", () => {
    const { json } = build();
    const bySid = Object.fromEntries(json.output.grants.value.map((s: Json) => [s.Sid, s]));
    expect(bySid.ChangeTargets.Resource).toEqual(
      ["m0", "m1", "r0", "r1"].map((g) =>
        expect.stringMatching(
          new RegExp(
            `^\\$\\{aws_lb_target_group\\.LoadBalancer_(Member|ReaderSet)TargetGroup${g.slice(1)}_.*\\.arn\\}$`,
          ),
        ),
      ),
    );
    expect(bySid.SwitchListeners.Resource).toEqual([
      expect.stringMatching(/LoadBalancer_WriterListener_/),
      expect.stringMatching(/LoadBalancer_ReaderListener_/),
    ]);
    expect(bySid.ReadTargets.Resource).toBe("*");
  });

  it("keeps one writer and one reader group, owned by Terraform, for a Multi-AZ instance", () => {
    const { json, lb } = build((c) => (c.provider.database = { engine: "postgres", create: {} }));
    expect(lb.targets.kind).toBe("instance");
    expect(
      resources(json, LbTargetGroup.tfResourceType)
        .map((g) => g.name)
        .sort(),
    ).toEqual(["orders-reader", "orders-writer"]);
    expect(resources(json, LbListener.tfResourceType).every((l) => l.lifecycle === undefined)).toBe(true);
    expect(json.output.grants.value.map((s: Json) => s.Sid)).toEqual(["ChangeTargets", "ReadTargets"]);
  });

  it("sends its egress only to the database's security group on the database port", () => {
    const { json } = build();
    expect(resources(json, "aws_vpc_security_group_egress_rule")).toEqual([
      expect.objectContaining({
        referenced_security_group_id: "sg-0123456789abcdef0",
        from_port: 3306,
        to_port: 3306,
        ip_protocol: "tcp",
      }),
    ]);
  });
});
