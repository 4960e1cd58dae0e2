// MySQL host blocking by load-balancer health checks, on a real MySQL-family server (MariaDB from
// Debian) on loopback, with the real `mariadb` client logging in.
//
// The shape of an NLB in front of the database: one node address (here 127.0.0.2) both
// TCP-health-checks the instance (connect, then close before the MySQL handshake) and carries
// the clients' connections (the node is a TCP relay, so the server sees the node's address, as
// an RDS instance behind a PrivateLink NLB does). The server skips its host cache for 127.0.0.1
// and ::1 only (MariaDB and MySQL sql/hostname.cc, is_ip_loopback), so any other 127.0.0.0/8
// address is counted like a remote host.
import * as net from "node:net";
import { MAX_CONNECT_ERRORS } from "../../stacks/constructs/instance-parameters";
import { type MariaDb, run, startMariaDb } from "../support/mariadb";

jest.setTimeout(120_000);

const NODE = "127.0.0.2";
const USER = "app";
const PASSWORD = "app-secret-1";
/** Probes per scenario: ten times MySQL's default limit of 100. */
const PROBES = 1000;
const BLOCKED = /Host '127\.0\.0\.2' is blocked because of many connection errors/;

let db: MariaDb;
let node: net.Server;
let nodePort: number;

beforeAll(async () => {
  db = await startMariaDb();
  await db.sql(`CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}'`);
  // The NLB node: every client connection is relayed to the server from the node's address.
  node = net.createServer((client) => {
    const upstream = net.connect({ host: db.host, port: db.port, localAddress: NODE });
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => node.listen(0, "127.0.0.1", resolve));
  nodePort = (node.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (node ? node.close(() => resolve()) : resolve()));
  await db?.stop();
});

/**
 * One NLB TCP health check from the node's address: the TCP handshake, and when the server
 * answers (its greeting), a reset, before any MySQL handshake (the NLB's behaviour as
 * captured in qiita.com/araryo/items/09eb79c59be7e3961bc0).
 */
function probe(from: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: db.host, port: db.port, localAddress: from });
    socket.once("data", () => socket.resetAndDestroy());
    socket.setTimeout(5_000, () => socket.resetAndDestroy());
    socket.once("close", () => resolve());
    socket.once("error", () => resolve());
  });
}

async function probes(count: number, from = NODE): Promise<void> {
  for (let i = 0; i < count; i++) await probe(from);
}

/** A real login with the mariadb CLI, through the node (or straight to the server). */
async function login(through: "node" | "direct" = "node"): Promise<{ ok: boolean; output: string }> {
  const port = through === "node" ? nodePort : db.port;
  const r = await run("mariadb", [
    "--no-defaults",
    "--protocol=tcp",
    "-h",
    "127.0.0.1",
    "-P",
    String(port),
    `-u${USER}`,
    `-p${PASSWORD}`,
    "--skip-ssl",
    "--batch",
    "--skip-column-names",
    "-e",
    "SELECT USER()",
  ]);
  return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

/** The connect errors the server has counted for an address (its host cache, via performance_schema). */
async function countedErrors(ip: string): Promise<number | undefined> {
  const out = await db.sql(`SELECT SUM_CONNECT_ERRORS FROM performance_schema.host_cache WHERE IP = '${ip}'`);
  return out === "" ? undefined : Number(out);
}

/** Counting ends on the server's side after the probe's socket closed on ours: wait until it has. */
async function settled(ip: string, atLeast: number): Promise<number | undefined> {
  const deadline = Date.now() + 10_000;
  let seen = await countedErrors(ip);
  while ((seen ?? 0) < atLeast && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    seen = await countedErrors(ip);
  }
  return seen;
}

async function limit(value: number): Promise<void> {
  await db.sql(`SET GLOBAL max_connect_errors = ${value}; FLUSH HOSTS`);
}

describe("MySQL host blocking by TCP health checks, on a real server", () => {
  it("logs in through the node before any probe, as the node's address", async () => {
    await limit(10);
    const first = await login();
    expect(first).toEqual({ ok: true, output: `${USER}@${NODE}` });
  });

  it("with max_connect_errors at 10, lets 9 probes pass and blocks the node after the 10th: a real login through it is refused", async () => {
    await limit(10);
    await probes(9);
    expect(await settled(NODE, 9)).toBe(9);
    // Under the limit the login gets in, and a successful login resets the node's count.
    expect(await login()).toEqual({ ok: true, output: `${USER}@${NODE}` });
    expect(await countedErrors(NODE)).toBe(0);

    await probes(10);
    expect(await settled(NODE, 10)).toBe(10);
    const refused = await login();
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(BLOCKED);
    // The right password does not help: every client behind that node is out until FLUSH HOSTS.
    expect((await login()).output).toMatch(BLOCKED);
  });

  it(`with MySQL's default of 100, ${PROBES} probes block the node (the count stops at the limit: refused connections are not counted again)`, async () => {
    await limit(100);
    // The server counts a probe's error after the probe's socket has closed on this side, so the
    // next probe can be let in before the previous one is counted. Let the first 100 be counted
    // before the rest arrive: then every later probe meets a node that is already blocked.
    await probes(100);
    expect(await settled(NODE, 100)).toBe(100);
    await probes(PROBES - 100);
    await new Promise((r) => setTimeout(r, 200));
    expect(await countedErrors(NODE)).toBe(100);
    expect((await login()).output).toMatch(BLOCKED);
  });

  it(`with the value the created database ships (${MAX_CONNECT_ERRORS}), the same ${PROBES} probes, all counted, leave a real login working`, async () => {
    await limit(MAX_CONNECT_ERRORS);
    // The server takes the value as it is, not capped to a lower maximum.
    expect(await db.sql("SELECT @@GLOBAL.max_connect_errors")).toBe(String(MAX_CONNECT_ERRORS));
    await probes(PROBES);
    expect(await settled(NODE, PROBES)).toBe(PROBES);
    expect(await login()).toEqual({ ok: true, output: `${USER}@${NODE}` });
  });

  it("counts nothing for 127.0.0.1, which the server leaves out of its host cache: why the node here is 127.0.0.2", async () => {
    await limit(10);
    await probes(11, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 200));
    expect(await countedErrors("127.0.0.1")).toBeUndefined();
    expect((await login("direct")).ok).toBe(true);
  });
});
