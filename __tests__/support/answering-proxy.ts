// A proxy on loopback in front of the emulator that answers the EC2 query-protocol actions the
// emulator does not implement, in the response shape AWS documents, and forwards every other
// request unchanged. The SDK under test parses the answer as it parses AWS's own.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** An action's answer: the XML body of its response, from the request's form parameters. */
export type Answer = (params: URLSearchParams) => string;

export interface AnsweringProxy {
  readonly url: string;
  /** The actions it answered, in order. */
  readonly answered: string[];
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startAnsweringProxy(target: string, answers: Record<string, Answer>): Promise<AnsweringProxy> {
  const answered: string[] = [];
  const server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    const params = new URLSearchParams(body.toString("utf8"));
    const action = params.get("Action");
    const answer = action ? answers[action] : undefined;
    if (answer && action) {
      answered.push(action);
      res.writeHead(200, { "Content-Type": "text/xml;charset=UTF-8" });
      res.end(answer(params));
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k, v]) => typeof v === "string" && k !== "host" && k !== "content-length"),
    ) as Record<string, string>;
    const r = await fetch(new URL(req.url ?? "/", target), {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const out = Buffer.from(await r.arrayBuffer());
    res.writeHead(r.status, { "Content-Type": r.headers.get("content-type") ?? "text/xml" });
    res.end(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Connection {
  readonly vpcEndpointId: string;
  readonly serviceId: string;
  readonly owner: string;
  readonly state: string;
}

/**
 * DescribeVpcEndpointConnections as EC2 answers it: VpcEndpointConnections of VpcEndpointId,
 * ServiceId, CreationTimestamp, VpcEndpointState and VpcEndpointOwner (Amazon EC2 API Reference,
 * DescribeVpcEndpointConnections and VpcEndpointConnection; the AWS CLI reference's example
 * output of describe-vpc-endpoint-connections has these fields), in the EC2 query protocol's XML:
 * the list as vpcEndpointConnectionSet of item, each member by its camel-case name.
 */
export function vpcEndpointConnections(connections: readonly Connection[]): Answer {
  return (params) => {
    // The service-id filter, as status sends it: only that service's connections.
    const filterValue = [...params.entries()].find(([k]) => /^Filter\.\d+\.Value\.1$/.test(k))?.[1];
    const items = connections
      .filter((c) => !filterValue || c.serviceId === filterValue)
      .map(
        (c) =>
          `<item><vpcEndpointId>${c.vpcEndpointId}</vpcEndpointId><serviceId>${c.serviceId}</serviceId><creationTimestamp>2026-12-01T09:30:00.000Z</creationTimestamp><vpcEndpointState>${c.state}</vpcEndpointState><vpcEndpointOwner>${c.owner}</vpcEndpointOwner></item>`,
      )
      .join("");
    return `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeVpcEndpointConnectionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId><vpcEndpointConnectionSet>${items}</vpcEndpointConnectionSet></DescribeVpcEndpointConnectionsResponse>`;
  };
}
