// npm run e2e: one config with several shares, deployed to moto with the toolchain's real CLI and
// provider binaries. Two endpoint-service shares: `orders`, an Aurora MySQL cluster the stack
// creates, and `billing`, an existing Aurora PostgreSQL cluster made in moto beforehand. One
// consumer reaches both. Then: no-changes plans, each share's outputs under its own names, the
// consumer's per-share outputs on the right share, and a destroy that leaves nothing of ours
// (and the existing cluster where it was).
//
// The resource transport is not deployed here: moto implements none of its APIs (VPC Lattice
// resource gateways and configurations, RAM associations; docs/emulator-gaps.md). It is proven
// by the validate and checkov tiers, examples/platform-catalogue among them.
import { CreateSecurityGroupCommand, DescribeSecurityGroupRulesCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { validateConfig } from "../../config/load";
import { buildApp } from "../../stacks/app";
import { WHOLE_CONFIG_OUTPUTS } from "../../stacks/outputs";
import { type Moto, startMoto } from "../support/moto";
import { clientConfig } from "../support/world";
import type { Json } from "../helpers";
import { forEmulator } from "./emulator";
import { leftovers } from "./leftovers";
import { copyStack, destroy, mustRun, output, outputs, runAsync, toolchain, withoutArchive } from "./toolchain";

jest.setTimeout(900_000);

const ACCOUNT = "123456789012"; // moto's account
const CONFIG_NAME = "catalogue";
/** The existing cluster of the billing share, made in moto before the deploy: not ours. */
const BILLING_CLUSTER = "billing-prod";
/** Its members sit in us-east-1b and us-east-1c: use1-az1 and use1-az2 in moto, the zones the NLB enables. */
const BILLING_MEMBERS: Array<[string, string]> = [
  ["billing-prod-1", "us-east-1b"],
  ["billing-prod-2", "us-east-1c"],
];

let moto: Moto;
let work: string;
let billingSecurityGroup: string;
let providerDir: string;
let consumerDir: string;

const archiveMissing = () => toolchain().missing.includes("archive");
// moto serves requests from one process; fewer concurrent calls keep it responsive.
const PARALLELISM = "-parallelism=4";

function sharesConfig(endpoint: string): Json {
  const account = (accountId: string) => ({ region: "us-east-1", endpoint, accountId });
  const network = (cidr: string) => ({ create: { cidr, azIds: ["use1-az1", "use1-az2"] } });
  const sharing = { allowedPrincipals: [`arn:aws:iam::${ACCOUNT}:root`] };
  return {
    name: CONFIG_NAME,
    tags: { environment: "e2e" },
    provider: {
      account: account(ACCOUNT),
      // Absolute state paths: the consumer's remote state reads the provider's from here.
      backend: { type: "local", path: path.join(work, "provider.tfstate") },
      network: network("10.20.0.0/16"),
      shares: [
        {
          name: "orders",
          database: {
            engine: "aurora-mysql",
            create: { instanceClass: "db.t4g.medium", readers: 1, deletionProtection: false },
          },
          ports: { writer: 3306, reader: 3307 },
          loadBalancer: { deletionProtection: false },
          sharing,
        },
        {
          name: "billing",
          database: {
            engine: "aurora-postgresql",
            existing: { clusterIdentifier: BILLING_CLUSTER, securityGroupId: billingSecurityGroup },
          },
          ports: { writer: 5432, reader: 5433 },
          loadBalancer: { deletionProtection: false },
          sharing,
        },
      ],
    },
    consumers: [
      {
        name: "app",
        account: account(ACCOUNT),
        backend: { type: "local", path: path.join(work, "consumer-app.tfstate") },
        network: network("10.0.0.0/16"),
        allowedCidrs: ["10.0.0.0/16"],
        shares: [{ name: "orders", privateZone: { name: "orders.catalogue.internal" } }, "billing"],
      },
    ],
  };
}

function outputNames(dir: string): string[] {
  return Object.keys(outputs(dir)).sort();
}

/** A stack directory of the synthesized app, ready for the emulator, initialized in a private copy. */
function prepared(synthDir: string, stack: string): string {
  const synthesized = path.join(synthDir, "stacks", stack);
  if (archiveMissing()) withoutArchive(synthesized);
  forEmulator(synthesized);
  const dir = copyStack(synthesized);
  mustRun(dir, ["init", "-input=false", "-no-color"]);
  return dir;
}

const rds = () => new RDSClient(clientConfig(moto.url));
const ec2 = () => new EC2Client(clientConfig(moto.url));

beforeAll(async () => {
  toolchain();
  work = mkdtempSync(path.join(tmpdir(), "rds-privatelink-e2e-shares-"));
  moto = await startMoto();
  // See docs/emulator-gaps.md: moto answers Invoke without Docker this way.
  await fetch(`${moto.url}/moto-api/config`, {
    method: "POST",
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  // The billing database as its team runs it: a cluster of two in the default VPC, with its own security group.
  billingSecurityGroup = (
    await ec2().send(new CreateSecurityGroupCommand({ GroupName: "billing-db", Description: "the billing database" }))
  ).GroupId!;
  await rds().send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: BILLING_CLUSTER,
      Engine: "aurora-postgresql",
      Port: 5432,
      MasterUsername: "dbadmin",
      MasterUserPassword: "not-a-secret-1",
    }),
  );
  for (const [id, zone] of BILLING_MEMBERS) {
    await rds().send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        DBClusterIdentifier: BILLING_CLUSTER,
        Engine: "aurora-postgresql",
        DBInstanceClass: "db.r6g.large",
        AvailabilityZone: zone,
      }),
    );
  }
});

