// A real moto server on a free loopback port, from the project's own venv.
import { ChildProcess, execFileSync, spawn } from "child_process";
import { createServer } from "net";
import * as path from "path";

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
  return execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", "python-tools.sh")], { encoding: "utf8" }).trim();
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(path.join(pythonVenv(), "bin", "moto_server"), ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  // Keep the tail only: a long e2e run logs every request.
  child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-20_000)));
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
      throw new Error(`moto did not start on ${url}: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    log: () => stderr,
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
