// The real database clients, run with a generated connection string, resolving names through
// the loopback DNS server.
//
// psql and mariadb resolve names with the C library (getaddrinfo: /etc/hosts, then the system's
// DNS servers on port 53), which cannot be pointed at a DNS server on another port. So the
// client runs in a private mount namespace (unshare --mount) where /etc/hosts is a file written
// from the loopback DNS server's answers for the one name in the string, bind-mounted over the
// real one: no LD_PRELOAD, nothing changed outside that process, and the name the client
// connects to, sends as SNI and checks against the certificate is the name in the string. A
// name the DNS server does not answer is absent, and the client fails to resolve it.
//
// node-postgres gets a socket whose lookup asks the DNS server; the name stays the TLS host.
import { spawn } from "node:child_process";
import { promises as dnsPromises } from "node:dns";
import { writeFileSync } from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export interface ClientRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The host a generated CLI string connects to: libpq's host=..., or --host=... */
export function hostOf(cli: string): string {
  const m = /(?:^|[\s"])(?:host=|--host=)([^\s"]+)/.exec(cli);
  if (!m) throw new Error(`no host in ${cli}`);
  return m[1];
}

export function loopbackResolver(dnsAddress: string): dnsPromises.Resolver {
  const resolver = new dnsPromises.Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([dnsAddress]);
  return resolver;
}

/** Runs `cli` (a shell command line as the stack outputs it) plus `extra`, in `cwd`, with the DNS server's answer for its host. */
export async function runCli(
  cli: string,
  extra: string,
  opts: { cwd: string; resolver: dnsPromises.Resolver },
): Promise<ClientRun> {
  const host = hostOf(cli);
  const addresses = await opts.resolver.resolve4(host).catch(() => [] as string[]);
  const hostsFile = path.join(opts.cwd, "hosts");
  writeFileSync(hostsFile, `127.0.0.1 localhost\n${addresses.map((a) => `${a} ${host}\n`).join("")}`);
  const unshare = process.getuid?.() === 0 ? ["--mount"] : ["--map-root-user", "--mount"];
  // Asynchronous: the listeners standing in for the NLB run in this process and must keep serving.
  const child = spawn(
    "unshare",
    [...unshare, "sh", "-c", `mount --bind "${hostsFile}" /etc/hosts && exec ${cli} ${extra}`],
    {
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      // No user config may change what the string says.
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: opts.cwd,
        PSQLRC: "/dev/null",
        PGCONNECT_TIMEOUT: "5",
        LANG: "C",
      },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  clearTimeout(timer);
  return { status, stdout, stderr };
}

/** A node-postgres stream whose name lookups go to the loopback DNS server; pg keeps the name as the TLS servername. */
export function resolvingStream(resolver: dnsPromises.Resolver): () => net.Socket {
  type Lookup = (hostname: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => void;
  const lookup: Lookup = (hostname, options, cb) => {
    resolver.resolve4(hostname).then(
      (addresses) =>
        options.all
          ? cb(
              null,
              addresses.map((address) => ({ address, family: 4 })),
            )
          : cb(null, addresses[0], 4),
      (err) => cb(err),
    );
  };
  class ResolvingSocket extends net.Socket {
    connect(...args: unknown[]): this {
      const [port, host] = args as [number, string];
      return super.connect({ port, host, lookup: lookup as unknown as net.LookupFunction });
    }
  }
  return () => new ResolvingSocket();
}

/**
 * node-postgres with a generated URI, run in `cwd` (sslrootcert names a file relative to the
 * client's working directory) and resolving through the DNS server: the rows of `sql`.
 */
export async function pgQuery(
  uri: string,
  sql: string,
  opts: { cwd: string; resolver: dnsPromises.Resolver },
): Promise<unknown[]> {
  const { Client } = require("pg");
  const previous = process.cwd();
  process.chdir(opts.cwd);
  try {
    const client = new Client({ connectionString: uri, stream: resolvingStream(opts.resolver) });
    client.on("error", () => undefined);
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  } finally {
    process.chdir(previous);
  }
}
