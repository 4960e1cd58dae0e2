import { CreateDBProxyCommand, RDSClient, RegisterDBProxyTargetsCommand } from "@aws-sdk/client-rds";
import { type Report, sync, type SyncDeps, SyncError } from "../../functions/failover-sync/sync";
import { resolveAllFromEnv } from "../../functions/failover-sync/topology";
import { observeProxy } from "../../scripts/status/proxy";
import { type AnsweringProxy, startAnsweringProxy } from "../support/answering-proxy";
import { AwsTiming } from "../support/aws-timing";
import { type DnsServer, startDns } from "../support/dns";
import { type Moto, startMoto } from "../support/moto";
import {
  clientConfig,
  createInstanceWorld,
  type InstanceWorld,
  targetIps,
  testSettings,
  timedDeps,
} from "../support/world";

jest.setTimeout(120_000);

const PROXY = "orders-proxy";
const READ_ONLY = "orders-proxy-ro";
let moto: Moto;
let dns: DnsServer;
let answering: AnsweringProxy;
let world: InstanceWorld;
let timing: AwsTiming;
let writes: string[];
let proxyAddress: string;
const readOnlyAddress = `${READ_ONLY}.endpoint.proxy-c0example.us-east-1.rds.amazonaws.com`;

/** DescribeDBProxyEndpoints as the RDS API Reference documents its result (DBProxyEndpoint), for the one read-only endpoint. */
const endpoints = () => `<DescribeDBProxyEndpointsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBProxyEndpointsResult>
    <DBProxyEndpoints>
      <member>
        <DBProxyEndpointName>${READ_ONLY}</DBProxyEndpointName>
        <DBProxyEndpointArn>arn:aws:rds:us-east-1:123456789012:db-proxy-endpoint:prx-endpoint-0123456789abcdef</DBProxyEndpointArn>
        <DBProxyName>${PROXY}</DBProxyName>
        <Status>available</Status>
        <VpcId>${world.vpc}</VpcId>
        <VpcSubnetIds>${world.subnets.map((s) => `<member>${s}</member>`).join("")}</VpcSubnetIds>
        <VpcSecurityGroupIds><member>${world.securityGroup}</member></VpcSecurityGroupIds>
        <Endpoint>${readOnlyAddress}</Endpoint>
        <CreatedDate>2026-12-01T09:00:00.000Z</CreatedDate>
        <TargetRole>READ_ONLY</TargetRole>
        <IsDefault>false</IsDefault>
      </member>
    </DBProxyEndpoints>
  </DescribeDBProxyEndpointsResult>
  <ResponseMetadata><RequestId>5ba1f2a1-0000-4000-8000-000000000001</RequestId></ResponseMetadata>
</DescribeDBProxyEndpointsResponse>`;

beforeAll(async () => {
  [moto, dns] = await Promise.all([startMoto(), startDns()]);
  answering = await startAnsweringProxy(moto.url, { DescribeDBProxyEndpoints: endpoints });
});

afterAll(async () => {
  await Promise.all([moto?.stop(), dns?.close(), answering?.close()]);
});

