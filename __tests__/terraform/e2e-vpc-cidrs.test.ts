// Every CIDR of an existing VPC, through the real CLI against moto: the Network construct reads
// the VPC's associated blocks at plan time, the function's allowed CIDRs list all of them, and
// a rule over the secondary blocks (for_each) applies on the first plan, with the VPC looked up
// by its literal id.
import {
  AssociateVpcCidrBlockCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { addAwsProvider } from "../../stacks/aws";
import { egressToDatabase } from "../../stacks/constructs/database-egress";
import { Network } from "../../stacks/constructs/network";
import { type Moto, startMoto } from "../support/moto";
import { clientConfig } from "../support/world";
import { mustRun, toolchain } from "./toolchain";

jest.setTimeout(300_000);

let moto: Moto;

beforeAll(async () => {
  toolchain();
  moto = await startMoto();
});

afterAll(async () => moto?.stop());

it("honours a database in the existing VPC's secondary CIDR: allowed, and reached by the egress fallback", async () => {
  const ec2 = new EC2Client(clientConfig(moto.url));
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }))).Vpc!.VpcId!;
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: "100.64.0.0/16" }));
  const subnetIds = await Promise.all(
    ["10.0.0.0/24", "100.64.0.0/24"].map(
      async (cidr, i) =>
        (
          await ec2.send(
            new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: `us-east-1${"ab"[i]}` }),
          )
        ).Subnet!.SubnetId!,
    ),
  );
  const sgId = (
    await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: "front", Description: "what fronts the database", VpcId: vpcId }),
    )
  ).GroupId!;

  const outdir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-cidrs-"));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "cidrs");
  // State stays in the temporary folder: cdktf's default local path is the working directory.
  new LocalBackend(stack, { path: path.join(outdir, "cidrs.tfstate") });
  addAwsProvider(stack, {
    account: { region: "us-east-1", endpoint: moto.url },
    name: "orders",
    stackName: "cidrs",
    tags: {},
  });
  const network = new Network(stack, "Network", {
    config: { existing: { vpcId, subnetIds } },
    namePrefix: "orders",
    nameScope: { share: "orders", region: "us-east-1" },
    kmsKeyArn: "unused",
  });
  egressToDatabase(stack, {
    securityGroupId: sgId,
    databasePort: 5432,
    vpcCidr: network.vpcCidr,
    secondaryCidrs: network.secondaryCidrs,
    description: "database port",
  });
  new TerraformOutput(stack, "vpc_cidrs", { value: network.vpcCidrs });
  app.synth();

  const dir = path.join(outdir, "stacks", "cidrs");
  mustRun(dir, ["init", "-input=false", "-no-color"]);
  mustRun(dir, ["apply", "-auto-approve", "-input=false", "-no-color"]);
  expect(JSON.parse(mustRun(dir, ["output", "-json", "vpc_cidrs"]).stdout)).toEqual(["10.0.0.0/16", "100.64.0.0/16"]);
  const rules =
    (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [sgId] }] })))
      .SecurityGroupRules ?? [];
  const egress = rules
    .filter((r) => r.IsEgress && r.FromPort === 5432)
    .map((r) => r.CidrIpv4)
    .sort();
  expect(egress).toEqual(["10.0.0.0/16", "100.64.0.0/16"]);
  // A second plan sees nothing to change: the blocks are read the same way every time.
  expect(mustRun(dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"]).status).toBe(0);
});
