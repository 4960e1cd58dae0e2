// Verified TLS end to end through the resource transport (ARN-type configuration, the default),
// with real servers and real clients, using only what the stacks output: the whole app is
// synthesized (provider and consumer), the consumer's values are read through its remote state
// from the provider's outputs, evaluated in a world that holds what RDS would describe for the
// existing cluster; the loopback DNS server answers what the consumer's resource endpoint's
// private DNS and its friendly CNAMEs would (support/resource-dns.ts); a TCP listener on the
// endpoint's address stands in for the resource gateway, on the database's own port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type Json, synthesize } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";
import { loopbackResolver, pgQuery, runCli } from "../support/db-clients";
import { type DbServer, freePort, startListeners, startMariadb, startPostgres } from "../support/db-servers";
import {
  answersFromResourceEndpoints,
  providerWorld,
  resolveInConsumer,
  type World,
  type WorldCluster,
} from "../support/resource-dns";
import { issueServerCertificate } from "../support/tls-ca";
import { useTlsWorld, withUser } from "../support/tls-world";

jest.setTimeout(120_000);

/** The resource endpoint's address in the consumer's VPC. */
const ENDPOINT_ADDRESS = "127.0.0.3";
const CLUSTER_ARN = "arn:aws:rds:us-east-1:111111111111:cluster:orders";
const rdsNames = (id: string) => ({
  writer: `orders.cluster-${id}.us-east-1.rds.amazonaws.com`,
  reader: `orders.cluster-ro-${id}.us-east-1.rds.amazonaws.com`,
});
const CERT_NAMES = rdsNames("c7tj4example");

interface App {
  readonly provider: Json;
  readonly consumer: Json;
  readonly world: World;
  /** What RDS describes for the cluster in this world. */
  readonly cluster: WorldCluster;
}

/** The whole app for an existing cluster on the resource transport, and the world that describes the cluster with `names`. */
function synthApp(engine: "aurora-postgresql" | "aurora-mysql", port: number, names = CERT_NAMES): App {
  const { json } = synthesize((c) => {
    toResourceTransport(c);
    c.provider.database = { engine, existing: { clusterIdentifier: "orders" } };
    c.provider.ports = { writer: port };
    c.consumers[0].privateZone = { name: "orders.db.internal" };
  });
  const provider = json.provider;
  const cluster: WorldCluster = { arn: CLUSTER_ARN, endpoint: names.writer, reader_endpoint: names.reader, port };
  return { provider, consumer: json["consumer-app"], world: providerWorld(provider, { orders: cluster }), cluster };
}

const resolver = () => loopbackResolver(tls.dns.address);

/** Loads the DNS server with the consumer VPC's answers; the cluster's ARN has the names the world gives it. */
function answerAs(app: App): Map<string, string> {
  const [endpoint] = Object.keys(app.consumer.resource.aws_vpc_endpoint);
  const names = [app.cluster.endpoint, app.cluster.reader_endpoint];
  const answers = answersFromResourceEndpoints(
    app.consumer,
    app.provider,
    app.world,
    { [endpoint]: ENDPOINT_ADDRESS },
    { [app.cluster.arn]: names },
  );
  tls.dns.records.clear();
  for (const [name, address] of answers) tls.dns.records.set(name, address);
  return answers;
}

const output = (app: App, name: string): Json =>
  resolveInConsumer(app.consumer.output[name].value, app.consumer, app.provider, app.world);

const tls = useTlsWorld("tls-resource-");

/** A server with the cluster's names in its certificate, reached on ENDPOINT_ADDRESS at the database's port. */
function serve(engine: "aurora-postgresql" | "aurora-mysql") {
  const state: { server?: DbServer; dir?: string; listeners?: { close(): Promise<void> }; app?: App } = {};
  beforeAll(async () => {
    const port = await freePort(ENDPOINT_ADDRESS);
    state.app = synthApp(engine, port);
    const cert = issueServerCertificate(tls.ca, tls.work, `${engine}-writer`, [CERT_NAMES.writer, CERT_NAMES.reader]);
    state.dir = mkdtempSync(path.join(tmpdir(), `tls-resource-${engine}-`));
    state.server =
      engine === "aurora-mysql"
        ? await startMariadb(state.dir, await freePort(), cert, tls.ca)
        : await startPostgres(state.dir, await freePort(), cert);
    state.listeners = await startListeners(ENDPOINT_ADDRESS, [
      { port, to: { host: state.server.host, port: state.server.port } },
    ]);
  });
  afterAll(async () => {
    await state.listeners?.close();
    await state.server?.stop();
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });
  beforeEach(() => answerAs(state.app!));
  return state as { server: DbServer; app: App };
}

