// A test certificate authority made with the real openssl CLI, and server certificates whose
// names mimic the ones RDS issues: the CN is the endpoint ("the SSL/TLS certificate includes the
// DB instance endpoint as the Common Name (CN)", Amazon RDS User Guide; "the DB cluster
// endpoint" for Aurora, Amazon Aurora User Guide), and every name a client may use is a DNS
// subject alternative name, which is what libpq, OpenSSL-based MariaDB clients and Node check.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";

export interface TestCa {
  readonly dir: string;
  /** PEM of the CA certificate: what a client trusts (the stand-in for the RDS CA bundle). */
  readonly certFile: string;
  readonly keyFile: string;
}

export interface ServerCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly names: string[];
}

const openssl = (args: string[], cwd: string) =>
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });

export function createCa(dir: string, commonName = "Test RDS-like Root CA"): TestCa {
  const keyFile = path.join(dir, "ca.key");
  const certFile = path.join(dir, "ca.pem");
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "2",
      "-subj",
      `/CN=${commonName}`,
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    dir,
  );
  return { dir, certFile, keyFile };
}

/** A server certificate signed by `ca` for `names` (the first is the CN), written as <label>.pem / <label>.key. */
export function issueServerCertificate(ca: TestCa, dir: string, label: string, names: string[]): ServerCertificate {
  const keyFile = path.join(dir, `${label}.key`);
  const certFile = path.join(dir, `${label}.pem`);
  const csr = path.join(dir, `${label}.csr`);
  const ext = path.join(dir, `${label}.ext`);
  writeFileSync(
    ext,
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  openssl(
    ["req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", `/CN=${names[0]}`, "-keyout", keyFile, "-out", csr],
    dir,
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      ca.certFile,
      "-CAkey",
      ca.keyFile,
      "-CAcreateserial",
      "-days",
      "2",
      "-sha256",
      "-extfile",
      ext,
      "-out",
      certFile,
    ],
    dir,
  );
  return { certFile, keyFile, names };
}
