import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpointConnectionAccepter } from "@cdktf/provider-aws/lib/vpc-endpoint-connection-accepter";
import { VpcEndpointService } from "@cdktf/provider-aws/lib/vpc-endpoint-service";
import { VpcEndpointServiceAllowedPrincipal } from "@cdktf/provider-aws/lib/vpc-endpoint-service-allowed-principal";
import { VpcEndpointServicePrivateDnsVerification } from "@cdktf/provider-aws/lib/vpc-endpoint-service-private-dns-verification";
import { DataAwsRdsCluster } from "@cdktf/provider-aws/lib/data-aws-rds-cluster";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { EndpointServiceProviderShare } from "../../stacks/transports/endpoint-service/provider";
import { dataSources, EXISTING_NETWORK, type Json, resources, synthesize } from "../helpers";

/** count numbers from `from`. */
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe("provider stack of the demo config", () => {
  const { text, json } = synthesize();
  const provider = text.provider;
  const stack = json.provider;

  it("tags every resource with the project, the stack and ManagedBy", () => {
    expect(stack.provider.aws[0].default_tags[0].tags).toEqual({
      environment: "demo",
      Project: "orders",
      Stack: "provider",
      ManagedBy: "rds-privatelink",
    });
    expect(stack.provider.aws[0].allowed_account_ids).toEqual(["111111111111"]);
    expect(stack.provider.aws[0].profile).toBe("db-owner");
  });

  it("creates an isolated VPC with one subnet per AZ ID and no route out", () => {
    expect(provider).toHaveResourceWithProperties(Vpc, { cidr_block: "10.0.0.0/16", enable_dns_support: true });
    const subnets = resources(stack, Subnet.tfResourceType);
    expect(subnets.map((s) => s.availability_zone_id)).toEqual(["use1-az1", "use1-az2"]);
    expect(subnets.every((s) => s.availability_zone === undefined)).toBe(true);
    for (const type of ["aws_internet_gateway", "aws_nat_gateway", "aws_route", "aws_eip"]) {
      expect(resources(stack, type)).toHaveLength(0);
    }
  });

  it("reads the account, partition and region once for the whole stack", () => {
    for (const type of ["aws_caller_identity", "aws_partition", "aws_region"])
      expect(Object.keys(stack.data[type])).toHaveLength(1);
  });

  it("puts an internal NLB with cross-zone balancing and the PrivateLink SG setting off", () => {
    expect(provider).toHaveResourceWithProperties(Lb, {
      internal: true,
      load_balancer_type: "network",
      enable_cross_zone_load_balancing: true,
      enforce_security_group_inbound_rules_on_private_link_traffic: "off",
    });
  });

  it("uses IP target groups on the database port with fast TCP health checks", () => {
    const groups = resources(stack, LbTargetGroup.tfResourceType);
    // A member group per slot (16: Aurora's largest cluster, so members Auto Scaling adds are warm
    // too), the writer's reader set and its spare, and the fence group, all alike.
    expect(groups.map((g) => g.name).sort()).toEqual(
      ["orders-fence", ...range(0, 16).map((i) => `orders-m${i}`), "orders-r0", "orders-r1"].sort(),
    );
    for (const g of groups) {
      expect(g).toMatchObject({
        target_type: "ip",
        protocol: "TCP",
        port: 3306,
        connection_termination: true,
        health_check: { protocol: "TCP", interval: 10, healthy_threshold: 2, unhealthy_threshold: 2 },
      });
    }
    expect(groups.find((g) => g.name === "orders-m0").deregistration_delay).toBe("0");
  });

  it("listens on the writer and reader ports, and keeps every member group warm behind its own listener", () => {
    const listeners = resources(stack, LbListener.tfResourceType);
    const forwardsTo = (port: number) => listeners.find((l) => l.port === port).default_action[0].target_group_arn;
    // 16 + 2 + 2 = 20 of the 50 listeners an NLB takes.
    expect(listeners.map((l) => l.port).sort((a, b) => a - b)).toEqual([3306, 3307, ...range(3316, 18)]);
    expect(forwardsTo(3316)).toBe("${aws_lb_target_group.LoadBalancer_MemberTargetGroup0_896CE283.arn}");
    expect(forwardsTo(3317)).toBe("${aws_lb_target_group.LoadBalancer_MemberTargetGroup1_EA003CEE.arn}");
    expect(forwardsTo(3331)).toMatch(/^\$\{aws_lb_target_group\.LoadBalancer_MemberTargetGroup15_/);
    expect(forwardsTo(3332)).toBe("${aws_lb_target_group.LoadBalancer_ReaderSetTargetGroup0_2F2199D1.arn}");
    expect(forwardsTo(3333)).toBe("${aws_lb_target_group.LoadBalancer_ReaderSetTargetGroup1_66529E31.arn}");
    // The writer port starts on slot 0's member and the reader port on its reader set.
    expect(forwardsTo(3306)).toBe(forwardsTo(3316));
    expect(forwardsTo(3307)).toBe(forwardsTo(3332));
  });

  it("leaves where the writer and reader ports forward to the failover function, and nothing else", () => {
    const listeners = resources(stack, LbListener.tfResourceType);
    const ignored = listeners
      .filter((l) => l.lifecycle?.ignore_changes)
      .map((l) => [l.port, l.lifecycle.ignore_changes]);
    expect(ignored.sort()).toEqual([
      [3306, ["default_action"]],
      [3307, ["default_action"]],
    ]);
  });

  it("lets the NLB reach only the database port of the database's security group", () => {
    const egress = resources(stack, "aws_vpc_security_group_egress_rule").filter((r) =>
      r.description?.startsWith("Database port only"),
    );
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({ from_port: 3306, to_port: 3306, ip_protocol: "tcp" });
    expect(egress[0].referenced_security_group_id).toContain("aws_security_group.Database_SecurityGroup");
    const ingress = resources(stack, VpcSecurityGroupIngressRule.tfResourceType);
    expect(
      ingress
        .filter((r) => r.cidr_ipv4)
        .map((r) => [r.from_port, r.to_port])
        .sort(),
    ).toEqual([
      [3306, 3306],
      [3307, 3307],
      [3316, 3333],
    ]);
    expect(ingress.every((r) => r.cidr_ipv4 !== "0.0.0.0/0")).toBe(true);
    const dbIngress = ingress.filter((r) => r.referenced_security_group_id);
    expect(dbIngress).toHaveLength(1);
    expect(dbIngress[0].referenced_security_group_id).toContain("LoadBalancer_SecurityGroup");
  });

  it("creates an encrypted Aurora cluster whose password RDS manages", () => {
    expect(provider).toHaveResourceWithProperties(RdsCluster, {
      engine: "aurora-mysql",
      storage_encrypted: true,
      manage_master_user_password: true,
      iam_database_authentication_enabled: true,
      backup_retention_period: 7,
      deletion_protection: false,
    });
    expect(provider).not.toMatch(/master_password"/);
    const members = resources(stack, "aws_rds_cluster_instance");
    expect(members.map((m) => m.identifier)).toEqual(["orders-1", "orders-2"]);
    expect(new Set(members.map((m) => m.availability_zone)).size).toBe(2);
  });

  it("publishes the NLB as an endpoint service that requires acceptance", () => {
    expect(provider).toHaveResourceWithProperties(VpcEndpointService, { acceptance_required: true });
    expect(resources(stack, VpcEndpointServiceAllowedPrincipal.tfResourceType).map((p) => p.principal_arn)).toEqual([
      "arn:aws:iam::222222222222:root",
    ]);
  });

  it("outputs what consumers and operators need", () => {
    expect(
      Object.keys(stack.output)
        .filter((k) => !k.startsWith("cross-stack-output-"))
        .sort(),
    ).toEqual(
      [
        "alarm_topic_arn",
        "az_ids",
        "dashboard_name",
        "dashboard_url",
        "database_identifier",
        "database_port",
        "dead_letter_queue_url",
        "descriptor_arn",
        "descriptor_name",
        "failover_function_name",
        "fence_target_group_arn",
        "instance_names",
        "member_ports",
        "member_target_group_arns",
        "nlb_dns_name",
        "nlb_security_group_id",
        "reader_listener_arn",
        "reader_name",
        "reader_port",
        "reader_set_target_group_arns",
        "service_id",
        "service_name",
        "writer_listener_arn",
        "writer_name",
        "writer_port",
      ].sort(),
    );
  });
});

describe("provider stack options", () => {
  it("keeps the target group on the database port when the listener port differs", () => {
    const { json } = synthesize((c) => (c.provider.ports = { writer: 13306, reader: 13307 }));
    expect(resources(json.provider, LbTargetGroup.tfResourceType).map((g) => g.port)).toEqual(
      Array(16 + 2 + 1).fill(3306),
    );
    expect(
      resources(json.provider, LbListener.tfResourceType)
        .map((l) => l.port)
        .sort((a: number, b: number) => a - b),
    ).toEqual([...range(3316, 18), 13306, 13307]);
  });

  it("moves the member block where provider.ports.firstMember says", () => {
    const { json } = synthesize((c) => (c.provider.ports = { writer: 3306, reader: 3307, firstMember: 4000 }));
    expect(
      resources(json.provider, LbListener.tfResourceType)
        .map((l) => l.port)
        .sort((a: number, b: number) => a - b),
    ).toEqual([3306, 3307, ...range(4000, 18)]);
    expect(json.provider.output.member_ports.value).toEqual(range(4000, 16));
  });

  it("gives a cluster provider.failover.memberSlots slots, by default 16 for Aurora and 6 for a Multi-AZ DB cluster (its members and their green copies)", () => {
    const existing = (slots?: number) =>
      synthesize((c) => {
        c.provider.network = EXISTING_NETWORK;
        c.provider.database = { engine: "aurora-postgresql", existing: { clusterIdentifier: "orders-prod" } };
        if (slots) c.provider.failover.memberSlots = slots;
        c.consumers[0].providerAzIds = ["use1-az1", "use1-az2"];
      }).json.provider;
    const names = (stack: Json) => resources(stack, LbTargetGroup.tfResourceType).map((g: Json) => g.name);
    expect(names(existing()).filter((n: string) => n.includes("-m"))).toHaveLength(16);
    expect(names(existing()).filter((n: string) => n.includes("-r"))).toEqual(["orders-r0", "orders-r1"]);
    expect(names(existing(5)).filter((n: string) => n.includes("-m"))).toHaveLength(5);
    const multiAzCluster = synthesize((c) => {
      c.provider.network = EXISTING_NETWORK;
      c.provider.database = { engine: "mysql", existing: { clusterIdentifier: "orders-prod" } };
      c.consumers[0].providerAzIds = ["use1-az1", "use1-az2"];
    }).json.provider;
    expect(names(multiAzCluster).filter((n: string) => n.includes("-m"))).toHaveLength(6);
  });

  it("keeps a writer and a reader group for a Multi-AZ instance, which Terraform owns entirely", () => {
    const { json } = synthesize((c) => (c.provider.database = { engine: "mysql", create: {} }));
    expect(
      resources(json.provider, LbTargetGroup.tfResourceType)
        .map((g) => g.name)
        .sort(),
    ).toEqual(["orders-reader", "orders-writer"]);
    const listeners = resources(json.provider, LbListener.tfResourceType);
    expect(listeners.map((l) => l.port).sort()).toEqual([3306, 3307]);
    expect(listeners.every((l) => l.lifecycle === undefined)).toBe(true);
    expect(json.provider.output.writer_target_group_arn).toBeDefined();
    expect(json.provider.output.member_ports).toBeUndefined();
  });

  it("omits the reader listener and the reader sets when ports.reader is null", () => {
    const { json } = synthesize((c) => (c.provider.ports = { writer: 3306, reader: null }));
    expect(
      resources(json.provider, LbTargetGroup.tfResourceType)
        .map((g) => g.name)
        .sort(),
    ).toEqual(["orders-fence", ...range(0, 16).map((i) => `orders-m${i}`)].sort());
    expect(json.provider.output.reader_listener_arn).toBeUndefined();
    expect(json.provider.output.reader_port).toBeUndefined();
    expect(json["consumer-app"].output.reader_address).toBeUndefined();
  });

  it("turns deletion protection on unless the config turns it off", () => {
    const { json } = synthesize((c) => {
      delete c.provider.database.create.deletionProtection;
      delete c.provider.loadBalancer;
    });
    expect(resources(json.provider, RdsCluster.tfResourceType)[0]).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "orders-final",
    });
    expect(resources(json.provider, Lb.tfResourceType)[0].enable_deletion_protection).toBe(true);
  });

  it("creates a Multi-AZ instance for mysql and postgres", () => {
    const { text, json } = synthesize((c) => {
      c.provider.database = { engine: "postgres", create: {} };
      c.provider.ports = {};
    });
    expect(text.provider).toHaveResourceWithProperties(DbInstance, {
      engine: "postgres",
      multi_az: true,
      storage_encrypted: true,
      manage_master_user_password: true,
      publicly_accessible: false,
    });
    expect(
      resources(json.provider, LbListener.tfResourceType)
        .map((l) => l.port)
        .sort(),
    ).toEqual([5432, 5433]);
  });

  it("looks up an existing cluster and opens its security group to the NLB", () => {
    const { text, json } = synthesize((c) => {
      c.provider.network = EXISTING_NETWORK;
      c.provider.database = {
        engine: "aurora-postgresql",
        existing: { clusterIdentifier: "orders-prod", securityGroupId: "sg-0123456789abcdef0" },
      };
      c.provider.ports = {};
      c.consumers[0].providerAzIds = ["use1-az1", "use1-az2"];
    });
    expect(text.provider).toHaveDataSourceWithProperties(DataAwsRdsCluster, { cluster_identifier: "orders-prod" });
    expect(dataSources(json.provider, DataAwsSubnet.tfResourceType)).toHaveLength(2);
    expect(resources(json.provider, RdsCluster.tfResourceType)).toHaveLength(0);
    const rule = resources(json.provider, VpcSecurityGroupIngressRule.tfResourceType).find(
      (r) => r.security_group_id === "sg-0123456789abcdef0",
    );
    expect(rule).toMatchObject({ ip_protocol: "tcp" });
    expect(rule.from_port).toContain("data.aws_rds_cluster.Database_Cluster");
    expect(resources(json.provider, LbTargetGroup.tfResourceType)[0].port).toContain(
      "data.aws_rds_cluster.Database_Cluster",
    );
  });

  it("adds one accepter per endpoint id and starts private DNS verification", () => {
    const { text, json } = synthesize((c) => {
      c.provider.sharing.acceptEndpointIds = ["vpce-0123456789abcdef0", "vpce-0123456789abcdef1"];
      c.provider.sharing.privateDnsName = "orders.db.example.com";
      c.provider.sharing.supportedRegions = ["us-west-2"];
    });
    expect(resources(json.provider, VpcEndpointConnectionAccepter.tfResourceType)).toHaveLength(2);
    expect(text.provider).toHaveResourceWithProperties(VpcEndpointService, {
      private_dns_name: "orders.db.example.com",
      supported_regions: ["us-west-2"],
    });
    expect(text.provider).toHaveResource(VpcEndpointServicePrivateDnsVerification);
    expect(json.provider.output.private_dns_verification_record).toBeDefined();
  });

  it("adds one allowed-principal resource per principal, keyed by the principal", () => {
    const { stacks, json } = synthesize((c) => {
      c.provider.sharing.allowedPrincipals = ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:role/app"];
    });
    expect(resources(json.provider, VpcEndpointServiceAllowedPrincipal.tfResourceType)).toHaveLength(2);
    const share = stacks.provider.share;
    if (!(share instanceof EndpointServiceProviderShare))
      throw new Error(`the demo shares through ${share.transport}, not endpoint-service`);
    const ids = share.endpointService.node.children
      .map((c) => c.node.id)
      .filter((id) => id.startsWith("AllowedPrincipal"));
    expect(ids).toEqual(["AllowedPrincipal-222222222222-root", "AllowedPrincipal-333333333333-role-app"]);
  });
});

describe("the bundle in the synthesized stack", () => {
  it("is one minified index.js", () => {
    const { stacks } = synthesize();
    const dir = path.join(stacks.app.outdir, "stacks", "provider", "assets");
    const [assetDir] = readdirSync(dir);
    const [hashDir] = readdirSync(path.join(dir, assetDir));
    const files = readdirSync(path.join(dir, assetDir, hashDir));
    expect(files).toEqual(["index.js"]);
    const file = path.join(dir, assetDir, hashDir, "index.js");
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });
});