describe("PostgreSQL through the consumer's resource endpoint, verify-full", () => {
  const s = serve("aurora-postgresql");

  it("answers the cluster's own names through the endpoint's private DNS, and the friendly names through their CNAMEs", () => {
    expect(Object.fromEntries(answerAs(s.app))).toEqual(
      Object.fromEntries(
        [CERT_NAMES.writer, CERT_NAMES.reader, "writer.orders.db.internal", "reader.orders.db.internal"].map((n) => [
          n,
          ENDPOINT_ADDRESS,
        ]),
      ),
    );
  });

  it("names the cluster's endpoints and the database's port in the outputs, from the provider's state", () => {
    expect([output(s.app, "writer_address"), output(s.app, "reader_address")]).toEqual([
      `${CERT_NAMES.writer}:${s.app.cluster.port}`,
      `${CERT_NAMES.reader}:${s.app.cluster.port}`,
    ]);
  });

  it.each(["writer_connection", "reader_connection"])(
    "connects psql with the stack's %s, verify-full, over TLS",
    async (out) => {
      const cli = withUser(output(s.app, out).cli, s.server.user);
      expect(cli).toContain("sslmode=verify-full sslrootcert=us-east-1-bundle.pem");
      const r = await runCli(cli, `-tA -c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"`, {
        cwd: tls.work,
        resolver: resolver(),
      });
      expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
        status: 0,
        stdout: "t",
        stderr: "",
      });
    },
  );

  it("connects node-postgres with the stack's reader URI, verify-full", async () => {
    const rows = await pgQuery(
      withUser(output(s.app, "reader_connection").uri, s.server.user),
      "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
      { cwd: tls.work, resolver: resolver() },
    );
    expect(rows).toEqual([{ ssl: true }]);
  });

  it("refuses the friendly name with verification on, and reaches the server by it with the unverified strings", async () => {
    const friendly = output(s.app, "friendly_writer_address").split(":")[0];
    const verified = withUser(output(s.app, "writer_connection").cli, s.server.user).replace(
      CERT_NAMES.writer,
      friendly,
    );
    const refused = await runCli(verified, `-c "SELECT 1"`, { cwd: tls.work, resolver: resolver() });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(`does not match host name "${friendly}"`);
    const unverified = await runCli(
      withUser(output(s.app, "writer_connection_unverified").cli, s.server.user),
      `-tA -c "SELECT 1"`,
      { cwd: tls.work, resolver: resolver() },
    );
    expect({ status: unverified.status, stdout: unverified.stdout.trim() }).toEqual({ status: 0, stdout: "1" });
  });

  it("fails when the consumer's endpoint has private DNS off: the cluster's names do not resolve in the VPC", async () => {
    const broken: App = { ...s.app, consumer: JSON.parse(JSON.stringify(s.app.consumer)) };
    for (const endpoint of Object.values<Json>(broken.consumer.resource.aws_vpc_endpoint))
      endpoint.private_dns_enabled = false;
    expect(answerAs(broken).size).toBe(0);
    const r = await runCli(withUser(output(s.app, "writer_connection").cli, s.server.user), `-c "SELECT 1"`, {
      cwd: tls.work,
      resolver: resolver(),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /could not translate host name|Name or service not known|Temporary failure in name resolution/,
    );
  });

  it("gives no answers when the configuration is not of type ARN: only an ARN-type configuration carries the cluster's names", () => {
    const broken: App = { ...s.app, provider: JSON.parse(JSON.stringify(s.app.provider)) };
    for (const configuration of Object.values<Json>(broken.provider.resource.aws_vpclattice_resource_configuration))
      configuration.type = "SINGLE";
    expect(answerAs(broken).size).toBe(0);
  });

  it("fails when the database's names are not the certificate's: the outputs carry them and TLS refuses", async () => {
    const other = synthApp("aurora-postgresql", s.app.cluster.port, rdsNames("other0example"));
    const answers = answerAs(other);
    expect(answers.get(rdsNames("other0example").writer)).toBe(ENDPOINT_ADDRESS);
    const r = await runCli(withUser(output(other, "writer_connection").cli, s.server.user), `-c "SELECT 1"`, {
      cwd: tls.work,
      resolver: resolver(),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`does not match host name "${rdsNames("other0example").writer}"`);
  });

  it("refuses to fill in a provider value the world does not hold", () => {
    const bare: World = new Map();
    expect(() => output({ ...s.app, world: bare }, "writer_connection")).toThrow(/is not in the world/);
  });
});

describe("MariaDB through the consumer's resource endpoint, --ssl-verify-server-cert", () => {
  const s = serve("aurora-mysql");

  it.each(["writer_connection", "reader_connection"])(
    "connects the mariadb client with the stack's %s, verification on, over TLS",
    async (out) => {
      const cli = withUser(output(s.app, out).mariadb, s.server.user);
      expect(cli).toContain("--ssl-verify-server-cert --ssl-ca=us-east-1-bundle.pem");
      const r = await runCli(cli, `-N -B -e "SHOW SESSION STATUS LIKE 'Ssl_version'"`, {
        cwd: tls.work,
        resolver: resolver(),
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      expect(r.stdout).toMatch(/^Ssl_version\tTLSv1\.[23]$/m);
    },
  );

  it("refuses the friendly name with verification on", async () => {
    const friendly = output(s.app, "friendly_reader_address").split(":")[0];
    const r = await runCli(
      withUser(output(s.app, "reader_connection").mariadb, s.server.user).replace(CERT_NAMES.reader, friendly),
      `-e "SELECT 1"`,
      { cwd: tls.work, resolver: resolver() },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("TLS/SSL error: Validation of SSL server certificate failed");
  });

  it("fails when the consumer's endpoint has private DNS off", async () => {
    const broken: App = { ...s.app, consumer: JSON.parse(JSON.stringify(s.app.consumer)) };
    for (const endpoint of Object.values<Json>(broken.consumer.resource.aws_vpc_endpoint))
      endpoint.private_dns_enabled = false;
    answerAs(broken);
    const r = await runCli(withUser(output(s.app, "writer_connection").mariadb, s.server.user), `-e "SELECT 1"`, {
      cwd: tls.work,
      resolver: resolver(),
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Unknown (\w+ )?server host '/);
  });
});
