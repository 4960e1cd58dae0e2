// Writes a config of S shares and C consumers (default 10 × 20) to the path given, for the synth benchmark.
// The mix, so that every kind of share is synthesized: shares cycle through the four engines; of each
// five, three are endpoint-service and two resource; even shares create their database, odd ones use an
// existing one. Every consumer reaches every share: even consumers list each share with a private zone
// of its own, odd ones leave consumers[].shares out (the default: all shares, no private zones).
// Endpoint-service shares past the sixth do not watch (failover.watchSeconds 0): config
// validation lets one config's shares watch with at most 3 RDS calls a second.
// usage: node --require tsx/cjs bench/shares-config.ts OUT [SHARES] [CONSUMERS]
import { writeFileSync } from "node:fs";
import { ENGINES } from "../config/engines";
import { MAX_WATCH_CALLS_PER_SECOND, WATCH_INTERVAL_SECONDS } from "../config/fields";

const [out, sharesText, consumersText] = process.argv.slice(2);
if (!out) {
  process.stderr.write("usage: node --require tsx/cjs bench/shares-config.ts OUT [SHARES] [CONSUMERS]\n");
  process.exit(2);
}
const shareCount = Number(sharesText ?? 10);
const consumerCount = Number(consumersText ?? 20);
const azIds = ["use1-az1", "use1-az2"];
const accounts = Array.from({ length: consumerCount }, (_, i) => String(300000000000 + i));

function share(i: number) {
  const engine = ENGINES[i % ENGINES.length];
  const aurora = engine.startsWith("aurora");
  const transport = i % 5 < 3 ? "endpoint-service" : "resource";
  /** Which endpoint-service share this is, from 0: three of each five shares. */
  const watcher = Math.floor(i / 5) * 3 + (i % 5);
  const watches = watcher < MAX_WATCH_CALLS_PER_SECOND * WATCH_INTERVAL_SECONDS;
  const id = `db${i}`;
  const database =
    i % 2 === 0
      ? { engine, create: aurora ? { readers: 1, deletionProtection: false } : { deletionProtection: false } }
      : { engine, existing: aurora ? { clusterIdentifier: `${id}-prod` } : { instanceIdentifier: `${id}-prod` } };
  return {
    name: id,
    transport,
    database,
    // A resource share is reached on the database's own ports: ports.reader does not apply to it.
    ...(transport === "resource" ? {} : { ports: { writer: 4000 + 2 * i, reader: 4001 + 2 * i } }),
    ...(transport === "resource" || watches ? {} : { failover: { watchSeconds: 0 } }),
    sharing: {
      allowedPrincipals: transport === "resource" ? accounts : accounts.map((a) => `arn:aws:iam::${a}:root`),
    },
  };
}

const config = {
  name: "bench",
  tags: { environment: "bench" },
  provider: {
    account: { region: "us-east-1", profile: "db-owner", accountId: "111111111111" },
    network: { create: { cidr: "10.0.0.0/16", azIds } },
    shares: Array.from({ length: shareCount }, (_, i) => share(i)),
  },
  consumers: accounts.map((accountId, i) => ({
    name: `app${i}`,
    account: { region: "us-east-1", profile: `app${i}`, accountId },
    network: { create: { cidr: `10.${i + 1}.0.0/16`, azIds } },
    allowedCidrs: [`10.${i + 1}.0.0/16`],
    ...(i % 2 === 0
      ? {
          shares: Array.from({ length: shareCount }, (_, s) => ({
            name: `db${s}`,
            privateZone: { name: `db${s}.db.internal` },
          })),
        }
      : {}),
  })),
};
writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