beforeEach(async () => {
  await moto.reset();
  dns.records.clear();
  world = await createInstanceWorld(moto.url, dns, "orders-db", "10.0.1.11");
  const rds = new RDSClient(clientConfig(moto.url));
  const created = await rds.send(
    new CreateDBProxyCommand({
      DBProxyName: PROXY,
      EngineFamily: "MYSQL",
      Auth: [
        { AuthScheme: "SECRETS", SecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-AbCdEf" },
      ],
      RoleArn: "arn:aws:iam::123456789012:role/orders-rds-proxy",
      VpcSubnetIds: [...world.subnets],
      RequireTLS: true,
    }),
  );
  proxyAddress = created.DBProxy!.Endpoint!;
  await rds.send(new RegisterDBProxyTargetsCommand({ DBProxyName: PROXY, DBInstanceIdentifiers: [world.instance] }));
  // The default endpoint's interfaces in two zones, the read-only endpoint's in the same two.
  dns.records.set(proxyAddress, "10.0.1.201,10.0.2.202");
  dns.records.set(readOnlyAddress, "10.0.1.211,10.0.2.212");
  timing = new AwsTiming();
  writes = [];
});

function deps(): SyncDeps {
  return timedDeps(answering.url, timing, writes, dns, { resolveAll: resolveAllFromEnv({ DNS_SERVERS: dns.address }) });
}

async function run(event: unknown, readerEndpoint = true): Promise<{ report: Report; error?: SyncError }> {
  const settings = testSettings(world, {
    proxy: { name: PROXY, ...(readerEndpoint ? { readerEndpoint: READ_ONLY } : {}) },
  });
  try {
    return { report: await sync(event, settings, deps()) };
  } catch (e) {
    if (e instanceof SyncError) return { report: e.report, error: e };
    throw e;
  }
}

const failoverEvent = {
  version: "0",
  source: "aws.rds",
  "detail-type": "RDS DB Instance Event",
  time: new Date().toISOString(),
  detail: { EventID: "RDS-EVENT-0049", SourceIdentifier: "rds:orders-db" },
};

describe("RDS Proxy mode against moto (DescribeDBProxyEndpoints answered in its documented shape by a loopback proxy)", () => {
  it("registers every address of the proxy's endpoint in the writer group, and of its read-only endpoint in the reader group", async () => {
    const { report, error } = await run({ trigger: "deploy" });
    expect(error).toBeUndefined();
    expect(await targetIps(moto.url, world.writerArn)).toEqual(["10.0.1.201", "10.0.2.202"]);
    expect(await targetIps(moto.url, world.readerArn)).toEqual(["10.0.1.211", "10.0.2.212"]);
    expect(report.proxy?.proxy).toMatchObject({ name: PROXY, status: "available", address: proxyAddress });
    expect(answering.answered).toContain("DescribeDBProxyEndpoints");
  });

  it("sends the reader port to the proxy's own endpoint when there is no read-only endpoint", async () => {
    await run({ trigger: "deploy" }, false);
    expect(await targetIps(moto.url, world.readerArn)).toEqual(["10.0.1.201", "10.0.2.202"]);
  });

  it("changes nothing on the database's failover: no registration, no listener change", async () => {
    await run({ trigger: "deploy" });
    timing.advance(timing.registrationDelayS + timing.healthyAfterS);
    writes.length = 0;
    // The instance's own address moves (a Multi-AZ failover); the proxy's do not.
    dns.records.set("orders-db.aaaaaaaaaa.us-east-1.rds.amazonaws.com", "10.0.2.22");
    const { report, error } = await run(failoverEvent);
    expect(error).toBeUndefined();
    expect(writes).toEqual([]);
    expect([report.registrations, report.deregistrations, report.switches.length]).toEqual([0, 0, 0]);
    expect(report.writerHealthyTargets).toBe(2);
  });

  it("follows a new address make before break: the old one stays until the new one is healthy, and no group is ever empty", async () => {
    await run({ trigger: "deploy" });
    timing.advance(timing.registrationDelayS + timing.healthyAfterS);
    dns.records.set(proxyAddress, "10.0.1.221,10.0.2.222");

    const first = await run({ source: "aws.events", "detail-type": "Scheduled Event" });
    expect(first.error).toBeUndefined();
    expect(first.report.writerTargets.registered).toEqual(["10.0.1.221", "10.0.2.222"]);
    expect(first.report.writerTargets.deregistered).toEqual([]);
    expect(await targetIps(moto.url, world.writerArn)).toEqual([
      "10.0.1.201",
      "10.0.1.221",
      "10.0.2.202",
      "10.0.2.222",
    ]);

    // Still registering: nothing leaves.
    timing.advance(timing.registrationDelayS / 2);
    const waiting = await run({ source: "aws.events", "detail-type": "Scheduled Event" });
    expect([waiting.report.registrations, waiting.report.deregistrations]).toEqual([0, 0]);
    expect(await targetIps(moto.url, world.writerArn)).toHaveLength(4);

    timing.advance(timing.registrationDelayS + timing.healthyAfterS);
    const done = await run({ source: "aws.events", "detail-type": "Scheduled Event" });
    expect(done.report.writerTargets.deregistered).toEqual(["10.0.1.201", "10.0.2.202"]);
    expect(await targetIps(moto.url, world.writerArn)).toEqual(["10.0.1.221", "10.0.2.222"]);
    // The reader group's endpoint did not move.
    expect(await targetIps(moto.url, world.readerArn)).toEqual(["10.0.1.211", "10.0.2.212"]);
  });

  it("fails loudly and leaves the groups as they are when the proxy's name does not resolve", async () => {
    await run({ trigger: "deploy" });
    dns.records.delete(proxyAddress);
    const { report, error } = await run({ source: "aws.events", "detail-type": "Scheduled Event" });
    expect(error?.message).toMatch(new RegExp(`cannot resolve ${proxyAddress.replace(/\./g, "\\.")}`));
    expect(report.deregistrations).toBe(0);
    expect(await targetIps(moto.url, world.writerArn)).toEqual(["10.0.1.201", "10.0.2.202"]);
  });

  it("gives npm run status the proxy's endpoints and its target's health, as moto answers DescribeDBProxyTargets", async () => {
    const rds = new RDSClient({ ...clientConfig(answering.url), maxAttempts: 3 });
    const o = await observeProxy(rds, resolveAllFromEnv({ DNS_SERVERS: dns.address }), {
      name: PROXY,
      readerEndpoint: READ_ONLY,
    });
    expect(o.read.proxy.addresses).toEqual(["10.0.1.201", "10.0.2.202"]);
    expect(o.read.reader?.addresses).toEqual(["10.0.1.211", "10.0.2.212"]);
    expect(o.targets).toEqual([
      expect.objectContaining({ id: expect.any(String), type: "RDS_INSTANCE", state: expect.any(String) }),
    ]);
  });

  it("fails loudly when the proxy does not exist (moto's DBProxyNotFoundFault)", async () => {
    const settings = testSettings(world, { proxy: { name: "no-such-proxy" } });
    const error = await sync({ trigger: "deploy" }, settings, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).message).toMatch(/DB proxy no-such-proxy not found/);
  });
});
