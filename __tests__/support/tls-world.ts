// What every verified-TLS test sets up once: the loopback DNS server, a working folder the
// clients run in, and a test CA whose certificate sits there under the region bundle's file
// name, which the stacks' connection strings pass as sslrootcert / --ssl-ca.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type DnsServer, startDns } from "./dns";
import { createCa, type TestCa } from "./tls-ca";

export interface TlsWorld {
  readonly dns: DnsServer;
  readonly work: string;
  readonly ca: TestCa;
}

/** Registers beforeAll/afterAll that make and remove the world; its fields are set once beforeAll has run. */
export function useTlsWorld(prefix: string, region = "us-east-1"): TlsWorld {
  const world: { dns?: DnsServer; work?: string; ca?: TestCa } = {};
  beforeAll(async () => {
    world.dns = await startDns();
    world.work = mkdtempSync(path.join(tmpdir(), prefix));
    world.ca = createCa(world.work);
    // The strings name the region's bundle; here that file is the test CA.
    copyFileSync(world.ca.certFile, path.join(world.work, `${region}-bundle.pem`));
  });
  afterAll(async () => {
    await world.dns?.close();
    if (world.work) rmSync(world.work, { recursive: true, force: true });
  });
  return world as TlsWorld;
}

/** A generated string with its user placeholder filled in: the only edit the tests make to it. */
export const withUser = (s: string, user: string) => s.replace("<user>", user);
