// What a consumer pastes into a client: connection strings that verify the server's identity
// against the RDS CA bundle (the default), and the plain-TLS forms for clients that cannot.
//
// Why verification works through PrivateLink: the consumer connects by the database's own RDS
// name (resolved to its endpoint inside its VPC), and "the SSL/TLS certificate includes the DB
// instance endpoint as the Common Name (CN)" (Amazon RDS User Guide, "SSL/TLS support for
// MariaDB/MySQL DB instances"), "the DB cluster endpoint" for Aurora (Amazon Aurora User
// Guide, "Securing Aurora PostgreSQL data with SSL/TLS"). TLS checks the name, not the address
// or the port, so a listener port that differs from the database's own changes nothing.
import type { Engine } from "../config/engines";
import { behindProxy, type SharedView } from "../config/resolve";

/** The RDS CA bundle of a region: the file the strings name, and where AWS publishes it. */
export interface CaBundle {
  /** File name the strings pass as sslrootcert / --ssl-ca, relative to the client's working directory. */
  readonly file: string;
  /** Download address; undefined where the AWS sources found here give none (China, ISO partitions). */
  readonly url?: string;
}

/**
 * "https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem", and for the AWS
 * GovCloud (US) Regions "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/<region>/<region>-bundle.pem"
 * (Amazon RDS User Guide, "Using SSL/TLS to encrypt a connection to a DB instance or cluster",
 * certificate bundles by AWS Region).
 */
export function rdsCaBundle(region: string): CaBundle {
  const file = `${region}-bundle.pem`;
  if (region.startsWith("us-gov-"))
    return { file, url: `https://truststore.pki.us-gov-west-1.rds.amazonaws.com/${region}/${file}` };
  if (/^(cn|us-iso[a-z]?)-/.test(region)) return { file };
  return { file, url: `https://truststore.pki.rds.amazonaws.com/${region}/${file}` };
}

/**
 * The roots of Amazon Trust Services: an RDS Proxy presents a certificate from AWS Certificate
 * Manager, not one of the RDS CA ("RDS Proxy uses certificates from the AWS Certificate Manager
 * (ACM)"; for VERIFY_CA or VERIFY_IDENTITY, "download all root CA PEMs from Amazon Trust Services
 * and place them into a single .pem file": RDS User Guide, "Using TLS/SSL with RDS Proxy"). url
 * is the repository page that lists them (Amazon Root CA 1 to 4); an earlier version of the page
 * named Amazon Root CA 1 alone.
 */
export const AMAZON_ROOT_CAS: CaBundle = {
  file: "amazon-root-cas.pem",
  url: "https://www.amazontrust.com/repository/",
};

/** The trust store a share's certificates chain to: the RDS CA bundle of its region, or Amazon's roots behind a proxy. */
export function caBundleOf(view: SharedView): CaBundle {
  return behindProxy(view) ? AMAZON_ROOT_CAS : rdsCaBundle(view.provider.account.region);
}

export interface ConnectionStrings {
  /** The engine's own command-line client: psql, or MySQL's mysql (8.0 and later). */
  readonly cli: string;
  /** MySQL family: the MariaDB client, whose verification flag differs from MySQL's. */
  readonly mariadb?: string;
  /** PostgreSQL: a libpq URI, which node-postgres and most drivers read. */
  readonly uri?: string;
  readonly jdbc: string;
}

/**
 * Verified: sslmode=verify-full (libpq, pgJDBC), --ssl-mode=VERIFY_IDENTITY (MySQL client),
 * sslMode=VERIFY_IDENTITY (Connector/J), --ssl-verify-server-cert (MariaDB client). `host`
 * must be a name the RDS certificate carries.
 */
export function connectionStrings(
  engine: Engine,
  host: string,
  port: number,
  bundle: CaBundle,
  /**
   * "name": verify the chain and the name (the default). "chain": the chain only, for a proxy's
   * read-only endpoint, whose name the proxy's wildcard certificate does not cover ("You can't
   * use that SSL mode when you connect to proxy endpoints that you create": RDS User Guide,
   * "Using TLS/SSL with RDS Proxy").
   */
  verify: "name" | "chain" = "name",
): ConnectionStrings {
  const trustStore = bundle === AMAZON_ROOT_CAS ? "amazon-truststore.jks" : "rds-truststore.jks";
  if (engine === "mysql" || engine === "aurora-mysql") {
    const mode = verify === "name" ? "VERIFY_IDENTITY" : "VERIFY_CA";
    return {
      cli: `mysql --host=${host} --port=${port} --user=<user> --ssl-mode=${mode} --ssl-ca=${bundle.file}`,
      // The MariaDB client checks the chain and the name together: no string where only the chain verifies.
      ...(verify === "name"
        ? {
            mariadb: `mariadb --host=${host} --port=${port} --user=<user> --ssl-verify-server-cert --ssl-ca=${bundle.file}`,
          }
        : {}),
      // Connector/J reads trusted certificates from a key store: import the bundle with keytool
      // (and add trustCertificateKeyStorePassword when the store has one).
      jdbc: `jdbc:mysql://${host}:${port}/?sslMode=${mode}&trustCertificateKeyStoreUrl=file:${trustStore}`,
    };
  }
  const mode = verify === "name" ? "verify-full" : "verify-ca";
  return {
    cli: `psql "host=${host} port=${port} dbname=postgres user=<user> sslmode=${mode} sslrootcert=${bundle.file}"`,
    uri: `postgresql://<user>@${host}:${port}/postgres?sslmode=${mode}&sslrootcert=${bundle.file}`,
    jdbc: `jdbc:postgresql://${host}:${port}/postgres?sslmode=${mode}&sslrootcert=${bundle.file}`,
  };
}

/** Encrypted but unverified, for clients that cannot verify: any name that reaches the endpoint works. */
export function unverifiedConnectionStrings(engine: Engine, host: string, port: number): { cli: string; jdbc: string } {
  if (engine === "mysql" || engine === "aurora-mysql") {
    return {
      cli: `mysql --host=${host} --port=${port} --user=<user> --ssl-mode=REQUIRED`,
      jdbc: `jdbc:mysql://${host}:${port}/?sslMode=REQUIRED`,
    };
  }
  return {
    cli: `psql "host=${host} port=${port} dbname=postgres user=<user> sslmode=require"`,
    jdbc: `jdbc:postgresql://${host}:${port}/postgres?sslmode=require`,
  };
}
