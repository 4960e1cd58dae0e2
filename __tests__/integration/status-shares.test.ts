// npm run status of a config with two shares, against a real emulator (moto server) and the
// loopback DNS server: billing, an Aurora PostgreSQL cluster behind the endpoint service (its
// load balancer's groups and listeners, its function's log and queue), and inventory, a Multi-AZ
// MySQL instance behind a resource gateway. storefront reaches both, analytics inventory only.
// The states are local files holding each share's outputs under its names, as the synthesized
// stacks declare them (<share>_<output>).
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client, RegisterTargetsCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { CreateDBInstanceCommand, RDSClient } from "@aws-sdk/client-rds";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { validateConfig } from "../../config/load";
import { checkShare, formatFindings } from "../../scripts/status";
import type { Finding } from "../../scripts/status/diagnose";
import { type AnsweringProxy, startAnsweringProxy, vpcEndpointConnections } from "../support/answering-proxy";
import { type DnsServer, startDns } from "../support/dns";
import { type Moto, startMoto } from "../support/moto";
import { clientConfig, createClusterWorld, instanceAddress, REGION } from "../support/world";

jest.setTimeout(120_000);

let moto: Moto;
let dns: DnsServer;
beforeAll(async () => {
  [moto, dns] = await Promise.all([startMoto(), startDns()]);
});
afterAll(async () => Promise.all([moto?.stop(), dns?.close()]));

const CATALOGUE = path.resolve(__dirname, "../../examples/platform-catalogue/config.json");
const A = { instance: "billing-prod-1", ip: "10.20.0.10" };
const B = { instance: "billing-prod-2", ip: "10.20.16.10" };
const INVENTORY_IP = "10.20.0.30";
const PG = 5432;

interface Deployed {
  readonly outdir: string;
  readonly configFile: string;
  /** The AZ ID of the consumers' endpoint subnet, as moto names it. */
  readonly azId: string;
  /** The consumers' endpoint ids, as their states hold them. */
  readonly endpoints: {
    readonly storefrontBilling: string;
    readonly storefrontInventory: string;
    readonly analyticsInventory: string;
  };
}

