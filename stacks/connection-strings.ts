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
export function connectionStrings(engine: Engine, host: string, port: number, bundle: CaBundle): ConnectionStrings {
  if (engine === "mysql" || engine === "aurora-mysql") {
    return {
      cli: `mysql --host=${host} --port=${port} --user=<user> --ssl-mode=VERIFY_IDENTITY --ssl-ca=${bundle.file}`,
      mariadb: `mariadb --host=${host} --port=${port} --user=<user> --ssl-verify-server-cert --ssl-ca=${bundle.file}`,
      // Connector/J reads trusted certificates from a key store: import the bundle with keytool
      // (and add trustCertificateKeyStorePassword when the store has one).
      jdbc: `jdbc:mysql://${host}:${port}/?sslMode=VERIFY_IDENTITY&trustCertificateKeyStoreUrl=file:rds-truststore.jks`,
    };
  }
  return {
    cli: `psql "host=${host} port=${port} dbname=postgres user=<user> sslmode=verify-full sslrootcert=${bundle.file}"`,
    uri: `postgresql://<user>@${host}:${port}/postgres?sslmode=verify-full&sslrootcert=${bundle.file}`,
    jdbc: `jdbc:postgresql://${host}:${port}/postgres?sslmode=verify-full&sslrootcert=${bundle.file}`,
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
