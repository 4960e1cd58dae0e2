// A real DNS server (dns2, UDP) on a free loopback port, answering A records from a table the
// test changes at will, or failing every query when told to.
import type { AddressInfo } from "node:net";
const dns2 = require("dns2");

export interface DnsServer {
  /** ip:port, the value for DNS_SERVERS. */
  readonly address: string;
  /** Name to address; several comma-separated addresses answer as several A records. */
  readonly records: Map<string, string>;
  /** "answer" (default) or "servfail": every query fails, as when DNS is down. */
  mode: "answer" | "servfail";
  queries: number;
  close(): Promise<void>;
}

export async function startDns(): Promise<DnsServer> {
  const { Packet } = dns2;
  const state: DnsServer = {
    address: "",
    records: new Map(),
    mode: "answer",
    queries: 0,
    close: async () => undefined,
  };
  const server = dns2.createServer({
    udp: true,
    handle: (request: { questions: Array<{ name: string; type: number }> }, send: (r: unknown) => void) => {
      state.queries++;
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      if (state.mode === "servfail") {
        response.header.rcode = Packet.RCODE?.SERVFAIL ?? 2;
        return send(response);
      }
      const ip = state.records.get(question.name.toLowerCase());
      if (ip && question.type === Packet.TYPE.A) {
        // Several comma-separated addresses are several A records, as an RDS Proxy endpoint answers.
        for (const address of ip.split(","))
          response.answers.push({
            name: question.name,
            type: Packet.TYPE.A,
            class: Packet.CLASS.IN,
            ttl: 1,
            address,
          });
      } else {
        response.header.rcode = Packet.RCODE?.NXDOMAIN ?? 3;
      }
      send(response);
    },
  });
  const listening = await server.listen({ udp: { port: 0, address: "127.0.0.1" } });
  const udp = (listening?.udp ?? server.addresses().udp) as AddressInfo;
  return Object.assign(state, {
    address: `127.0.0.1:${udp.port}`,
    close: () => server.close(),
  });
}
