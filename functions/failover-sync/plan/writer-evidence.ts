// When to believe that the writer changed: the second witness a cluster's writer port waits for.
import type { Member } from "./observed";

/**
 * A second witness for a writer change. One DescribeDBClusters answer may be stale (its
 * consistency is undocumented, and AWS's own JDBC wrapper discards stale topology after a
 * failover), and a stale answer that names the old writer would move the writer port onto a
 * read-only node. So the writer port moves away from a node it serves only when the cluster
 * endpoint's DNS agrees, or when the RDS API has named the same writer for CORROBORATE_MS.
 */
export interface WriterEvidence {
  /** The IP the cluster (writer) endpoint resolves to now; null when unknown. */
  readonly endpointIp: string | null;
  /** How long consecutive reads of this run have named this writer (0: this read alone). */
  readonly namedForMs: number;
  /**
   * The writer's address is one this run recorded for a green member before RDS reported the
   * Blue/Green switchover completed: the API named the deployment's state, and the address did
   * not come from a DNS answer that may lag the rename.
   */
  readonly recordedGreen?: boolean;
}

/**
 * Reads of the RDS API that agree over this long corroborate a writer change without DNS: twice
 * the cluster endpoint's 5 s TTL ("Aurora DNS zones use a short time-to-live (TTL) of 5
 * seconds", AWS re:Post), so a genuine change is usually corroborated by DNS first, and a run
 * of stale answers must last this long to pass.
 */
export const CORROBORATE_MS = 10_000;

/** Does the evidence back a move of the writer port to `writer`? */
export function corroborates(writer: Member, evidence: WriterEvidence | undefined): boolean {
  return (
    evidence === undefined ||
    evidence.recordedGreen === true ||
    evidence.endpointIp === writer.ip ||
    evidence.namedForMs >= CORROBORATE_MS
  );
}
