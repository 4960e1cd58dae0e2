// The endpoint-service transport in the diagram: the NLB and its ports, the endpoint service,
// and the failover function that moves the ports.
import type { DiagramPart } from "../transport";

const MORE = "<br/>";

export const endpointServiceDiagram: DiagramPart = {
  provider(config, ns) {
    const p = config.provider;
    const ports = p.ports;
    const [nlb, svc, fn, w, r] = ["nlb", "svc", "fn", "w", "r"].map((id) => `${ns}${id}`);
    const lines: string[] = [];
    const portList = [`:${ports.writer} writer`, ...(ports.reader === null ? [] : [`:${ports.reader} reader`])].join(
      ", ",
    );
    const readerSets = ports.readerSets.length
      ? `, :${ports.readerSets[0]}-${ports.readerSets[ports.readerSets.length - 1]} reader sets`
      : "";
    const slots = ports.members.length
      ? `${MORE}:${ports.members[0]}-${ports.members[ports.members.length - 1]} member slots${readerSets}`
      : "";
    lines.push(`${nlb}["internal NLB, cross-zone${MORE}${portList}${slots}"]`);
    const acceptance = p.sharing.acceptanceRequired ? "acceptance required" : "no acceptance step";
    lines.push(
      `${svc}["endpoint service${MORE}${p.sharing.allowedPrincipals.length} allowed principal${p.sharing.allowedPrincipals.length === 1 ? "" : "s"}, ${acceptance}"]`,
    );
    const proxy = p.database.proxy;
    lines.push(
      proxy
        ? `${fn}["failover function${MORE}the proxy's addresses${MORE}RDS events + every ${p.failover.reconcileEveryMinutes} min + at deploy"]`
        : `${fn}["failover function${MORE}RDS events of this database${MORE}+ every ${p.failover.reconcileEveryMinutes} min + at deploy"]`,
    );
    lines.push(`${svc} --> ${nlb}`);
    // An invisible edge puts the function one rank right of the service: in its rank, the edges
    // of a third consumer into the service pass behind the function's box and look like its own
    // (seen in the rendered platform-catalogue). Only with several shares, where a service has
    // that many edges at once: the single-database picture is the README's, kept as it was.
    if (ns) lines.push(`${svc} ~~~ ${fn}`);
    if (proxy) {
      // Behind a proxy the load balancer reaches the proxy, which follows the writer itself.
      const px = `${ns}px`;
      const readOnly = proxy.readOnlyEndpoint ? `${MORE}read-only endpoint` : "";
      lines.push(`${px}["RDS Proxy, TLS required${MORE}:${proxy.port}${readOnly}"]`);
      lines.push(
        `${nlb} -- ":${ports.writer}${ports.reader === null ? "" : ` and :${ports.reader}`} to the proxy's addresses" --> ${px}`,
      );
      lines.push(`${px} -- "follows the writer" --> ${w}`);
      if (proxy.readOnlyEndpoint && p.database.kind === "cluster") lines.push(`${px} -- "read-only endpoint" --> ${r}`);
      lines.push(`${fn} -. "the proxy's addresses changed: register, then deregister" .-> ${nlb}`);
      lines.push(`${fn} -. "its endpoints' addresses" .-> ${px}`);
      return lines;
    }
    if (p.database.kind === "cluster") {
      lines.push(`${nlb} -- ":${ports.writer} to the writer's warm slot" --> ${w}`);
      if (ports.reader !== null) lines.push(`${nlb} -- ":${ports.reader} to that slot's reader set" --> ${r}`);
      lines.push(`${fn} -. "failover: ModifyListener, no registration" .-> ${nlb}`);
    } else {
      lines.push(
        `${nlb} -- ":${ports.writer}${ports.reader === null ? "" : ` and :${ports.reader}`} to the writer's IP" --> ${w}`,
      );
      lines.push(`${fn} -. "failover: register the new IP, then deregister" .-> ${nlb}`);
    }
    lines.push(`${fn} -. "who is the writer" .-> ${w}`);
    return lines;
  },
  consumerEndpoint(_config, c, id) {
    const sources = c.allowedCidrs.length + c.allowedSecurityGroupIds.length;
    return `${id}_ep["interface endpoint${MORE}security group: ${sources} client source${sources === 1 ? "" : "s"}"]`;
  },
  link: (id, ns) => `${id}_ep -- "PrivateLink" --> ${ns}svc`,
};
