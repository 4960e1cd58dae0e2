// RDS Proxy mode's reads: the proxy's endpoints from the RDS API, and each endpoint's addresses
// from a fresh DNS lookup (one per subnet of the proxy; they change when the proxy scales or is
// maintained). The run registers these addresses; who the database's writer is, the proxy knows.
import { DescribeDBProxiesCommand, DescribeDBProxyEndpointsCommand, type RDSClient } from "@aws-sdk/client-rds";
import type { ProxyRef } from "./environment";
import type { ResolveAll } from "./topology";

/** One endpoint of the proxy as a run read it. */
export interface ProxyEndpointRead {
  readonly name: string;
  readonly status: string;
  readonly address: string | null;
  /** Its A records now, sorted; null when the lookup failed. */
  readonly addresses: string[] | null;
}

export interface ProxyTopology {
  /** The proxy's own (read/write) endpoint. */
  readonly proxy: ProxyEndpointRead;
  /** The read-only endpoint the reader port uses; absent: the reader port uses the proxy's own. */
  readonly reader?: ProxyEndpointRead;
  /** What keeps an endpoint's addresses unknown, or needs an operator; any entry makes the run fail loudly. */
  readonly problems: string[];
}

// States in which the proxy cannot serve until someone acts (RDS API Reference, DBProxy Status):
// the run still follows its addresses, and says so.
const NEEDS_AN_OPERATOR = new Set(["incompatible-network", "insufficient-resource-limits", "suspended", "suspending"]);

export async function readProxy(rds: RDSClient, resolveAll: ResolveAll, ref: ProxyRef): Promise<ProxyTopology> {
  const problems: string[] = [];
  const lookup = async (name: string, status: string, address: string | undefined): Promise<ProxyEndpointRead> => {
    if (NEEDS_AN_OPERATOR.has(status))
      problems.push(`proxy endpoint ${name} is ${status}: it serves no one until that is fixed`);
    if (!address) {
      problems.push(`proxy endpoint ${name} reports no address (status ${status})`);
      return { name, status, address: null, addresses: null };
    }
    try {
      const addresses = [...new Set(await resolveAll(address))].sort();
      return { name, status, address, addresses };
    } catch (e) {
      problems.push(`cannot resolve ${address} (proxy endpoint ${name}): ${(e as Error).message}`);
      return { name, status, address, addresses: null };
    }
  };
  const missing = (name: string, what: string): ProxyEndpointRead => {
    problems.push(`${what} not found`);
    return { name, status: "missing", address: null, addresses: null };
  };
  const [proxies, endpoints] = await Promise.all([
    orMissing(rds.send(new DescribeDBProxiesCommand({ DBProxyName: ref.name })), "DBProxyNotFoundFault"),
    ref.readerEndpoint === undefined
      ? undefined
      : orMissing(
          rds.send(
            new DescribeDBProxyEndpointsCommand({ DBProxyName: ref.name, DBProxyEndpointName: ref.readerEndpoint }),
          ),
          "DBProxyEndpointNotFoundFault",
        ),
  ]);
  const p = proxies?.DBProxies?.find((x) => x.DBProxyName === ref.name);
  const proxy = p
    ? await lookup(ref.name, p.Status ?? "unknown", p.Endpoint)
    : missing(ref.name, `DB proxy ${ref.name}`);
  if (ref.readerEndpoint === undefined) return { proxy, problems };
  const e = endpoints?.DBProxyEndpoints?.find((x) => x.DBProxyEndpointName === ref.readerEndpoint);
  if (e && e.TargetRole !== "READ_ONLY")
    problems.push(
      `proxy endpoint ${ref.readerEndpoint} has target role ${e.TargetRole ?? "unknown"}, not READ_ONLY: the reader port would reach the writer`,
    );
  const reader = e
    ? await lookup(ref.readerEndpoint, e.Status ?? "unknown", e.Endpoint)
    : missing(ref.readerEndpoint, `DB proxy endpoint ${ref.readerEndpoint} of ${ref.name}`);
  return { proxy, reader, problems };
}

/** A name that does not exist is answered with a fault, not an empty list (RDS API Reference): undefined then. */
async function orMissing<T>(call: Promise<T>, fault: string): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if ((e as Error).name === fault) return undefined;
    throw e;
  }
}
