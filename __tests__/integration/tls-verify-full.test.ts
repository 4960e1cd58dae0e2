// Verified TLS end to end through the endpoint-service transport, with real servers and real
// clients: PostgreSQL and MariaDB on loopback, each with a server certificate from a test CA
// whose names mimic an Aurora cluster's; the loopback DNS server answering exactly what the
// synthesized consumer stack's records would answer in the consumer's VPC (built from the
// stack's JSON); TCP listeners on the endpoint's address standing in for the NLB's ports; and
// the stack's own connection strings, verification on, through psql, mariadb and node-postgres.
// Only the user placeholder is filled in, and the CA bundle file the strings name is the test CA.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type Json, synthesize } from "../helpers";
import { answersFromConsumerStack } from "../support/consumer-dns";
import { hostOf, loopbackResolver, pgQuery, runCli } from "../support/db-clients";
import { type DbServer, freePort, startListeners, startMariadb, startPostgres } from "../support/db-servers";
import { issueServerCertificate } from "../support/tls-ca";
import { useTlsWorld, withUser } from "../support/tls-world";

jest.setTimeout(120_000);

/** The interface endpoint's address in the consumer's VPC: a loopback address of its own. */
const ENDPOINT_ADDRESS = "127.0.0.2";
const ID = "c7tj4example";
const names = (cluster: string) => ({
  writer: `${cluster}.cluster-${ID}.us-east-1.rds.amazonaws.com`,
  reader: `${cluster}.cluster-ro-${ID}.us-east-1.rds.amazonaws.com`,
  instances: [`${cluster}-1.${ID}.us-east-1.rds.amazonaws.com`, `${cluster}-2.${ID}.us-east-1.rds.amazonaws.com`],
});

/** A block of `count` consecutive free ports on both loopback addresses. */
async function freeBlock(count: number): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base + count > 65535) continue;
    const ok = await Promise.all(Array.from({ length: count }, (_, i) => probe(base + i)));
    if (ok.every(Boolean)) return base;
  }
}
async function probe(port: number): Promise<boolean> {
  const net = await import("node:net");
  const tryOn = (host: string) =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(port, host, () => s.close(() => resolve(true)));
    });
  return (await tryOn("127.0.0.1")) && (await tryOn(ENDPOINT_ADDRESS));
}

interface Share {
  readonly consumer: Json;
  readonly ports: { writer: number; reader: number; firstMember: number };
}

/** The synthesized consumer stack of an existing cluster shared on the given ports, with the names in its config. */
function synthShare(
  engine: "aurora-postgresql" | "aurora-mysql",
  ports: Share["ports"],
  databaseNames: ReturnType<typeof names>,
): Share {
  const { json } = synthesize((c) => {
    c.provider.database = { engine, existing: { clusterIdentifier: "orders" } };
    c.provider.ports = ports;
    c.provider.failover.memberSlots = 2;
    const consumer = c.consumers[0];
    consumer.serviceName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
    consumer.memberPorts = true;
    consumer.databaseNames = databaseNames;
  });
  return { consumer: json["consumer-app"], ports };
}

/** Loads the DNS server with what the consumer stack's records answer, its endpoint at ENDPOINT_ADDRESS. */
function answerAs(consumer: Json): Map<string, string> {
  const [endpoint] = Object.keys(consumer.resource.aws_vpc_endpoint);
  const { answers } = answersFromConsumerStack(consumer, { [endpoint]: ENDPOINT_ADDRESS });
  tls.dns.records.clear();
  for (const [name, address] of answers) tls.dns.records.set(name, address);
  return answers;
}

/** An output's value, with the friendly records' fqdn references read from the stack (Terraform would fill them in). */
const output = (consumer: Json, name: string): Json => {
  const fqdn = (v: string) =>
    v.replace(/\$\{aws_route53_record\.([\w-]+)\.fqdn\}/g, (_, id) => consumer.resource.aws_route53_record[id].name);
  const value = consumer.output[name].value;
  if (typeof value === "string") return fqdn(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? fqdn(v) : v));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? fqdn(v) : v]));
};

const tls = useTlsWorld("tls-verify-");

