// The zone check of an existing database, through the real CLI against moto: the plan reads the
// cluster once (the database's own lookup), reads every member, and stops on a member or an
// instance in a zone the NLB's subnets do not cover, naming it and its zone; with every member
// in a covered zone it plans.
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } from "@aws-sdk/client-rds";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { addAwsProvider } from "../../stacks/aws";
import { ExistingDatabase } from "../../stacks/constructs/database-existing";
import { DatabaseZones } from "../../stacks/constructs/database-zones";
import { Network } from "../../stacks/constructs/network";
import { type Moto, startMoto } from "../support/moto";
import { clientConfig } from "../support/world";
import { mustRun, run, toolchain } from "./toolchain";

jest.setTimeout(300_000);

let moto: Moto;
let vpcId: string;
/** Subnets in us-east-1a and us-east-1b: us-east-1c is a zone the NLB would not enable. */
let subnetIds: string[];

beforeAll(async () => {
  toolchain();
  moto = await startMoto();
  const ec2 = new EC2Client(clientConfig(moto.url));
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
  subnetIds = await Promise.all(
    ["a", "b"].map(
      async (zone, i) =>
        (
          await ec2.send(
            new CreateSubnetCommand({
              VpcId: vpcId,
              CidrBlock: `10.0.${i}.0/24`,
              AvailabilityZone: `us-east-1${zone}`,
            }),
          )
        ).Subnet!.SubnetId!,
    ),
  );
  const rds = new RDSClient(clientConfig(moto.url));
  const cluster = async (id: string, zones: string[]) => {
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: id,
        Engine: "aurora-postgresql",
        MasterUsername: "dbadmin",
        MasterUserPassword: "not-a-secret-1",
      }),
    );
    for (const [i, zone] of zones.entries()) {
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${id}-${i + 1}`,
          DBClusterIdentifier: id,
          Engine: "aurora-postgresql",
          DBInstanceClass: "db.r6g.large",
          AvailabilityZone: `us-east-1${zone}`,
        }),
      );
    }
  };
  await cluster("in-zones", ["a", "b"]);
  await cluster("one-astray", ["a", "b", "c"]);
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: "astray-db",
      Engine: "postgres",
      DBInstanceClass: "db.t4g.medium",
      AllocatedStorage: 20,
      MasterUsername: "dbadmin",
      MasterUserPassword: "not-a-secret-1",
      AvailabilityZone: "us-east-1c",
    }),
  );
});

afterAll(async () => moto?.stop());

/** `plan` of the existing network, the existing database and its zone check, as the provider stack composes them. */
function plan(existing: { clusterIdentifier?: string; instanceIdentifier?: string }) {
  const outdir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-zones-"));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "zones");
  // State stays in the temporary folder: cdktf's default local path is the working directory.
  new LocalBackend(stack, { path: path.join(outdir, "zones.tfstate") });
  addAwsProvider(stack, {
    account: { region: "us-east-1", endpoint: moto.url },
    name: "orders",
    stackName: "zones",
    tags: {},
  });
  const network = new Network(stack, "Network", {
    config: { existing: { vpcId, subnetIds } },
    namePrefix: "orders",
    nameScope: { share: "orders", region: "us-east-1" },
    kmsKeyArn: "unused",
  });
  new DatabaseZones(stack, "DatabaseZones", {
    database: new ExistingDatabase(stack, "Database", { existing }),
    network,
  });
  app.synth();
  const dir = path.join(outdir, "stacks", "zones");
  mustRun(dir, ["init", "-input=false", "-no-color"]);
  const r = run(dir, ["plan", "-input=false", "-no-color"]);
  // The CLI wraps long messages: one line per message, for matching.
  return { ...r, stderr: r.stderr.replace(/[│╷╵]/g, "").replace(/\s+/g, " ") };
}

it("plans a cluster whose members all sit in the NLB's zones, reading the cluster once", () => {
  const r = plan({ clusterIdentifier: "in-zones" });
  expect({ status: r.status, stderr: r.stderr.trim() }).toEqual({ status: 0, stderr: "" });
  expect(r.stdout.match(/data\.aws_rds_cluster\.\S+: Read complete/g)).toEqual([
    expect.stringMatching(/^data\.aws_rds_cluster\.Database_Cluster_/),
  ]);
  expect(
    r.stdout.match(/data\.aws_db_instance\.DatabaseZones_Member_\w+\["in-zones-\d"\]: Read complete/g),
  ).toHaveLength(2);
});

it("stops the plan on a cluster member in a zone the NLB does not enable, naming the member and its zone", () => {
  const r = plan({ clusterIdentifier: "one-astray" });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("Resource postcondition failed");
  expect(r.stderr).toContain("data.aws_db_instance.DatabaseZones_Member_");
  expect(r.stderr).toContain(
    "Member one-astray-3 of cluster one-astray (zone us-east-1c) is in an Availability Zone the load balancer does not enable",
  );
  expect(r.stderr).not.toMatch(/one-astray-[12] /);
});

it("stops the plan on an existing instance in a zone the NLB does not enable", () => {
  const r = plan({ instanceIdentifier: "astray-db" });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("data.aws_db_instance.DatabaseZones_Instance_");
  expect(r.stderr).toContain(
    "Instance astray-db (zone us-east-1c) is in an Availability Zone the load balancer does not enable",
  );
});
