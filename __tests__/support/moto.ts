// A real moto server on a free loopback port, from the project's own venv.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface Moto {
  readonly url: string;
  /** The last lines moto wrote, for a failing test's message. */
  log(): string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The venv that scripts/python-tools.sh maintains (built on first use, reused after). */
export function pythonVenv(): string {
  return execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", "python-tools.sh")], {
    encoding: "utf8",
  }).trim();
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A file, not a pipe: while a test blocks in a synchronous call (spawnSync of terraform),
  // nobody drains a pipe, and moto would stall on a full one in the middle of a request.
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), "rds-privatelink-moto-")), "moto.log");
  const logFd = openSync(logFile, "a");
  const child: ChildProcess = spawn(
    path.join(pythonVenv(), "bin", "moto_server"),
    ["-H", "127.0.0.1", "-p", String(port)],
    {
      stdio: ["ignore", logFd, logFd],
    },
  );
  closeSync(logFd);
  const tail = () => readFileSync(logFile, "utf8").slice(-20_000);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/moto-api/data.json`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`moto did not start on ${url}: ${tail().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    log: tail,
    reset: async () => {
      await fetch(`${url}/moto-api/reset`, { method: "POST" });
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
