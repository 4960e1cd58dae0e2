// The failover run, measured against moto and the loopback DNS server: from the RDS event to
// the writer listener's switch, and the AWS calls of that run by kind. A cluster of 4 members
// (4 slots) and, for contrast, a Multi-AZ instance whose writer must be registered. Each
// figure is the median of RUNS failovers. Not a test: it prints numbers and asserts nothing.
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { sync } from "../functions/failover-sync/sync";
import { SILENT } from "../functions/failover-sync/telemetry";
import { startDns } from "../__tests__/support/dns";
import { intercept } from "../__tests__/support/intercept";
import { startMoto } from "../__tests__/support/moto";
import {
  clientConfig,
  createClusterWorld,
  createInstanceWorld,
  failoverTo,
  instanceAddress,
  loopbackResolver,
  testSettings,
} from "../__tests__/support/world";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const [moto, dns] = await Promise.all([startMoto(), startDns()]);
  try {
    const calls: string[] = [];
    let switchedAt = 0;
    let registeredAt = 0;
    const record = <T extends { middlewareStack: { add: unknown } }>(client: T) =>
      intercept(client, async (command, send) => {
        const out = await send();
        calls.push(command);
        if (command === "ModifyListenerCommand" && !switchedAt) switchedAt = performance.now();
        if (command === "RegisterTargetsCommand" && !registeredAt) registeredAt = performance.now();
        return out;
      });
    const deps = {
      rds: record(new RDSClient(clientConfig(moto.url))),
      elb: record(new ElasticLoadBalancingV2Client(clientConfig(moto.url))),
      resolve: loopbackResolver(dns),
      log: SILENT,
      now: Date.now,
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    };
    const line = (label: string, value: string) => console.log(`${label.padEnd(58)} ${value}`);
    const byKind = () => {
      const counts: Record<string, number> = {};
      for (const c of calls) {
        const kind = c.replace(/Command$/, "");
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
      return Object.entries(counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
    };

    // Aurora: 4 members, failover between them, an RDS-EVENT-0071 per failover.
    await moto.reset();
    const members = { "bench-1": "10.0.1.10", "bench-2": "10.0.2.10", "bench-3": "10.0.3.10", "bench-4": "10.0.4.10" };
    const cluster = await createClusterWorld(moto.url, dns, { cluster: "bench", engine: "aurora-mysql", members });
    await sync({ trigger: "deploy" }, testSettings(cluster), deps);
    const toSwitch: number[] = [];
    const whole: number[] = [];
    let lastCalls = "";
    for (let i = 0; i < RUNS; i++) {
      const to = Object.keys(members)[(i + 1) % 4] as keyof typeof members;
      await failoverTo(moto.url, "bench", to);
      // RDS moves the cluster endpoint's record with the writer: the run's second witness.
      dns.records.set(cluster.endpoint, members[to]);
      calls.length = 0;
      switchedAt = 0;
      const start = performance.now();
      await sync(
        {
          source: "aws.rds",
          "detail-type": "RDS DB Cluster Event",
          time: new Date().toISOString(),
          detail: { EventID: "RDS-EVENT-0071" },
        },
        testSettings(cluster),
        deps,
      );
      toSwitch.push(switchedAt - start);
      whole.push(performance.now() - start);
      lastCalls = byKind();
    }
    line("cluster failover run: event to writer switch (median)", `${median(toSwitch).toFixed(1)} ms`);
    line("cluster failover run: whole run (median)", `${median(whole).toFixed(1)} ms`);
    line("cluster failover run: AWS calls", lastCalls);

    // Multi-AZ instance: the endpoint's IP flips; the new writer must be registered.
    await moto.reset();
    const instance = await createInstanceWorld(moto.url, dns, "bench-db", "10.0.1.50");
    await sync({ trigger: "deploy" }, testSettings(instance), deps);
    const toRegister: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      dns.records.set(instanceAddress("bench-db"), `10.0.${(i % 2) + 2}.50`);
      calls.length = 0;
      registeredAt = 0;
      const start = performance.now();
      await sync(
        {
          source: "aws.rds",
          "detail-type": "RDS DB Instance Event",
          time: new Date().toISOString(),
          detail: { EventID: "RDS-EVENT-0049" },
        },
        testSettings(instance),
        deps,
      );
      toRegister.push(registeredAt - start);
      lastCalls = byKind();
    }
    line("Multi-AZ instance run: event to writer registration (median)", `${median(toRegister).toFixed(1)} ms`);
    line("Multi-AZ instance run: AWS calls", lastCalls);
    console.log(
      "(moto on loopback: real AWS API latency and NLB propagation come on top; see docs/failover-timeline.md)",
    );
  } finally {
    await Promise.all([moto.stop(), dns.close()]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
