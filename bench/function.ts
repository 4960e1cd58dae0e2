// Cold start of the bundled failover function against moto: module init, then the first
// handler call (which populates the groups), then a steady-state call and its AWS calls.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startDns } from "../__tests__/support/dns";
import { startMoto } from "../__tests__/support/moto";
import { createClusterWorld, testEnvironment } from "../__tests__/support/world";
import { bundleFailoverFunction } from "../stacks/bundle";
import * as path from "node:path";

async function main() {
  const [moto, dns] = await Promise.all([startMoto(), startDns()]);
  try {
    const world = await createClusterWorld(moto.url, dns, {
      cluster: "bench",
      engine: "aurora-mysql",
      members: { "bench-1": "10.0.1.10", "bench-2": "10.0.2.10", "bench-3": "10.0.3.10" },
    });
    const bundle = path.join(bundleFailoverFunction(), "index.js");
    // A fresh node process, as a cold Lambda container: time the require and two calls.
    const probe = `
      const t0 = process.hrtime.bigint();
      const fn = require(${JSON.stringify(bundle)});
      const t1 = process.hrtime.bigint();
      const calls = [];
      const origWrite = process.stdout.write.bind(process.stdout);
      process.stdout.write = () => true;
      (async () => {
        await fn.handler({ trigger: "deploy" });
        const t2 = process.hrtime.bigint();
        const r = await fn.handler({ trigger: "schedule" });
        const t3 = process.hrtime.bigint();
        process.stdout.write = origWrite;
        const ms = (a, b) => Number(b - a) / 1e6;
        console.log(JSON.stringify({ initMs: ms(t0, t1), firstCallMs: ms(t1, t2), steadyCallMs: ms(t2, t3), steadyWrites: r.registrations + r.deregistrations + r.switches.length }));
      })().catch((e) => { process.stdout.write = origWrite; console.error(e); process.exit(1); });`;
    const env = { ...process.env, ...testEnvironment(world, dns) };
    // Asynchronous on purpose: the DNS server answers from this process's event loop.
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", probe], { env, encoding: "utf8" });
    const m = JSON.parse(stdout.trim().split("\n").pop()!);
    const line = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);
    line("function module init (cold, bundled)", `${m.initMs.toFixed(0)} ms`);
    line("function first call against moto", `${m.firstCallMs.toFixed(0)} ms`);
    line("function steady-state call against moto", `${m.steadyCallMs.toFixed(0)} ms, ${m.steadyWrites} writes`);
  } finally {
    await Promise.all([moto.stop(), dns.close()]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
