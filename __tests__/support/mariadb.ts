// A throwaway MariaDB server (the MySQL family, from Debian's packages) in a temporary directory,
// on a free loopback port: initialized with mariadb-install-db, run as a child process (never the
// system service), stopped and deleted by stop(). scripts/db-servers.sh installs the packages.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { freePort } from "./moto";

export const MARIADBD = "/usr/sbin/mariadbd";

export interface MariaDb {
  /** The loopback address and port it listens on for TCP. */
  readonly host: string;
  readonly port: number;
  /** Its Unix socket: root logs in there (unix_socket authentication, we run as root). */
  readonly socket: string;
  /** Runs SQL as root over the socket, which the host cache never sees; resolves to its output (tab-separated). */
  sql(statement: string): Promise<string>;
  /** The last lines of its error log, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

export interface MariaDbOptions {
  /** Extra server options, e.g. ["--max-connect-errors=10"]. */
  readonly options?: string[];
}

/** Why no server can be started here, or undefined when one can. */
export function mariadbMissing(): string | undefined {
  if (!existsSync(MARIADBD)) return `${MARIADBD} is not installed: run bash scripts/db-servers.sh`;
  return undefined;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without a shell and without throwing: the exit code and both outputs. */
export function run(command: string, args: string[], timeoutMs = 30_000): Promise<CommandResult> {
  return new Promise((resolve) =>
    execFile(command, args, { encoding: "utf8", timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error
        ? typeof (error as { code?: unknown }).code === "number"
          ? (error as { code: number }).code
          : -1
        : 0;
      resolve({ code, stdout, stderr });
    }),
  );
}

export async function startMariaDb(opts: MariaDbOptions = {}): Promise<MariaDb> {
  const missing = mariadbMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-mariadb-"));
  const datadir = path.join(dir, "data");
  const socket = path.join(dir, "mariadb.sock");
  const errorLog = path.join(dir, "error.log");
  // --no-defaults everywhere: nothing of the machine's /etc/mysql reaches this server.
  const init = await run(
    "mariadb-install-db",
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      "--user=root",
      "--skip-test-db",
      "--auth-root-authentication-method=socket",
    ],
    120_000,
  );
  if (init.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed (${init.code}): ${(init.stderr || init.stdout).slice(-2000)}`);
  }
  const host = "127.0.0.1";
  const port = await freePort();
  const logFd = openSync(path.join(dir, "stdout.log"), "a");
  const child: ChildProcess = spawn(
    MARIADBD,
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      `--socket=${socket}`,
      `--pid-file=${path.join(dir, "mariadbd.pid")}`,
      `--log-error=${errorLog}`,
      `--bind-address=${host}`,
      `--port=${port}`,
      "--user=root",
      "--skip-log-bin",
      // Small: the machine is shared, and these tests store nothing.
      "--innodb-buffer-pool-size=16M",
      "--performance-schema=ON",
      ...(opts.options ?? []),
    ],
    { stdio: ["ignore", logFd, logFd] },
  );
  closeSync(logFd);
  const log = () => (existsSync(errorLog) ? readFileSync(errorLog, "utf8").slice(-4000) : "");
  const sql = async (statement: string) => {
    const r = await run("mariadb", [
      "--no-defaults",
      `--socket=${socket}`,
      "-uroot",
      "--batch",
      "--skip-column-names",
      "-e",
      statement,
    ]);
    if (r.code !== 0) throw new Error(`mariadb -e ${JSON.stringify(statement)} failed (${r.code}): ${r.stderr}`);
    return r.stdout.trim();
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", done);
      child.kill("SIGTERM");
    });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      const tail = log();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mariadbd exited (${child.exitCode}) before it served: ${tail.slice(-2000)}`);
    }
    const ping = await run("mariadb-admin", ["--no-defaults", `--socket=${socket}`, "-uroot", "ping"], 5_000);
    if (ping.code === 0) break;
    if (Date.now() > deadline) {
      const tail = log();
      await stop();
      throw new Error(`mariadbd did not answer on ${socket} within 60 s: ${tail.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { host, port, socket, sql, log, stop };
}