afterAll(async () => moto?.stop());

const withoutArchiveNote = () =>
  archiveMissing() ? " (archive_file left out: hashicorp/archive 2.7.1 cannot be installed here)" : "";

describe(`several shares deployed to moto with ${toolchain().cliName}`, () => {
  it(`applies the provider stack of two endpoint-service shares, a created and an existing cluster${withoutArchiveNote()}`, () => {
    const app = new App({ outdir: path.join(work, "synth") });
    const stacks = buildApp(validateConfig(sharesConfig(moto.url)), app);
    expect(stacks.consumers.map((c) => c.node.id)).toEqual(["consumer-app"]);
    app.synth();
    providerDir = prepared(app.outdir, "provider");
    const plan = mustRun(providerDir, ["plan", "-input=false", "-no-color", "-out=tfplan"]);
    // The existing cluster is read once, by its own lookup, at plan time. Its members are read by
    // the zone check once the created subnets' zones are known: during apply.
    expect(plan.stdout.match(/data\.aws_rds_cluster\.\S+: Read complete/g)).toEqual([
      expect.stringMatching(/^data\.aws_rds_cluster\.billing_Database_Cluster_/),
    ]);
    const memberIds = (text: string, suffix: string) =>
      [
        ...text.matchAll(
          new RegExp(`data\\.aws_db_instance\\.billing_DatabaseZones_Member_\\w+\\["([\\w-]+)"\\]${suffix}`, "g"),
        ),
      ]
        .map((m) => m[1])
        .sort();
    const ids = BILLING_MEMBERS.map(([id]) => id);
    expect(memberIds(plan.stdout, " will be read during apply")).toEqual(ids);
    const apply = mustRun(providerDir, ["apply", "-input=false", "-no-color", PARALLELISM, "tfplan"]);
    expect(apply.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    expect(memberIds(apply.stdout, ": Read complete")).toEqual(ids);
    consumerDir = prepared(app.outdir, "consumer-app");
  });

  it("names each share's outputs after it, each with its own endpoint service and database", () => {
    const names = outputNames(providerDir);
    for (const share of ["orders", "billing"]) {
      for (const o of [
        "service_name",
        "service_id",
        "writer_name",
        "reader_name",
        "writer_port",
        "reader_port",
        "database_identifier",
        "failover_function_name",
        "az_ids",
      ]) {
        expect(names).toContain(`${share}_${o}`);
      }
    }
    // No output of the single-database form: every one belongs to a share, but the whole config's own (the dashboard of every share).
    const whole = WHOLE_CONFIG_OUTPUTS.map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(whole));
    expect(
      names.filter((n) => !/^(orders|billing)_/.test(n) && !n.startsWith("cross-stack-output-") && !whole.includes(n)),
    ).toEqual([]);
    expect(output(providerDir, "catalogue_dashboard_name")).toBe("catalogue-privatelink-us-east-1");
    const services = ["orders", "billing"].map((s) => output(providerDir, `${s}_service_name`));
    for (const s of services) expect(s).toMatch(/^com\.amazonaws\.vpce\.us-east-1\.vpce-svc-/);
    expect(new Set(services).size).toBe(2);
    expect(output(providerDir, "orders_database_identifier")).toBe(`${CONFIG_NAME}-orders`);
    expect(output(providerDir, "billing_database_identifier")).toBe(BILLING_CLUSTER);
    expect([output(providerDir, "orders_writer_port"), output(providerDir, "billing_writer_port")]).toEqual([
      3306, 5432,
    ]);
    expect(output(providerDir, "billing_writer_name")).toMatch(/^billing-prod\.cluster-/);
    expect(output(providerDir, "orders_failover_function_name")).not.toBe(
      output(providerDir, "billing_failover_function_name"),
    );
    expect(output(providerDir, "billing_az_ids")).toEqual(["use1-az1", "use1-az2"]);
  });

  it("admits the billing NLB on the existing cluster's security group, and nothing else of the created share there", async () => {
    const rules =
      (
        await ec2().send(
          new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [billingSecurityGroup] }] }),
        )
      ).SecurityGroupRules ?? [];
    const ingress = rules.filter((r) => !r.IsEgress);
    expect(ingress.map((r) => [r.FromPort, r.ToPort])).toEqual([[5432, 5432]]);
    expect(ingress[0].ReferencedGroupInfo?.GroupId).toContain(output(providerDir, "billing_nlb_security_group_id"));
  });

  it("deploys a consumer reaching both shares, its service names read from the provider's state", () => {
    const apply = mustRun(consumerDir, ["apply", "-auto-approve", "-input=false", "-no-color", PARALLELISM]);
    expect(apply.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    const state = JSON.parse(mustRun(consumerDir, ["show", "-json"]).stdout);
    const endpoints: Json[] = state.values.root_module.resources.filter((r: Json) => r.type === "aws_vpc_endpoint");
    expect(endpoints).toHaveLength(2);
    for (const share of ["orders", "billing"]) {
      const endpoint = endpoints.find((e) => e.values.id === output(consumerDir, `${share}_endpoint_id`));
      expect({ share, service: endpoint?.values.service_name }).toEqual({
        share,
        service: output(providerDir, `${share}_service_name`),
      });
    }
    // Verifying clients connect by each database's own name, on that share's ports.
    expect(output(consumerDir, "orders_writer_address")).toBe(`${output(providerDir, "orders_writer_name")}:3306`);
    expect(output(consumerDir, "billing_writer_address")).toBe(`${output(providerDir, "billing_writer_name")}:5432`);
    expect(output(consumerDir, "billing_reader_address")).toBe(`${output(providerDir, "billing_reader_name")}:5433`);
    // The private zone is the orders share's alone.
    expect(output(consumerDir, "orders_friendly_writer_address")).toBe("writer.orders.catalogue.internal:3306");
    expect(outputNames(consumerDir)).not.toContain("billing_friendly_writer_address");
  });

  // Both plans at once: each only reads, and each waits mostly on its refresh.
  it("plans no changes for the provider and the consumer-app stack right after apply", async () => {
    const plans = await Promise.all(
      [
        ["provider", providerDir],
        ["consumer-app", consumerDir],
      ].map(async ([stack, dir]) => {
        const plan = await runAsync(dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"]);
        const changes = plan.stdout.split("\n").filter((l) => /^\s+# .* (will|must) be|^\s+[~+-] /.test(l));
        return { stack, exit: plan.status, changes, errors: plan.stderr };
      }),
    );
    expect(plans).toEqual(["provider", "consumer-app"].map((stack) => ({ stack, exit: 0, changes: [], errors: "" })));
  });

  it("destroys both stacks, leaves nothing of ours in the emulator, and keeps the existing cluster", async () => {
    destroy(consumerDir, PARALLELISM);
    destroy(providerDir, PARALLELISM);
    for (const dir of [consumerDir, providerDir]) {
      expect(JSON.parse(mustRun(dir, ["show", "-json"]).stdout).values).toBeUndefined();
    }
    expect(await leftovers(moto.url, new RegExp(`${CONFIG_NAME}|orders`))).toEqual([]);
    const cluster = (await rds().send(new DescribeDBClustersCommand({ DBClusterIdentifier: BILLING_CLUSTER })))
      .DBClusters![0];
    expect(cluster.DBClusterMembers!.map((m) => m.DBInstanceIdentifier).sort()).toEqual(
      BILLING_MEMBERS.map(([id]) => id),
    );
    const rules =
      (
        await ec2().send(
          new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [billingSecurityGroup] }] }),
        )
      ).SecurityGroupRules ?? [];
    expect(rules.filter((r) => !r.IsEgress)).toEqual([]);
  });
});
