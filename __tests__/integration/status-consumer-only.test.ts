// npm run status of a consumer-only config (examples/consumer-self-service, moved into the
// emulator's account) against a real emulator (moto server), with the consumer's credentials
// only: the live descriptor read by its ARN and compared with the saved copy, then the consumer's
// interface endpoint and its AZ IDs. The state is a local file holding the stack's outputs.
import { CreateSubnetCommand, CreateVpcCommand, CreateVpcEndpointCommand, EC2Client } from "@aws-sdk/client-ec2";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ConsumerOnlyConfig } from "../../config/consumer-only";
import { isConsumerOnlyConfig, loadAnyConfigFile } from "../../config/load";
import { checkConsumerOnly } from "../../scripts/status/consumer-only";
import type { Finding } from "../../scripts/status/diagnose";
import { jsonError, startAnsweringProxy } from "../support/answering-proxy";
import { HANG_GUARD_MS } from "../support/limits";
import { type Moto, startMoto } from "../support/moto";
import { ssmCall } from "../support/ssm";
import { clientConfig, REGION } from "../support/world";

jest.setTimeout(120_000);

const ACCOUNT = "123456789012"; // moto's
const EXAMPLE = path.resolve(__dirname, "../../examples/consumer-self-service");
const NAME = "/rds-privatelink/orders/descriptor";
const ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${NAME}`;

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => moto?.stop());

/** One call of the SSM API to the emulator, as the provider stack's apply writes the parameter. */
const ssm = (action: string, body: unknown) => ssmCall(moto.url, REGION, action, body);

const saved = JSON.parse(readFileSync(path.join(EXAMPLE, "descriptors", "orders.json"), "utf8"));
const value = JSON.parse(saved.Parameter.Value);
const publish = (v: unknown) =>
  ssm("PutParameter", {
    Name: NAME,
    Value: JSON.stringify(v),
    Type: "SecureString",
    Tier: "Advanced",
    Overwrite: true,
  });

interface Deployed {
  readonly config: ConsumerOnlyConfig;
  readonly configFile: string;
  readonly outdir: string;
  readonly endpointId: string;
  readonly azId: string;
}

/** The example's config and saved copy in the emulator's account, the consumer's endpoint, and the state its apply would leave. */
async function deploy(): Promise<Deployed> {
  await moto.reset();
  const outdir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-status-own-"));
  writeFileSync(
    path.join(outdir, "orders.json"),
    JSON.stringify({ Parameter: { ...saved.Parameter, Name: ARN, ARN } }, null, 2),
  );
  const input = JSON.parse(readFileSync(path.join(EXAMPLE, "config.json"), "utf8"));
  delete input.$schema;
  input.consumer.account = { region: REGION, accountId: ACCOUNT, endpoint: moto.url };
  input.consumer.backend = { type: "local", path: "../../consumer-reports.tfstate" };
  input.consumer.shares[0].descriptor = "orders.json";
  const configFile = path.join(outdir, "config.json");
  writeFileSync(configFile, JSON.stringify(input));
  const config = loadAnyConfigFile(configFile);
  if (!isConsumerOnlyConfig(config)) throw new Error("not a consumer-only config");

  const ec2 = new EC2Client(clientConfig(moto.url));
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.40.0.0/16" }))).Vpc!.VpcId!;
  const subnet = (
    await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: "10.40.0.0/24", AvailabilityZone: `${REGION}a` }))
  ).Subnet!;
  const endpointId = (
    await ec2.send(
      new CreateVpcEndpointCommand({
        VpcId: vpc,
        VpcEndpointType: "Interface",
        ServiceName: value.endpointService.serviceName,
        SubnetIds: [subnet.SubnetId!],
      }),
    )
  ).VpcEndpoint!.VpcEndpointId!;
  writeFileSync(
    path.join(outdir, "consumer-reports.tfstate"),
    JSON.stringify({
      outputs: {
        endpoint_id: { value: endpointId },
        writer_address: { value: `${value.database.names.writer}:3306` },
        reader_address: { value: `${value.database.names.reader}:3307` },
      },
    }),
  );
  return { config, configFile, outdir, endpointId, azId: subnet.AvailabilityZoneId! };
}

const verdicts = (findings: Finding[]) =>
  findings.map((f) => `${f.stack} | ${f.skipped ? "skip" : f.ok ? "ok" : "FAIL"} | ${f.check}`);

describe("status of a consumer-only config, with the consumer account's settings only (the emulator has one account)", () => {
  let d: Deployed;
  const check = () => checkConsumerOnly(d.config, { configFile: "config.json", outdir: d.outdir });
  beforeAll(async () => {
    d = await deploy();
  });

  it("reads the descriptor by its ARN, finds the saved copy's shape, and checks the endpoint and its AZ IDs against the descriptor's", async () => {
    await publish({ ...value, azIds: [d.azId] });
    const findings = await check();
    expect(verdicts(findings)).toEqual([
      "consumer-reports | ok | share descriptor",
      `consumer-reports | ok | interface endpoint ${d.endpointId}`,
      "consumer-reports | ok | AZ IDs of interface endpoint",
      "consumer-reports | ok | database names",
    ]);
    expect(findings[0].detail).toBe("schema 1.0, the shape of orders.json");
  });

  it("says the stack must be applied again when the provider's database names changed since its last apply", async () => {
    const moved = "orders-2.cluster-c9akciq32x1y.us-east-1.rds.amazonaws.com";
    await publish({
      ...value,
      azIds: [d.azId],
      database: { ...value.database, names: { ...value.database.names, writer: moved } },
    });
    const names = (await check()).find((f) => f.check === "database names");
    expect(names).toEqual({
      stack: "consumer-reports",
      check: "database names",
      ok: false,
      detail: `writer_address names ${value.database.names.writer}; the descriptor names ${moved} now`,
      fix: "apply this stack again (npm run synth -- config.json, then plan and apply): its plan reads the names from the descriptor",
    });
  });

  it("says the next plan stops when the provider changed the share's shape since the copy was saved, and how to save it again", async () => {
    await publish({ ...value, azIds: [d.azId], ports: { ...value.ports, reader: 3308 } });
    const [descriptor] = await check();
    expect(descriptor).toEqual({
      stack: "consumer-reports",
      check: "share descriptor",
      ok: false,
      detail:
        "the provider changed the share: ports.reader is 3308 now, 3307 in orders.json; the next plan stops on it",
      fix: `save it again (aws ssm get-parameter --with-decryption --region ${REGION} --name ${ARN} > orders.json), synthesize and apply this stack`,
    });
  });

  it("judges the endpoint's AZ IDs against the live descriptor's, where the provider serves now", async () => {
    await publish({ ...value, azIds: ["use1-az9"] });
    const findings = await check();
    expect(findings.find((f) => f.check === "AZ IDs of interface endpoint")).toMatchObject({
      ok: false,
      detail: `${d.azId}; the provider serves use1-az9 (not served: ${d.azId})`,
    });
  });

  it("says the share is not deployed or moved when the parameter is gone, and still checks the endpoint", async () => {
    await ssm("DeleteParameter", { Name: NAME });
    const findings = await check();
    expect(findings[0]).toMatchObject({
      check: "share descriptor",
      ok: false,
      detail: expect.stringMatching(
        new RegExp(
          `^cannot read ${ARN.replace(/[/.]/g, "\\$&")} with this account's credentials \\(ParameterNotFound: `,
        ),
      ),
      fix: expect.stringMatching(
        /^the provider's share is not deployed, or its descriptor has another ARN now: ask the provider's team for its descriptor_arn output, then save it \(aws ssm get-parameter/,
      ),
    });
    expect(verdicts(findings).slice(1)).toEqual([
      `consumer-reports | ok | interface endpoint ${d.endpointId}`,
      "consumer-reports | FAIL | AZ IDs of interface endpoint",
    ]);
  });

  it("names the account and the provider's settings that give it the descriptor when SSM denies the read (AccessDeniedException answered in SSM's documented error shape by a proxy: the emulator has one account and denies nothing)", async () => {
    const proxy = await startAnsweringProxy(moto.url, {
      "AmazonSSM.GetParameter": jsonError(
        "AccessDeniedException",
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/reports-deploy/ci is not authorized to perform: ssm:GetParameter on resource: ${ARN}`,
      ),
    });
    try {
      const denied = {
        ...d.config,
        consumer: { ...d.config.consumer, account: { ...d.config.consumer.account, endpoint: proxy.url } },
      };
      const [descriptor] = await checkConsumerOnly(denied, { configFile: "config.json", outdir: d.outdir });
      expect(proxy.answered).toEqual(["AmazonSSM.GetParameter"]);
      expect(descriptor).toMatchObject({
        ok: false,
        detail: expect.stringContaining("(AccessDeniedException: User: arn:aws:sts::"),
        fix: `the provider's team gives account ${ACCOUNT} the descriptor (an IAM ARN of it in sharing.allowedPrincipals, or the account, its OU or the organization in sharing.descriptorReaders) and deploys; outside its organization, accept the RAM invitation; this account's role needs ssm:GetParameter on the ARN and kms:Decrypt; then run again`,
      });
    } finally {
      await proxy.close();
    }
  });

  it("runs as npm run status runs it: the same checks, and exit 0 when all pass", async () => {
    await publish({ ...value, azIds: [d.azId] });
    const r = spawnSync(
      process.execPath,
      [
        "--require",
        require.resolve("tsx/cjs"),
        path.resolve(__dirname, "../../scripts/status.ts"),
        d.configFile,
        "--output",
        d.outdir,
      ],
      { encoding: "utf8", timeout: HANG_GUARD_MS, cwd: d.outdir },
    );
    expect({ status: r.status, last: r.stdout.trim().split("\n").pop() }).toEqual({
      status: 0,
      last: "Healthy: 4 checks passed.",
    });
  });
});