/** The two shares' AWS resources in moto, and the states a deploy would have left. */
async function deploy(): Promise<Deployed> {
  await moto.reset();
  dns.records.clear();
  const url = moto.url;
  // billing: two members, three slots (failover.memberSlots 3); the writer A in slot 0, the reader B in slot 1.
  const world = await createClusterWorld(url, dns, {
    cluster: "billing-prod",
    engine: "aurora-postgresql",
    members: { [A.instance]: A.ip, [B.instance]: B.ip },
    slots: 3,
  });
  const elb = new ElasticLoadBalancingV2Client(clientConfig(url));
  const register = (arn: string, ...ips: string[]) =>
    elb.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: ips.map((Id) => ({ Id, Port: PG })) }));
  await register(world.memberGroups[0], A.ip);
  await register(world.memberGroups[1], B.ip);
  await register(world.readerSetGroups[0], B.ip);
  await register(world.readerSetGroups[1], A.ip);
  await register(world.readerSetGroups[2], A.ip, B.ip);
  const fn = "platform-billing-failover-sync";
  const logs = new CloudWatchLogsClient(clientConfig(url));
  await logs.send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${fn}` }));
  await logs.send(
    new CreateLogStreamCommand({ logGroupName: `/aws/lambda/${fn}`, logStreamName: "2026/12/02/[$LATEST]0" }),
  );
  // The function's EMF record of a run without errors, as it writes one every run.
  const emf = JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        { Namespace: "RdsPrivateLink", Dimensions: [["service"]], Metrics: [{ Name: "SyncErrors", Unit: "Count" }] },
      ],
    },
    service: "failover-sync",
    SyncErrors: 0,
  });
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: `/aws/lambda/${fn}`,
      logStreamName: "2026/12/02/[$LATEST]0",
      logEvents: [{ message: emf, timestamp: Date.now() }],
    }),
  );
  const queue = (await new SQSClient(clientConfig(url)).send(new CreateQueueCommand({ QueueName: `${fn}-dlq` })))
    .QueueUrl!;

  // inventory: one Multi-AZ instance; RDS moves its name, the resource gateway follows.
  await new RDSClient(clientConfig(url)).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: "inventory-prod",
      Engine: "mysql",
      DBInstanceClass: "db.t4g.medium",
      MultiAZ: true,
      AllocatedStorage: 20,
      MasterUsername: "dbadmin",
      ManageMasterUserPassword: true,
    }),
  );
  dns.records.set(instanceAddress("inventory-prod"), INVENTORY_IP);

  // The consumers' endpoints, in one subnet each.
  const ec2 = new EC2Client(clientConfig(url));
  const endpoint = async (cidr: string) => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    const subnet = (
      await ec2.send(
        new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr.replace("/16", "/24"), AvailabilityZone: `${REGION}a` }),
      )
    ).Subnet!;
    const create = async (service: string) =>
      (
        await ec2.send(
          new CreateVpcEndpointCommand({
            VpcId: vpc,
            VpcEndpointType: "Interface",
            ServiceName: service,
            SubnetIds: [subnet.SubnetId!],
          }),
        )
      ).VpcEndpoint!.VpcEndpointId!;
    return {
      create,
      azId:
        subnet.AvailabilityZoneId ??
        (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] }))).Subnets![0].AvailabilityZoneId!,
    };
  };
  const storefront = await endpoint("10.0.0.0/16");
  const analytics = await endpoint("10.1.0.0/16");
  const service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
  const storefrontBilling = await storefront.create(service);
  const storefrontInventory = await storefront.create("com.amazonaws.vpce.us-east-1.inventory-database");
  const analyticsInventory = await analytics.create("com.amazonaws.vpce.us-east-1.inventory-database");

  const outdir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-status-shares-"));
  const azId = storefront.azId;
  const state = (stack: string, values: Record<string, unknown>) =>
    writeFileSync(
      path.join(outdir, `${stack}.tfstate`),
      JSON.stringify({ outputs: Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value }])) }),
    );
  state("provider", {
    billing_database_identifier: "billing-prod",
    billing_database_port: PG,
    billing_az_ids: [azId],
    billing_writer_listener_arn: world.writerListenerArn,
    billing_reader_listener_arn: world.readerListenerArn,
    billing_member_target_group_arns: world.memberGroups,
    billing_reader_set_target_group_arns: world.readerSetGroups,
    billing_service_id: "vpce-svc-0123456789abcdef0",
    billing_failover_function_name: fn,
    billing_dead_letter_queue_url: queue,
    inventory_database_identifier: "inventory-prod",
    inventory_database_port: 3306,
    // The resource gateway serves another AZ than the consumers' subnets: only inventory's endpoints are wrong.
    inventory_az_ids: ["use1-az9"],
  });
  state("consumer-storefront", {
    billing_endpoint_id: storefrontBilling,
    inventory_database_endpoint_id: storefrontInventory,
  });
  state("consumer-analytics", { inventory_database_endpoint_id: analyticsInventory });

  // The catalogue without orders and warehouse, every account in the emulator, every state a local file in outdir.
  const input = JSON.parse(readFileSync(CATALOGUE, "utf8"));
  input.provider.shares = input.provider.shares.filter((s: { name: string }) => s.name !== "orders");
  input.provider.account.endpoint = url;
  input.provider.backend = { type: "local", path: "../../provider.tfstate" };
  input.consumers = input.consumers.filter((c: { name: string }) => c.name !== "warehouse");
  input.consumers[0].shares = input.consumers[0].shares.filter((s: { name: string }) => s.name !== "orders");
  input.consumers[1].shares = ["inventory"];
  for (const c of input.consumers) {
    c.account.endpoint = url;
    c.backend = { type: "local", path: `../../consumer-${c.name}.tfstate` };
  }
  const configFile = path.join(outdir, "config.json");
  writeFileSync(configFile, JSON.stringify(input));
  return { outdir, configFile, azId, endpoints: { storefrontBilling, storefrontInventory, analyticsInventory } };
}

const verdicts = (findings: Finding[]) =>
  findings.map((f) => `${f.stack} | ${f.skipped ? "skip" : f.ok ? "ok" : "FAIL"} | ${f.check}`);

describe("status of a config with two shares, against the emulator", () => {
  let deployed: Deployed;
  let findings: Finding[];
  beforeAll(async () => {
    deployed = await deploy();
    const app = validateConfig(JSON.parse(readFileSync(deployed.configFile, "utf8")));
    findings = await checkShare(
      app,
      { configFile: deployed.configFile, outdir: deployed.outdir, json: false },
      { DNS_SERVERS: dns.address },
    );
  });

  it("observes and diagnoses each share from the one provider state, and each consumer for every share it reaches", () => {
    expect(verdicts(findings)).toEqual([
      "provider | ok | billing: database writer",
      "provider | ok | billing: writer port",
      "provider | ok | billing: reader port",
      "provider | ok | billing: target health: member slot 0",
      "provider | ok | billing: target health: member slot 1",
      "provider | ok | billing: target health: member slot 2",
      "provider | ok | billing: target health: reader set 0",
      "provider | ok | billing: target health: reader set 1",
      "provider | ok | billing: target health: reader set 2",
      "provider | skip | billing: endpoint connections",
      "provider | ok | billing: failover function",
      "provider | ok | billing: dead letters",
      "provider | ok | inventory: database writer",
      `consumer-storefront | ok | billing: interface endpoint ${deployed.endpoints.storefrontBilling}`,
      "consumer-storefront | ok | billing: AZ IDs of interface endpoint",
      `consumer-storefront | ok | inventory: database endpoint ${deployed.endpoints.storefrontInventory}`,
      "consumer-storefront | FAIL | inventory: AZ IDs of database endpoint",
      `consumer-analytics | ok | inventory: database endpoint ${deployed.endpoints.analyticsInventory}`,
      "consumer-analytics | FAIL | inventory: AZ IDs of database endpoint",
    ]);
    expect(findings.find((f) => f.check === "billing: database writer")!.detail).toBe(
      `RDS names ${A.instance} (${A.ip}) the writer of cluster billing-prod (available)`,
    );
    expect(findings.find((f) => f.check === "inventory: database writer")!.detail).toBe(
      `RDS names inventory-prod (${INVENTORY_IP}) the writer of instance inventory-prod (available)`,
    );
    // Each share's consumers are judged against that share's AZ IDs.
    expect(
      findings.find((f) => f.stack === "consumer-storefront" && f.check === "billing: AZ IDs of interface endpoint")!
        .detail,
    ).toBe(`${deployed.azId}, all served by the provider (${deployed.azId})`);
    expect(
      findings.find((f) => f.stack === "consumer-analytics" && f.check === "inventory: AZ IDs of database endpoint")!
        .detail,
    ).toBe(`${deployed.azId}; the provider serves use1-az9 (not served: ${deployed.azId})`);
  });

  it("sums up the whole config on one line, naming each problem with its share", () => {
    const last = formatFindings(findings).split("\n").pop();
    expect(last).toBe(
      "2 problem(s): consumer-storefront inventory: AZ IDs of database endpoint; consumer-analytics inventory: AZ IDs of database endpoint.",
    );
  });

  it("checks billing alone with --share: storefront for billing, and not analytics, which does not reach it", async () => {
    const app = validateConfig(JSON.parse(readFileSync(deployed.configFile, "utf8")));
    const billing = await checkShare(
      app,
      { configFile: deployed.configFile, outdir: deployed.outdir, json: false, share: "billing" },
      { DNS_SERVERS: dns.address },
    );
    expect(billing.every((f) => f.share === "billing")).toBe(true);
    expect([...new Set(billing.map((f) => f.stack))]).toEqual(["provider", "consumer-storefront"]);
    expect(billing.filter((f) => !f.ok)).toEqual([]);
  });
});

describe("billing's endpoint connections, answered in EC2's documented shape by a proxy in front of the emulator (which does not implement DescribeVpcEndpointConnections)", () => {
  let deployed: Deployed;
  let proxy: AnsweringProxy;
  let findings: Finding[];
  const stranger = "vpce-0ffffffffffffffff";
  beforeAll(async () => {
    deployed = await deploy();
    proxy = await startAnsweringProxy(moto.url, {
      DescribeVpcEndpointConnections: vpcEndpointConnections([
        // storefront, which the config lists, connected; a team the config does not list, waiting.
        {
          vpcEndpointId: deployed.endpoints.storefrontBilling,
          serviceId: "vpce-svc-0123456789abcdef0",
          owner: "222222222222",
          state: "available",
        },
        {
          vpcEndpointId: stranger,
          serviceId: "vpce-svc-0123456789abcdef0",
          owner: "555555555555",
          state: "pendingAcceptance",
        },
        {
          vpcEndpointId: "vpce-0eeeeeeeeeeeeeeee",
          serviceId: "vpce-svc-0fffffffffffffff0",
          owner: "666666666666",
          state: "available",
        },
      ]),
    });
    const input = JSON.parse(readFileSync(deployed.configFile, "utf8"));
    input.provider.account.endpoint = proxy.url;
    const app = validateConfig(input);
    findings = await checkShare(
      app,
      { configFile: deployed.configFile, outdir: deployed.outdir, json: false, share: "billing" },
      { DNS_SERVERS: dns.address },
    );
  });
  afterAll(async () => proxy?.close());

  it("lists each connection of the share's service with its account, naming the config's consumer or saying the config lists none", () => {
    expect(proxy.answered).toEqual(["DescribeVpcEndpointConnections"]);
    const connections = findings.filter((f) => f.check.startsWith("billing: endpoint connection"));
    expect(connections.map((f) => [f.check, f.ok, f.detail])).toEqual([
      [
        `billing: endpoint connection ${deployed.endpoints.storefrontBilling}`,
        true,
        "from account 222222222222 (consumer-storefront): available",
      ],
      [
        `billing: endpoint connection ${stranger}`,
        false,
        expect.stringMatching(
          /^from account 555555555555, which no consumer of .*config\.json names \(a consumer-only config, or a team of its own\): waiting for acceptance$/,
        ),
      ],
    ]);
    expect(connections[1].fix).toContain(
      `aws ec2 accept-vpc-endpoint-connections --service-id vpce-svc-0123456789abcdef0 --vpc-endpoint-ids ${stranger}`,
    );
  });
});
