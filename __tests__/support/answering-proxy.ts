// A proxy on loopback in front of the emulator that answers the actions the emulator does not
// implement (or cannot make fail as AWS does), in the response shape AWS documents, and forwards
// every other request unchanged. The SDK under test parses the answer as it parses AWS's own. An
// action is the query protocol's Action (EC2) or the JSON protocol's X-Amz-Target (SSM).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** An action's answer, from the request's form parameters: an XML body (200), or a whole response. */
export type Answer = (
  params: URLSearchParams,
) => string | { readonly status: number; readonly contentType: string; readonly body: string };

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
    const amzTarget = req.headers["x-amz-target"];
    const action = typeof amzTarget === "string" ? amzTarget : params.get("Action");
    const answer = action ? answers[action] : undefined;
    if (answer && action) {
      answered.push(action);
      const out = answer(params);
      const whole = typeof out === "string" ? { status: 200, contentType: "text/xml;charset=UTF-8", body: out } : out;
      res.writeHead(whole.status, { "Content-Type": whole.contentType });
      res.end(whole.body);
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

/**
 * An error of a JSON-protocol service as AWS sends one: HTTP 400 with the error's type in
 * `__type` and its text in `message` (AWS Systems Manager API Reference, "Common Errors";
 * AccessDeniedException is one of GetParameter's documented errors).
 */
export function jsonError(type: string, message: string): Answer {
  return () => ({
    status: 400,
    contentType: "application/x-amz-json-1.1",
    body: JSON.stringify({ __type: type, message }),
  });
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
