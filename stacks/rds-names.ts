// The database's own RDS names, read from the provider's database: what its server
// certificates are issued for, and so what a verifying client must connect to.
import { Fn } from "cdktf";
import type { DatabaseNames } from "./constructs/consumer-rds-names";
import type { Database } from "./constructs/database";

/**
 * Instance endpoints are named like the cluster endpoint without its "cluster-" label:
 * "mydbcluster.cluster-c7tj4example.us-east-1.rds.amazonaws.com" and
 * "mydbinstance.c7tj4example.us-east-1.rds.amazonaws.com" (Amazon Aurora User Guide, "Types of
 * Aurora endpoints"; the same holds for a Multi-AZ DB cluster's endpoints in the RDS User Guide).
 * RDS stores identifiers in lowercase, so the names are lowercase too.
 */
export function databaseNamesOf(database: Database): DatabaseNames {
  if (database.ref.kind === "instance") return { writer: database.writerAddress };
  // "<id>.<region>.rds.amazonaws.com": the cluster endpoint after its first two labels' prefix.
  const suffix = Fn.replace(database.writerAddress, "/^[^.]+[.]cluster-/", "");
  // Literal names for a created cluster; an existing one's are known at plan time (its cluster_members).
  const identifiers = database.ref.memberIdentifiers;
  return {
    writer: database.writerAddress,
    reader: database.readerAddress,
    // compact: a cluster without members gives no name rather than an empty one.
    instances: Fn.formatlist(Fn.format("%%s.%s", [suffix]), [
      Fn.compact(Fn.split(",", Fn.lower(Fn.join(",", identifiers)))),
    ]),
  };
}
