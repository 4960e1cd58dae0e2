// Real database servers on loopback, with TLS: PostgreSQL and MariaDB from Debian's packages
// (scripts/db-servers.sh installs them). Each runs in its own temporary directory on a port of
// its own and is stopped by the test that started it (its process group only).
//
// PostgreSQL refuses to run as root, so as root it runs as the unprivileged user `nobody`;
// MariaDB is started with --user=root, which it accepts.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { ServerCertificate, TestCa } from "./tls-ca";

export interface DbServer {
  readonly engine: "postgres" | "mariadb";
  readonly host: string;
  readonly port: number;
  /** A user that may log in over TLS without a password (the test's stand-in for the application's). */
  readonly user: string;
  log(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function postgresBin(name: string): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", name))) : [];
  if (versions.length === 0) throw new Error(`PostgreSQL's ${name} is not installed: run bash scripts/db-servers.sh`);
  return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0], "bin", name);
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a command as `nobody` when we are root (PostgreSQL's initdb and postgres refuse root). */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", "nobody", "--", command, ...args]] : [command, args];
}

function ownForServer(file: string) {
  if (!isRoot()) return;
  const uid = Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "nobody"], { encoding: "utf8" }).trim());
  chownSync(file, uid, gid);
}

/** Starts `command` in its own process group and waits until its log shows `ready`. */
async function startAndWait(
  command: string,
  args: string[],
  logFile: string,
  ready: RegExp,
  what: string,
): Promise<ChildProcess> {
  const child = spawn(command, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const log = output + (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
    if (ready.test(log)) return child;
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${log.slice(-3000)}`);
    if (Date.now() > deadline) {
      stopGroup(child);
      throw new Error(`${what} did not become ready in 60 s:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    child.once("exit", () => resolve());
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      resolve();
    }
  });
}

/** PostgreSQL that accepts TLS connections only (pg_hba: hostssl), with `certificate` as its server certificate. */
export async function startPostgres(dir: string, port: number, certificate: ServerCertificate): Promise<DbServer> {
  ownForServer(dir);
  const data = path.join(dir, "data");
  const [initdb, initArgs] = asServerUser(postgresBin("initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "--no-sync",
    "--no-instructions",
  ]);
  execFileSync(initdb, initArgs, { stdio: "pipe", cwd: dir });
  // Only hostssl: a client that does not negotiate TLS is refused, as with rds.force_ssl=1.
  writeFileSync(path.join(data, "pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 trust\n");
  const cert = path.join(data, "server.pem");
  const key = path.join(data, "server.key");
  copyFileSync(certificate.certFile, cert);
  copyFileSync(certificate.keyFile, key);
  for (const f of [cert, key]) ownForServer(f);
  chmodSync(key, 0o600);
  const logFile = path.join(dir, "postgres.log");
  const [postgres, args] = asServerUser(postgresBin("postgres"), [
    "-D",
    data,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    `port=${port}`,
    "-c",
    `unix_socket_directories=${dir}`,
    "-c",
    "ssl=on",
    "-c",
    `ssl_cert_file=${cert}`,
    "-c",
    `ssl_key_file=${key}`,
    "-c",
    "fsync=off",
  ]);
  const child = await startAndWait(
    postgres,
    args,
    logFile,
    /database system is ready to accept connections/,
    "postgres",
  );
  let log = "";
  child.stderr!.on("data", (d) => (log += d));
  return {
    engine: "postgres",
    host: "127.0.0.1",
    port,
    user: "postgres",
    log: () => log,
    stop: () => stopGroup(child),
  };
}

/** MariaDB with require_secure_transport, `certificate` as its server certificate, and a user `app` that may connect from anywhere. */
export async function startMariadb(
  dir: string,
  port: number,
  certificate: ServerCertificate,
  ca: TestCa,
): Promise<DbServer> {
  const data = path.join(dir, "data");
  const socket = path.join(dir, "mysqld.sock");
  execFileSync(
    "mariadb-install-db",
    ["--no-defaults", `--datadir=${data}`, "--user=root", "--auth-root-authentication-method=socket", "--skip-test-db"],
    { stdio: "pipe" },
  );
  const logFile = path.join(dir, "mariadb.err");
  const mariadbd = existsSync("/usr/sbin/mariadbd") ? "/usr/sbin/mariadbd" : "mariadbd";
  const child = await startAndWait(
    mariadbd,
    [
      "--no-defaults",
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--pid-file=${path.join(dir, "mariadb.pid")}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      "--user=root",
      "--skip-name-resolve",
      `--log-error=${logFile}`,
      `--ssl-cert=${certificate.certFile}`,
      `--ssl-key=${certificate.keyFile}`,
      `--ssl-ca=${ca.certFile}`,
      "--require-secure-transport=ON",
      "--innodb-flush-log-at-trx-commit=0",
    ],
    logFile,
    /ready for connections/,
    "mariadbd",
  );
  execFileSync(
    "mariadb",
    ["--no-defaults", `--socket=${socket}`, "-uroot", "-e", "CREATE USER 'app'@'%'; GRANT SELECT ON *.* TO 'app'@'%';"],
    { stdio: "pipe" },
  );
  return {
    engine: "mariadb",
    host: "127.0.0.1",
    port,
    user: "app",
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    stop: () => stopGroup(child),
  };
}

/**
 * The provider's NLB as the consumer sees it: one TCP listener per port on the endpoint's
 * address, passing bytes through to a server (TLS runs end to end, as through PrivateLink).
 */
export async function startListeners(
  address: string,
  routes: Array<{ port: number; to: { host: string; port: number } }>,
): Promise<{ close(): Promise<void> }> {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  for (const route of routes) {
    const server = net.createServer((client) => {
      const upstream = net.connect(route.to.port, route.to.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(route.port, address, () => resolve());
    });
    servers.push(server);
  }
  return {
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))));
    },
  };
}