describe("PostgreSQL through the consumer's endpoint, verify-full", () => {
  const rds = names("orders");
  let server: DbServer;
  let dir: string;
  let listeners: { close(): Promise<void> };
  let share: Share;

  beforeAll(async () => {
    const base = await freeBlock(6);
    share = synthShare("aurora-postgresql", { writer: base, reader: base + 1, firstMember: base + 2 }, rds);
    // The writer instance's certificate: the cluster's names and its own instance name (slot 0 holds it).
    const cert = issueServerCertificate(tls.ca, tls.work, "pg-writer", [rds.writer, rds.reader, rds.instances[0]]);
    dir = mkdtempSync(path.join(tmpdir(), "tls-pg-"));
    server = await startPostgres(dir, await freePort(), cert);
    const to = { host: server.host, port: server.port };
    listeners = await startListeners(
      ENDPOINT_ADDRESS,
      [share.ports.writer, share.ports.reader, share.ports.firstMember].map((port) => ({ port, to })),
    );
  });

  afterAll(async () => {
    await listeners?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => answerAs(share.consumer));

  it("answers every RDS name of the stack, and the friendly names, with the endpoint", () => {
    const answers = answerAs(share.consumer);
    expect(Object.fromEntries(answers)).toEqual(
      Object.fromEntries(
        [rds.writer, rds.reader, ...rds.instances, "writer.orders.db.internal", "reader.orders.db.internal"].map(
          (n) => [n, ENDPOINT_ADDRESS],
        ),
      ),
    );
  });

  it.each(["writer_connection", "reader_connection"])(
    "connects psql with the stack's %s, verify-full, over TLS",
    async (out) => {
      const cli = withUser(output(share.consumer, out).cli, server.user);
      expect(cli).toContain("sslmode=verify-full sslrootcert=us-east-1-bundle.pem");
      const r = await runCli(cli, `-tA -c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"`, {
        cwd: tls.work,
        resolver: loopbackResolver(tls.dns.address),
      });
      expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
        status: 0,
        stdout: "t",
        stderr: "",
      });
    },
  );

  it("connects node-postgres with the stack's writer URI, verify-full", async () => {
    const rows = await pgQuery(
      withUser(output(share.consumer, "writer_connection").uri, server.user),
      "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
      { cwd: tls.work, resolver: loopbackResolver(tls.dns.address) },
    );
    expect(rows).toEqual([{ ssl: true }]);
  });

  it("reaches an instance by its own name on the member port of its slot", async () => {
    const [instance] = output(share.consumer, "instance_names");
    const [port] = output(share.consumer, "member_ports");
    const cli = withUser(output(share.consumer, "writer_connection").cli, server.user)
      .replace(hostOf(output(share.consumer, "writer_connection").cli), instance)
      .replace(`port=${share.ports.writer}`, `port=${port}`);
    const r = await runCli(cli, `-tA -c "SELECT 1"`, { cwd: tls.work, resolver: loopbackResolver(tls.dns.address) });
    expect({ status: r.status, stdout: r.stdout.trim() }).toEqual({ status: 0, stdout: "1" });
  });

  it("refuses a name the certificate does not carry (the friendly name), with psql and with node-postgres", async () => {
    const friendly = output(share.consumer, "friendly_writer_address").split(":")[0];
    const verified = withUser(output(share.consumer, "writer_connection").cli, server.user);
    const r = await runCli(verified.replace(hostOf(verified), friendly), `-c "SELECT 1"`, {
      cwd: tls.work,
      resolver: loopbackResolver(tls.dns.address),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `server certificate for "${rds.writer}" (and 2 other names) does not match host name "${friendly}"`,
    );

    const uri = withUser(output(share.consumer, "writer_connection").uri, server.user).replace(rds.writer, friendly);
    await expect(
      pgQuery(uri, "SELECT 1", { cwd: tls.work, resolver: loopbackResolver(tls.dns.address) }),
    ).rejects.toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });

  it("reaches the same server by the friendly name with the unverified strings: the refusal above is the identity check", async () => {
    const r = await runCli(
      withUser(output(share.consumer, "writer_connection_unverified").cli, server.user),
      `-tA -c "SELECT 1"`,
      { cwd: tls.work, resolver: loopbackResolver(tls.dns.address) },
    );
    expect({ status: r.status, stdout: r.stdout.trim() }).toEqual({ status: 0, stdout: "1" });
  });

  it("refuses another instance's name on this slot's port: a wrong name-port pairing fails closed", async () => {
    const other = output(share.consumer, "instance_names")[1];
    const verified = withUser(output(share.consumer, "writer_connection").cli, server.user);
    const r = await runCli(
      verified
        .replace(hostOf(verified), other)
        .replace(`port=${share.ports.writer}`, `port=${share.ports.firstMember}`),
      `-c "SELECT 1"`,
      { cwd: tls.work, resolver: loopbackResolver(tls.dns.address) },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`does not match host name "${other}"`);
  });

  it("fails when the stack names the database wrongly: its records and strings carry a name the certificate does not", async () => {
    const wrong = synthShare("aurora-postgresql", share.ports, {
      ...rds,
      writer: `orders.cluster-wrong0example.us-east-1.rds.amazonaws.com`,
    });
    const answers = answerAs(wrong.consumer);
    expect(answers.get("orders.cluster-wrong0example.us-east-1.rds.amazonaws.com")).toBe(ENDPOINT_ADDRESS);
    const r = await runCli(withUser(output(wrong.consumer, "writer_connection").cli, server.user), `-c "SELECT 1"`, {
      cwd: tls.work,
      resolver: loopbackResolver(tls.dns.address),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('does not match host name "orders.cluster-wrong0example.us-east-1.rds.amazonaws.com"');
  });

  it("fails when the stack lacks the writer's record: the name does not resolve in the VPC", async () => {
    const broken: Json = JSON.parse(JSON.stringify(share.consumer));
    const records = broken.resource.aws_route53_record;
    const writerRecord = Object.keys(records).find((id) => id.startsWith("Access_RdsNames_WriterRecord_"))!;
    delete records[writerRecord];
    const answers = answerAs(broken);
    expect(answers.has(rds.writer)).toBe(false);
    const r = await runCli(withUser(output(share.consumer, "writer_connection").cli, server.user), `-c "SELECT 1"`, {
      cwd: tls.work,
      resolver: loopbackResolver(tls.dns.address),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /could not translate host name|Name or service not known|Temporary failure in name resolution/,
    );
  });

  it("fails when a record aliases something other than the endpoint", async () => {
    const broken: Json = JSON.parse(JSON.stringify(share.consumer));
    const records = broken.resource.aws_route53_record;
    const readerRecord = Object.keys(records).find((id) => id.startsWith("Access_RdsNames_ReaderRecord_"))!;
    records[readerRecord].alias.name = "${aws_lb.Elsewhere.dns_name}";
    expect(answerAs(broken).has(rds.reader)).toBe(false);
    const r = await runCli(withUser(output(share.consumer, "reader_connection").cli, server.user), `-c "SELECT 1"`, {
      cwd: tls.work,
      resolver: loopbackResolver(tls.dns.address),
    });
    expect(r.status).not.toBe(0);
  });
});

describe("MariaDB through the consumer's endpoint, --ssl-verify-server-cert", () => {
  const rds = names("orders");
  let server: DbServer;
  let dir: string;
  let listeners: { close(): Promise<void> };
  let share: Share;

  beforeAll(async () => {
    const base = await freeBlock(6);
    share = synthShare("aurora-mysql", { writer: base, reader: base + 1, firstMember: base + 2 }, rds);
    const cert = issueServerCertificate(tls.ca, tls.work, "mariadb-writer", [rds.writer, rds.reader, rds.instances[0]]);
    dir = mkdtempSync(path.join(tmpdir(), "tls-mariadb-"));
    server = await startMariadb(dir, await freePort(), cert, tls.ca);
    const to = { host: server.host, port: server.port };
    listeners = await startListeners(
      ENDPOINT_ADDRESS,
      [share.ports.writer, share.ports.reader, share.ports.firstMember].map((port) => ({ port, to })),
    );
  });

  afterAll(async () => {
    await listeners?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => answerAs(share.consumer));

  it.each(["writer_connection", "reader_connection"])(
    "connects the mariadb client with the stack's %s, verification on, over TLS",
    async (out) => {
      const cli = withUser(output(share.consumer, out).mariadb, server.user);
      expect(cli).toContain("--ssl-verify-server-cert --ssl-ca=us-east-1-bundle.pem");
      const r = await runCli(cli, `-N -B -e "SHOW SESSION STATUS LIKE 'Ssl_version'"`, {
        cwd: tls.work,
        resolver: loopbackResolver(tls.dns.address),
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      expect(r.stdout).toMatch(/^Ssl_version\tTLSv1\.[23]$/m);
    },
  );

  it("refuses a name the certificate does not carry, and connects by it only without verification", async () => {
    const friendly = output(share.consumer, "friendly_writer_address").split(":")[0];
    const verified = withUser(output(share.consumer, "writer_connection").mariadb, server.user).replace(
      rds.writer,
      friendly,
    );
    const refused = await runCli(verified, `-e "SELECT 1"`, {
      cwd: tls.work,
      resolver: loopbackResolver(tls.dns.address),
    });
    expect(refused.status).not.toBe(0);
    // The same client, CA and server accept the RDS name (above): what fails here is the name.
    expect(refused.stderr).toContain("TLS/SSL error: Validation of SSL server certificate failed");
    const unverified = await runCli(verified.replace(" --ssl-verify-server-cert", ""), `-N -B -e "SELECT 1"`, {
      cwd: tls.work,
      resolver: loopbackResolver(tls.dns.address),
    });
    expect({ status: unverified.status, stdout: unverified.stdout.trim() }).toEqual({ status: 0, stdout: "1" });
  });

  it("fails when the stack lacks the reader's record", async () => {
    const broken: Json = JSON.parse(JSON.stringify(share.consumer));
    const records = broken.resource.aws_route53_record;
    delete records[Object.keys(records).find((id) => id.startsWith("Access_RdsNames_ReaderRecord_"))!];
    answerAs(broken);
    const r = await runCli(
      withUser(output(share.consumer, "reader_connection").mariadb, server.user),
      `-e "SELECT 1"`,
      { cwd: tls.work, resolver: loopbackResolver(tls.dns.address) },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Unknown (\w+ )?server host '/);
  });
});
