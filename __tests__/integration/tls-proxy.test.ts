// Verified TLS behind an RDS Proxy, end to end on loopback: a real PostgreSQL server whose
// certificate is shaped like an RDS Proxy's (a wildcard for *.proxy-<id>.<region>.rds.amazonaws.com:
// "RDS Proxy uses wildcard certificates", RDS User Guide) from a test CA standing in for Amazon
// Root CA 1; the loopback DNS server answering what the synthesized consumer stack's records
// answer; TCP listeners on the endpoint's address standing in for the NLB's ports; and the
// stack's own connection strings through psql. The writer strings verify the proxy's name; the
// reader strings verify the chain only, because a created endpoint's name has two labels before
// proxy-<id>, which the wildcard does not cover; and the RDS CA bundle does not verify the proxy.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type Json, synthesize } from "../helpers";
import { answersFromConsumerStack } from "../support/consumer-dns";
import { hostOf, loopbackResolver, runCli } from "../support/db-clients";
import { type DbServer, freePort, startListeners, startPostgres } from "../support/db-servers";
import { createCa, issueServerCertificate } from "../support/tls-ca";
import { useTlsWorld, withUser } from "../support/tls-world";

jest.setTimeout(120_000);

const ENDPOINT_ADDRESS = "127.0.0.2";
const ID = "c0proxyexample";
const PROXY = `payments-proxy.proxy-${ID}.us-east-1.rds.amazonaws.com`;
const READ_ONLY = `payments-proxy-ro.endpoint.proxy-${ID}.us-east-1.rds.amazonaws.com`;

const tls = useTlsWorld("tls-proxy-");

let server: DbServer;
let dir: string;
let listeners: { close(): Promise<void> };
let consumer: Json;
let ports: { writer: number; reader: number };

const output = (name: string): Json => consumer.output[name].value;
const psql = (cli: string, sql = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") =>
  runCli(withUser(cli, server.user), `-tA -c "${sql}"`, { cwd: tls.work, resolver: loopbackResolver(tls.dns.address) });

beforeAll(async () => {
  const base = await freePort();
  ports = { writer: base, reader: base + 1 };
  const { json } = synthesize((c) => {
    c.provider.database = {
      engine: "aurora-postgresql",
      existing: { clusterIdentifier: "payments" },
      proxy: { existing: { name: "payments-proxy", readOnlyEndpoint: "payments-proxy-ro" } },
    };
    c.provider.ports = ports;
    const app = c.consumers[0];
    app.serviceName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
    app.databaseNames = { writer: PROXY, reader: READ_ONLY };
  });
  consumer = json["consumer-app"];
  // The strings name Amazon's roots's file: here it is the test CA (useTlsWorld put it under the RDS bundle's name too).
  copyFileSync(tls.ca.certFile, path.join(tls.work, "amazon-root-cas.pem"));
  const cert = issueServerCertificate(tls.ca, tls.work, "proxy", [`*.proxy-${ID}.us-east-1.rds.amazonaws.com`]);
  dir = mkdtempSync(path.join(tmpdir(), "tls-proxy-pg-"));
  server = await startPostgres(dir, await freePort(), cert);
  const to = { host: server.host, port: server.port };
  listeners = await startListeners(
    ENDPOINT_ADDRESS,
    [ports.writer, ports.reader].map((port) => ({ port, to })),
  );
  const [endpoint] = Object.keys(consumer.resource.aws_vpc_endpoint);
  const { answers } = answersFromConsumerStack(consumer, { [endpoint]: ENDPOINT_ADDRESS });
  for (const [name, address] of answers) tls.dns.records.set(name, address);
});

afterAll(async () => {
  await listeners?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("PostgreSQL behind an RDS Proxy, through the consumer's endpoint", () => {
  it("answers the proxy's two names with the endpoint, and names Amazon's roots as the trust store", () => {
    expect(tls.dns.records.get(PROXY)).toBe(ENDPOINT_ADDRESS);
    expect(tls.dns.records.get(READ_ONLY)).toBe(ENDPOINT_ADDRESS);
    expect(output("ca_bundle")).toEqual({
      file: "amazon-root-cas.pem",
      url: "https://www.amazontrust.com/repository/",
    });
  });

  it("connects psql with the writer string, verify-full against Amazon's roots's file, by the proxy's name", async () => {
    const cli = output("writer_connection").cli;
    expect(cli).toContain(`host=${PROXY}`);
    expect(cli).toContain("sslmode=verify-full sslrootcert=amazon-root-cas.pem");
    const r = await psql(cli);
    expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
      status: 0,
      stdout: "t",
      stderr: "",
    });
  });

  it("connects psql with the reader string by the read-only endpoint's name, verifying the chain (verify-ca)", async () => {
    const cli = output("reader_connection").cli;
    expect(cli).toContain(`host=${READ_ONLY}`);
    expect(cli).toContain("sslmode=verify-ca sslrootcert=amazon-root-cas.pem");
    const r = await psql(cli);
    expect({ status: r.status, stdout: r.stdout.trim() }).toEqual({ status: 0, stdout: "t" });
  });

  it("fails verify-full by the read-only endpoint's name: the wildcard does not cover it, which is why the reader string checks the chain", async () => {
    const cli = output("reader_connection").cli.replace("sslmode=verify-ca", "sslmode=verify-full");
    const r = await psql(cli, "SELECT 1");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`does not match host name "${READ_ONLY}"`);
  });

  it("fails against another CA under the RDS bundle's name: the proxy's certificate chains to Amazon's root, not the RDS CA", async () => {
    const other = path.join(tls.work, "other-ca");
    mkdirSync(other);
    const rdsLike = createCa(other, "Test RDS CA stand-in");
    copyFileSync(rdsLike.certFile, path.join(tls.work, "us-east-1-bundle.pem"));
    const cli = output("writer_connection").cli.replace(
      "sslrootcert=amazon-root-cas.pem",
      "sslrootcert=us-east-1-bundle.pem",
    );
    const r = await psql(cli, "SELECT 1");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/certificate verify failed/);
    expect(hostOf(cli)).toBe(PROXY);
  });
});
