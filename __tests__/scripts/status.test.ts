// npm run status, its decisions: pure functions over what the AWS calls return (states and
// reasons as EC2, ELB and EMF spell them). The e2e tier runs the whole command against moto.
import {
  diagnoseConsumer,
  diagnoseProvider,
  type Finding,
  type FixContext,
  type ProviderObservation,
} from "../../scripts/status/diagnose";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkShare, formatFindings, parseStatusArgs, sharesToCheck, withConfig } from "../../scripts/status";
import { validateConfig } from "../../config/load";
import { TRANSPORTS } from "../../config/schema";
import { STATUS_BY_TRANSPORT } from "../../scripts/status/transports";
import { demoInput } from "../helpers";
import { connectErrors } from "../../scripts/status/host-blocking";
import { type EndpointServiceObservation, runsFromLog } from "../../scripts/status/transports/endpoint-service";
import {
  checkBelongs,
  deployCommand,
  NotThisShareError,
  readOutputs,
  type StateLocation,
} from "../../scripts/status/outputs";
import { shareManifest } from "../../stacks/app";

const NOW = new Date("2026-11-23T12:00:00Z");
const ctx: FixContext = {
  configFile: "config/default.json",
  providerCli: "--profile db-owner --region us-east-1",
  now: NOW,
};
const A = { instance: "orders-1", ip: "10.0.0.10" };
const B = { instance: "orders-2", ip: "10.0.16.10" };
const healthy = (ip: string) => ({ ip, port: 3306, state: "healthy" });
const M0 = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-m0/0123456789abcdef";
const M1 = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-m1/0123456789abcdef";
const R0 = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-r0/0123456789abcdef";
const R1 = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-r1/0123456789abcdef";

/** A healthy two-member cluster: A writes from slot 0, B reads; the function ran a minute ago. */
function cluster(change: (o: Mutable) => void = () => undefined): EndpointServiceObservation {
  const o: Mutable = {
    stack: "provider",
    region: "us-east-1",
    transport: "endpoint-service",
    database: { kind: "cluster", identifier: "orders", port: 3306 },
    topology: { status: "available", writer: A, members: [A, B], problems: [] },
    writerListener: { arn: "writer-listener", forwardsTo: M0 },
    readerListener: { arn: "reader-listener", forwardsTo: R0 },
    groups: [
      { arn: M0, label: "member slot 0", targets: [healthy(A.ip)] },
      { arn: M1, label: "member slot 1", targets: [healthy(B.ip)] },
      { arn: R0, label: "reader set 0", targets: [healthy(B.ip)] },
      { arn: R1, label: "reader set 1", targets: [healthy(A.ip)] },
    ],
    serviceId: "vpce-svc-0123456789abcdef0",
    connections: [{ endpointId: "vpce-0aaaaaaaaaaaaaaaa", owner: "222222222222", state: "available" }],
    function: {
      name: "orders-failover-sync",
      lastRun: "2026-11-23T11:59:00.000Z",
      lastSuccess: "2026-11-23T11:59:00.000Z",
      deadLetters: 0,
      deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/111111111111/orders-failover-sync-dlq",
    },
    reconcileEveryMinutes: 1,
    azIds: ["use1-az1", "use1-az2"],
  };
  change(o);
  return o as EndpointServiceObservation;
}
type Mutable = { -readonly [K in keyof EndpointServiceObservation]: EndpointServiceObservation[K] };
/** The same share behind a resource gateway: the database and its AZ IDs, nothing of a load balancer. */
function resourceShare(): ProviderObservation {
  const { stack, region, database, topology, azIds } = cluster();
  return { stack, region, transport: "resource", database, topology, azIds };
}
const problems = (findings: Finding[]) => findings.filter((f) => !f.ok);

describe("status decisions, provider", () => {
  it("passes a healthy cluster: writer, both ports, every group, the connection, the function and its queue", () => {
    const findings = diagnoseProvider(cluster(), ctx);
    expect(problems(findings)).toEqual([]);
    expect(findings.map((f) => f.check)).toEqual([
      "database writer",
      "writer port",
      "reader port",
      "target health: member slot 0",
      "target health: member slot 1",
      "target health: reader set 0",
      "target health: reader set 1",
      "endpoint connection vpce-0aaaaaaaaaaaaaaaa",
      "failover function",
      "dead letters",
    ]);
    expect(findings[1].detail).toBe("forwards to member slot 0: orders-1 (10.0.0.10), healthy");
    expect(findings[2].detail).toBe("forwards to reader set 0: orders-2 (10.0.16.10), healthy");
  });

  it("names a writer port pointed at a reader's slot, and the sync that fixes it", () => {
    const [f] = problems(
      diagnoseProvider(
        cluster((o) => (o.writerListener = { arn: "writer-listener", forwardsTo: M1 })),
        ctx,
      ),
    );
    expect(f).toEqual({
      stack: "provider",
      check: "writer port",
      ok: false,
      detail:
        "the writer port forwards to member slot 1, which reaches orders-2 (10.0.16.10); it should reach orders-1 (10.0.0.10)",
      fix: `force a sync: aws lambda invoke --function-name orders-failover-sync --payload '{"trigger":"manual"}' --cli-binary-format raw-in-base64-out --profile db-owner --region us-east-1 out.json`,
    });
  });

  it("calls a fenced writer port right while the cluster fails over, and wrong once RDS names a writer", () => {
    const FENCE = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-fence/0123456789abcdef";
    const fenced = (o: Mutable) => {
      o.fenceGroupArn = FENCE;
      o.writerListener = { arn: "writer-listener", forwardsTo: FENCE };
    };
    const during = diagnoseProvider(
      cluster((o) => {
        fenced(o);
        o.topology = { status: "failing-over", writer: null, members: null, problems: [] };
      }),
      ctx,
    );
    expect(during.find((f) => f.check === "writer port")).toMatchObject({
      ok: true,
      detail: "fenced while the cluster fails over: new connections reach no node until RDS names the new writer",
    });
    const [after] = problems(diagnoseProvider(cluster(fenced), ctx)).filter((f) => f.check === "writer port");
    expect(after.detail).toBe(
      "the writer port is fenced (it forwards to the group that never holds a target), though RDS names orders-1 (10.0.0.10)",
    );
    expect(after.fix).toMatch(/^force a sync: aws lambda invoke/);
  });

  it("names a writer target gone from its slot: the port reaches nothing", () => {
    const found = diagnoseProvider(
      cluster((o) => (o.groups[0] = { ...o.groups[0], targets: [] })),
      ctx,
    );
    expect(problems(found).map((f) => [f.check, f.detail])).toEqual([
      [
        "writer port",
        "the writer port forwards to member slot 0, which reaches no target; it should reach orders-1 (10.0.0.10)",
      ],
    ]);
    expect(found.find((f) => f.check === "target health: member slot 0")!.detail).toBe("empty");
  });

  it("names an unhealthy writer target with ELB's reason, and points at the security group", () => {
    const found = problems(
      diagnoseProvider(
        cluster(
          (o) =>
            (o.groups[0] = {
              ...o.groups[0],
              targets: [{ ip: A.ip, port: 3306, state: "unhealthy", reason: "Target.FailedHealthChecks" }],
            }),
        ),
        ctx,
      ),
    );
    expect(found.map((f) => f.check)).toEqual(["writer port", "target health: member slot 0"]);
    expect(found[0].detail).toBe("the writer port reaches orders-1 (10.0.0.10) unhealthy (Target.FailedHealthChecks)");
    expect(found[0].fix).toContain("admit port 3306 from the load balancer's group (output nlb_security_group_id)");
    expect(found[1].detail).toBe("orders-1 (10.0.0.10) unhealthy; 10.0.0.10: Target.FailedHealthChecks");
  });

  it("names a reader port that still reaches the writer after a reader joined", () => {
    const C = { instance: "orders-3", ip: "10.0.32.10" };
    const found = problems(
      diagnoseProvider(
        cluster((o) => (o.topology = { ...o.topology, members: [A, B, C] })),
        ctx,
      ),
    );
    expect(found.map((f) => [f.check, f.detail])).toEqual([
      [
        "reader port",
        "the reader port forwards to reader set 0, which reaches orders-2 (10.0.16.10); it should reach orders-2 (10.0.16.10), orders-3 (10.0.32.10)",
      ],
    ]);
  });

  it("ignores draining targets: the port reaches what it will keep", () => {
    const found = diagnoseProvider(
      cluster(
        (o) =>
          (o.groups[2] = {
            ...o.groups[2],
            targets: [
              healthy(B.ip),
              { ip: "10.0.48.10", port: 3306, state: "draining", reason: "Target.DeregistrationInProgress" },
            ],
          }),
      ),
      ctx,
    );
    expect(problems(found)).toEqual([]);
  });

  it("cannot judge the ports while RDS names no writer, and says to wait", () => {
    const found = problems(
      diagnoseProvider(
        cluster(
          (o) =>
            (o.topology = {
              status: "failing-over",
              writer: null,
              members: null,
              problems: ["cluster orders is failing over; waiting for the new writer"],
            }),
        ),
        ctx,
      ),
    );
    expect(found.map((f) => [f.check, f.detail])).toEqual([
      [
        "database writer",
        "RDS names no usable writer of cluster orders (failing-over): cluster orders is failing over; waiting for the new writer",
      ],
      ["writer port", "forwards to member slot 0; whether that is right cannot be told while RDS names no writer"],
      ["reader port", "forwards to reader set 0; whether that is right cannot be told while RDS names no writer"],
    ]);
  });

  it("points at name resolution, not at RDS, when the instances' names do not resolve", () => {
    const problem =
      "DNS lookup of orders-1.abc.us-east-1.rds.amazonaws.com (orders-1) failed: queryA ETIMEOUT orders-1.abc.us-east-1.rds.amazonaws.com";
    const [f] = problems(
      diagnoseProvider(
        cluster((o) => (o.topology = { status: "available", writer: null, members: null, problems: [problem] })),
        ctx,
      ),
    );
    expect(f.detail).toBe(`RDS names no usable writer of cluster orders (available): ${problem}`);
    expect(f.fix).toContain("set DNS_SERVERS=ip[:port]");
  });

  it("gives a pending connection's exact accept step: the config line or the CLI command", () => {
    const [f] = problems(
      diagnoseProvider(
        cluster(
          (o) =>
            (o.connections = [
              { endpointId: "vpce-0bbbbbbbbbbbbbbbb", owner: "333333333333", state: "pendingAcceptance" },
            ]),
        ),
        ctx,
      ),
    );
    expect(f.detail).toBe(
      "from account 333333333333, which no consumer of config/default.json names (a consumer-only config, or a team of its own): waiting for acceptance",
    );
    expect(f.fix).toBe(
      'add "vpce-0bbbbbbbbbbbbbbbb" to provider.sharing.acceptEndpointIds in config/default.json and deploy the provider stack, or run: aws ec2 accept-vpc-endpoint-connections --service-id vpce-svc-0123456789abcdef0 --vpc-endpoint-ids vpce-0bbbbbbbbbbbbbbbb --profile db-owner --region us-east-1',
    );
  });

  it("names the consumer of each connection that the config lists, by its account, and says so of one it does not", () => {
    const listed = { ...ctx, consumersByAccount: { "222222222222": ["app"] } };
    const found = diagnoseProvider(
      cluster(
        (o) =>
          (o.connections = [
            { endpointId: "vpce-0aaaaaaaaaaaaaaaa", owner: "222222222222", state: "available" },
            { endpointId: "vpce-0bbbbbbbbbbbbbbbb", owner: "333333333333", state: "available" },
          ]),
      ),
      listed,
    ).filter((f) => f.check.startsWith("endpoint connection "));
    const unsure = diagnoseProvider(
      cluster((o) => (o.connections = [{ endpointId: "vpce-0c", owner: "444444444444", state: "available" }])),
      { ...ctx, consumersByAccount: {}, consumersWithoutAccount: ["app"] },
    ).find((f) => f.check === "endpoint connection vpce-0c");
    expect(unsure?.detail).toBe(
      "from account 444444444444, which no consumer of config/default.json names by account.accountId (consumer-app names none: set it to tell): available",
    );
    expect(found.map((f) => [f.check, f.ok, f.detail])).toEqual([
      ["endpoint connection vpce-0aaaaaaaaaaaaaaaa", true, "from account 222222222222 (consumer-app): available"],
      [
        "endpoint connection vpce-0bbbbbbbbbbbbbbbb",
        true,
        "from account 333333333333, which no consumer of config/default.json names (a consumer-only config, or a team of its own): available",
      ],
    ]);
  });

  it("reports a rejected connection with the allowed-principals check", () => {
    const [f] = problems(
      diagnoseProvider(
        cluster((o) => (o.connections = [{ endpointId: "vpce-0c", owner: "444444444444", state: "rejected" }])),
        ctx,
      ),
    );
    expect(f.fix).toContain("check that account 444444444444 is among provider.sharing.allowedPrincipals");
  });

  it("reports a function that has not succeeded for three schedules, and dead letters waiting", () => {
    const found = problems(
      diagnoseProvider(
        cluster(
          (o) =>
            (o.function = {
              ...o.function,
              lastSuccess: "2026-11-23T11:50:00.000Z",
              lastRun: "2026-11-23T11:59:30.000Z",
              deadLetters: 2,
            }),
        ),
        ctx,
      ),
    );
    expect(found.map((f) => [f.check, f.detail])).toEqual([
      [
        "failover function",
        "last successful run 2026-11-23T11:50:00.000Z, 10 min ago; last run 2026-11-23T11:59:30.000Z failed; it should run every 1 min",
      ],
      ["dead letters", "2 failed event(s) waiting in the dead-letter queue"],
    ]);
    expect(found[0].fix).toContain(
      "aws logs tail /aws/lambda/orders-failover-sync --since 1h --profile db-owner --region us-east-1",
    );
    expect(found[1].fix).toContain(
      "aws sqs receive-message --queue-url https://sqs.us-east-1.amazonaws.com/111111111111/orders-failover-sync-dlq",
    );
  });

  it("reports a function with no successful run in its log at all", () => {
    const [f] = problems(
      diagnoseProvider(
        cluster((o) => (o.function = { ...o.function, lastRun: undefined, lastSuccess: undefined })),
        ctx,
      ),
    );
    expect(f.detail).toBe("no successful run in its log; it should run every 1 min");
  });

  it("checks a Multi-AZ instance's writer and reader groups by role", () => {
    const W = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-writer/0123456789abcdef";
    const R = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-reader/0123456789abcdef";
    const o = cluster((x) => {
      x.database = { kind: "instance", identifier: "orders", port: 3306 };
      x.topology = { status: "available", writer: A, members: [A], problems: [] };
      x.writerListener = { arn: "w", forwardsTo: W };
      x.readerListener = { arn: "r", forwardsTo: R };
      // After a failover the standby's address is the writer's; the reader group still holds the old IP.
      x.groups = [
        { arn: W, label: "writer", targets: [healthy(A.ip)] },
        { arn: R, label: "reader", targets: [healthy("10.0.16.99")] },
      ];
    });
    expect(problems(diagnoseProvider(o, ctx)).map((f) => [f.check, f.detail])).toEqual([
      [
        "reader port",
        "the reader port forwards to reader, which reaches 10.0.16.99 (no current member); it should reach orders-1 (10.0.0.10)",
      ],
    ]);
  });

  it("shows a Multi-AZ instance's standby and how it was found, counts its unhealthy target as expected, and says why when none was taken", () => {
    const W = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-writer/0123456789abcdef";
    const R = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-reader/0123456789abcdef";
    const STANDBY = "10.0.16.20";
    const how =
      "the one other RDSNetworkInterface interface in vpc-0a1 with sg-db, in subnet-b (us-east-1b), a subnet of the instance's subnet group";
    const instance = (standby: { ip: string | null; how: string }) =>
      cluster((x) => {
        x.database = { kind: "instance", identifier: "orders", port: 3306 };
        x.topology = { status: "available", writer: A, members: [A], problems: [], standby };
        x.writerListener = { arn: "w", forwardsTo: W };
        x.readerListener = { arn: "r", forwardsTo: R };
        const both = [
          healthy(A.ip),
          { ip: STANDBY, port: 3306, state: "unhealthy", reason: "Target.FailedHealthChecks" },
        ];
        x.groups = [
          { arn: W, label: "writer", targets: standby.ip ? both : [healthy(A.ip)] },
          { arn: R, label: "reader", targets: standby.ip ? both : [healthy(A.ip)] },
        ];
      });
    const found = diagnoseProvider(instance({ ip: STANDBY, how }), ctx);
    expect(problems(found)).toEqual([]);
    expect(found.find((f) => f.check === "standby")?.detail).toBe(
      `${STANDBY}, registered beside the primary so that a failover registers nothing: ${how}. It reads unhealthy until it takes over. To confirm in your account: docs/failover.md, "Multi-AZ DB instances: the standby, found before it is needed"`,
    );
    const none = problems(
      diagnoseProvider(
        instance({
          ip: null,
          how: "2 other RDSNetworkInterface interfaces (10.0.16.20, 10.0.16.99) carry sg-db: another RDS resource shares these security groups",
        }),
        ctx,
      ),
    );
    expect(none.map((f) => [f.check, f.detail])).toEqual([
      [
        "standby",
        "not found: 2 other RDSNetworkInterface interfaces (10.0.16.20, 10.0.16.99) carry sg-db: another RDS resource shares these security groups. A failover registers the new address on the way (minutes before writes return)",
      ],
    ]);
    expect(none[0].fix).toMatch(
      /give the instance a security group of its own, or set provider\.failover\.standbyDiscovery to false/,
    );
  });

  it("says whether a Blue/Green deployment's green members sit in spare slots, and what to raise when they do not fit", () => {
    const M2 = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/orders-m2/0123456789abcdef";
    const blueGreen = () => ({
      id: "bgd-0abc",
      status: "AVAILABLE",
      switching: false,
      switched: false,
      problems: [],
      others: [
        { instance: "orders-1-green-x", pairedWith: "orders-1", ip: "10.0.0.77" },
        { instance: "orders-2-green-x", pairedWith: "orders-2", ip: "10.0.16.77" },
      ],
    });
    const ready = cluster((x) => {
      x.topology = { ...x.topology, blueGreen: blueGreen() };
      x.groups = [
        ...x.groups,
        { arn: M2, label: "member slot 2", targets: [healthy("10.0.0.77")] },
        { arn: `${M2}3`, label: "member slot 3", targets: [healthy("10.0.16.77")] },
      ];
    });
    expect(diagnoseProvider(ready, ctx).find((f) => f.check === "Blue/Green bgd-0abc")).toMatchObject({
      ok: true,
      detail:
        "AVAILABLE: every green member sits registered in a spare member slot (orders-1-green-x, orders-2-green-x), so the switchover moves listeners only",
    });
    const tight = cluster((x) => (x.topology = { ...x.topology, blueGreen: blueGreen() }));
    const f = diagnoseProvider(tight, ctx).find((x) => x.check === "Blue/Green bgd-0abc")!;
    expect(f.ok).toBe(false);
    expect(f.detail).toMatch(
      /^AVAILABLE: not every green member is in a slot yet \(orders-1-green-x \(10\.0\.0\.77\), orders-2-green-x \(10\.0\.16\.77\)\); a switchover to them registers them on the way$/,
    );
    expect(f.fix).toMatch(
      /^2 green member\(s\) without a slot and 0 free slot\(s\): raise provider\.failover\.memberSlots to at least the members of both environments and deploy$/,
    );
  });

  it("checks only the writer in resource mode, where RDS moves the endpoint names itself", () => {
    const o = resourceShare();
    expect(diagnoseProvider(o, ctx).map((f) => [f.check, f.ok])).toEqual([["database writer", true]]);
  });
});

describe("status decisions, MySQL host blocking", () => {
  const shipped = "4294967295";
  const group = (over: Partial<ReturnType<typeof connectErrors>> = {}) => ({
    ...connectErrors(
      "db",
      "orders-database",
      ["orders-1", "orders-2"],
      { ParameterName: "max_connect_errors", ParameterValue: shipped, Source: "user" },
      [],
    ),
    ...over,
  });
  const withGroups = (created: boolean, ...groups: Array<ReturnType<typeof group>>) =>
    cluster((o) => (o.hostBlocking = { created, groups }));
  const hostFindings = (o: ProviderObservation) =>
    diagnoseProvider(o, ctx).filter((f) => f.check.startsWith("max_connect_errors"));

  it("passes a group at the value the created database ships, applied on every instance", () => {
    expect(hostFindings(withGroups(true, group()))).toEqual([
      {
        stack: "provider",
        check: "max_connect_errors: orders-database",
        ok: true,
        detail:
          "4294967295 in DB parameter group orders-database of orders-1, orders-2: the load balancer's health checks cannot block its addresses",
      },
    ]);
  });

  it("reads a parameter RDS returns without a value as the engine default, 100, and warns with the probes each node sends", () => {
    // DescribeDBParameters on a default group: the engine's own default has no ParameterValue.
    const observed = connectErrors(
      "db",
      "default.aurora-mysql8.0",
      ["orders-1", "orders-2"],
      { ParameterName: "max_connect_errors", Source: "engine-default", IsModifiable: true },
      [],
    );
    expect(observed).toMatchObject({ value: 100, source: "engine-default" });
    const [f] = hostFindings(cluster((o) => (o.hostBlocking = { created: false, groups: [observed] })));
    expect(f.ok).toBe(false);
    expect(f.detail).toBe(
      "100 (the engine default) in DB parameter group default.aurora-mysql8.0 of orders-1, orders-2: every NLB node TCP-health-checks each target from its own address, the one PrivateLink clients arrive from (orders-1 is a target of 2 group(s): 2 check(s) per interval from each node; orders-2 is a target of 2 group(s): 2 check(s) per interval from each node), and MySQL counts each check as a connect error; after 100 without a successful login through a node, it refuses that node's address",
    );
    // A default group cannot be modified: the fix creates a group of its family and moves each instance to it.
    expect(f.fix).toContain(
      "aws rds create-db-parameter-group --db-parameter-group-name orders-connect-errors --db-parameter-group-family aurora-mysql8.0",
    );
    expect(f.fix).toContain(
      'aws rds modify-db-parameter-group --db-parameter-group-name orders-connect-errors --parameters "ParameterName=max_connect_errors,ParameterValue=4294967295,ApplyMethod=immediate" --profile db-owner --region us-east-1',
    );
    expect(f.fix).toContain(
      "aws rds modify-db-instance --db-instance-identifier <instance> --db-parameter-group-name orders-connect-errors --apply-immediately",
    );
    expect(f.fix).toContain("TRUNCATE TABLE performance_schema.host_cache");
  });

  it("changes an existing custom group in place: the parameter is dynamic", () => {
    const [f] = hostFindings(withGroups(false, group({ group: "ledger-mysql80", value: 10000, raw: "10000" })));
    expect(f.detail).toMatch(/^10000 in DB parameter group ledger-mysql80 of orders-1, orders-2: /);
    expect(f.fix).toMatch(
      /^aws rds modify-db-parameter-group --db-parameter-group-name ledger-mysql80 --parameters "ParameterName=max_connect_errors,ParameterValue=4294967295,ApplyMethod=immediate" --profile db-owner --region us-east-1 \(a dynamic parameter: no reboot\); or in the RDS console, Parameter groups > ledger-mysql80 > Edit/,
    );
  });

  it("points a created database that drifted back at the deploy that sets the value", () => {
    const [f] = hostFindings(withGroups(true, group({ value: 100, raw: "100" })));
    expect(f.ok).toBe(false);
    expect(f.fix).toMatch(
      /^deploy the provider stack again \(npx cdktf deploy provider\): it sets max_connect_errors to 4294967295 in orders-database; or at once: aws rds modify-db-parameter-group --db-parameter-group-name orders-database/,
    );
  });

  it("says a group at the right value that an instance has not applied yet needs that instance rebooted", () => {
    const [f] = hostFindings(
      withGroups(true, group({ notApplied: [{ instance: "orders-2", status: "pending-reboot" }] })),
    );
    expect(f).toMatchObject({
      ok: false,
      detail:
        "4294967295 in DB parameter group orders-database, but not applied yet on orders-2 (pending-reboot): they still run with their earlier setting",
    });
    expect(f.fix).toContain(
      "aws rds reboot-db-instance --db-instance-identifier orders-2 --profile db-owner --region us-east-1",
    );
  });

  it("uses the DB cluster parameter group of a Multi-AZ DB cluster, and its commands", () => {
    const observed = connectErrors("cluster", "default.mysql8.0", ["orders"], undefined, []);
    const [f] = hostFindings(cluster((o) => (o.hostBlocking = { created: false, groups: [observed] })));
    expect(f.detail).toMatch(
      /^100 \(the engine default\) in DB cluster parameter group default\.mysql8\.0 of orders: /,
    );
    expect(f.fix).toContain(
      "aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name orders-connect-errors --db-parameter-group-family mysql8.0",
    );
    expect(f.fix).toContain(
      "aws rds modify-db-cluster --db-cluster-identifier orders --db-cluster-parameter-group-name orders-connect-errors",
    );
  });

  it("reports a value that is not a whole number as it reads, and a failed read with the permissions it needs", () => {
    const odd = connectErrors(
      "db",
      "orders-database",
      ["orders-1"],
      { ParameterName: "max_connect_errors", ParameterValue: "{DBInstanceClassMemory/1}", Source: "user" },
      [],
    );
    expect(odd.value).toBeNull();
    expect(hostFindings(withGroups(true, odd))[0].detail).toMatch(
      /^"\{DBInstanceClassMemory\/1\}" in DB parameter group orders-database of orders-1: .* after that many without a successful login/,
    );
    const [unread] = hostFindings(
      cluster(
        (o) =>
          (o.hostBlocking = {
            created: false,
            groups: [],
            unread: "User is not authorized to perform: rds:DescribeDBParameters",
          }),
      ),
    );
    expect(unread).toMatchObject({
      ok: false,
      check: "max_connect_errors",
      detail:
        "could not read the database's parameter groups: User is not authorized to perform: rds:DescribeDBParameters",
    });
    expect(unread.fix).toContain("rds:DescribeDBParameters");
  });

  it("checks nothing for an engine that blocks no hosts, nor behind a resource gateway, which sends no NLB health checks", () => {
    expect(hostFindings(cluster())).toEqual([]);
    // A resource observation has no host blocking: one that held it anyway is not looked at.
    expect(
      hostFindings({
        ...resourceShare(),
        hostBlocking: { created: true, groups: [group({ value: 100 })] },
      } as ProviderObservation),
    ).toEqual([]);
  });
});

describe("status decisions, consumer", () => {
  // The provider as status read it: its service id is vpce-svc-0123456789abcdef0.
  const provider = { azIds: ["use1-az1", "use1-az2"], transport: "endpoint-service", observed: cluster() } as const;
  const consumer = (state: string, azIds: string[]) => ({
    stack: "consumer-app",
    region: "us-east-1",
    endpoints: [{ role: "interface", id: "vpce-0aaaaaaaaaaaaaaaa", state, azIds }],
  });

  it("passes an available endpoint in the provider's AZ IDs", () => {
    expect(problems(diagnoseConsumer(consumer("available", ["use1-az1", "use1-az2"]), provider, ctx))).toEqual([]);
  });

  it("says who accepts a pending endpoint and how", () => {
    const [f] = problems(diagnoseConsumer(consumer("pendingAcceptance", ["use1-az1"]), provider, ctx));
    expect(f.fix).toBe(
      'the provider adds "vpce-0aaaaaaaaaaaaaaaa" to provider.sharing.acceptEndpointIds in config/default.json and deploys the provider stack, or runs: aws ec2 accept-vpc-endpoint-connections --service-id vpce-svc-0123456789abcdef0 --vpc-endpoint-ids vpce-0aaaaaaaaaaaaaaaa --profile db-owner --region us-east-1',
    );
  });

  it("names an AZ ID the provider does not serve", () => {
    const [f] = problems(diagnoseConsumer(consumer("available", ["use1-az1", "use1-az4"]), provider, ctx));
    expect(f).toMatchObject({
      check: "AZ IDs of interface endpoint",
      detail: "use1-az1, use1-az4; the provider serves use1-az1, use1-az2 (not served: use1-az4)",
    });
    expect(f.fix).toContain("or add subnets in use1-az4 to the provider");
  });

  it("in resource mode asks only for one AZ in common", () => {
    const resource = { azIds: provider.azIds, transport: "resource" } as const;
    expect(problems(diagnoseConsumer(consumer("available", ["use1-az1", "use1-az4"]), resource, ctx))).toEqual([]);
    expect(problems(diagnoseConsumer(consumer("available", ["use1-az4"]), resource, ctx)).map((f) => f.check)).toEqual([
      "AZ IDs of interface endpoint",
    ]);
  });
});

describe("the function's runs, from its log", () => {
  // Embedded metric format records as Powertools writes them to stdout, and Lambda to the log.
  const emf = (timestamp: number, errors: number) =>
    JSON.stringify({
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: "RdsPrivateLink",
            Dimensions: [["service", "Database"]],
            Metrics: [{ Name: "SyncErrors", Unit: "Count" }],
          },
        ],
      },
      service: "failover-sync",
      Database: "orders",
      SyncErrors: errors,
    });

  it("finds the last run and the last run without errors, and skips other lines", () => {
    const t = Date.parse("2026-11-23T11:00:00Z");
    const lines = [
      { message: emf(t, 0) },
      { message: '{"level":"INFO","message":"failover sync report","report":{}}' },
      { message: "START RequestId: 1f3c Version: $LATEST" },
      { message: emf(t + 60_000, 1) },
      { message: "not json {" },
    ];
    expect(runsFromLog(lines)).toEqual({
      lastRun: "2026-11-23T11:01:00.000Z",
      lastSuccess: "2026-11-23T11:00:00.000Z",
    });
    expect(runsFromLog([])).toEqual({ lastRun: undefined, lastSuccess: undefined });
  });
});

describe("status flags", () => {
  it("reads a config path, --output and --json", () => {
    const a = parseStatusArgs(["examples/minimal/config.json", "--output", "cdktf.out/orders", "--json"], {});
    expect(a.configFile).toMatch(/examples\/minimal\/config\.json$/);
    expect(a.outdir).toMatch(/cdktf\.out\/orders$/);
    expect(a.json).toBe(true);
  });

  it("refuses an unknown flag, naming the flags there are", () => {
    expect(() => parseStatusArgs(["--fix"], {})).toThrow(
      "--fix: unknown flag; the flags are --output DIR, --share NAME, --json and --help",
    );
  });
});

describe("status report", () => {
  it("marks a check the emulator cannot answer as skip, not ok, and counts it apart", () => {
    const text = formatFindings([
      { stack: "provider", check: "database writer", ok: true, detail: "RDS names orders-1" },
      {
        stack: "provider",
        check: "endpoint connections",
        ok: true,
        skipped: "the emulator does not answer",
        detail: "not checked: the emulator does not answer",
      },
    ]);
    expect(text).toContain("  skip  endpoint connections");
    expect(text).toContain("Healthy: 1 checks passed, 1 not checked.");
  });

  it("lists every problem on the last line, with each fix under its check", () => {
    const text = formatFindings([
      { stack: "provider", check: "writer port", ok: false, detail: "forwards to member slot 1", fix: "force a sync" },
      { stack: "consumer-app", check: "interface endpoint vpce-0a", ok: false, detail: "waiting", fix: "accept it" },
    ]);
    expect(text.split("\n")).toEqual([
      "provider",
      "  FAIL  writer port                 forwards to member slot 1",
      "                                    fix: force a sync",
      "",
      "consumer-app",
      "  FAIL  interface endpoint vpce-0a  waiting",
      "                                    fix: accept it",
      "",
      "2 problem(s): provider writer port; consumer-app interface endpoint vpce-0a.",
    ]);
  });
});

describe("status reads only the stacks of the config it is given", () => {
  /** A synthesized output directory as main.ts writes it: share.json and each stack's backend. */
  function outdirOf(name: string, stacks: Record<string, object>): string {
    const dir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-status-"));
    writeFileSync(path.join(dir, "share.json"), JSON.stringify({ name, stacks: Object.keys(stacks) }));
    for (const [stack, terraform] of Object.entries(stacks)) {
      mkdirSync(path.join(dir, "stacks", stack), { recursive: true });
      writeFileSync(path.join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify({ terraform }));
    }
    return dir;
  }
  const s3 = (key: string) => ({ backend: { s3: { bucket: "orders-state", key } } });
  const loc = (outdir: string, over: Partial<StateLocation> = {}): StateLocation => ({
    name: "inventory",
    configFile: "config/inventory.json",
    stack: "provider",
    backend: { type: "s3", bucket: "orders-state" },
    projectRoot: outdir,
    outdir,
    ...over,
  });

  it("refuses the demo's stacks for another share, and the fix synthesizes this config into its own directory", () => {
    const demo = outdirOf("orders", {
      provider: s3("orders/provider.tfstate"),
      "consumer-app": s3("orders/consumer-app.tfstate"),
    });
    const error = (() => {
      try {
        readOutputs(loc(demo));
      } catch (e) {
        return e as NotThisShareError;
      }
      throw new Error("accepted another share's stacks");
    })();
    expect(error).toBeInstanceOf(NotThisShareError);
    expect(error.message).toContain('holds the stacks of share "orders", not of "inventory" (config/inventory.json)');
    expect(error.fix).toMatch(
      /^RDS_PRIVATELINK_CONFIG=config\/inventory\.json npx cdktf synth --output cdktf.out\/inventory, then .*npm run status -- config\/inventory\.json --output cdktf.out\/inventory/,
    );
  });

  it("refuses a directory with no share.json, and one synthesized before the backend changed", () => {
    const bare = mkdtempSync(path.join(tmpdir(), "rds-privatelink-status-"));
    expect(() => checkBelongs(loc(bare))).toThrow("holds no synthesized share (no share.json)");
    const stale = outdirOf("inventory", { provider: s3("old/provider.tfstate") });
    expect(() => checkBelongs(loc(stale))).toThrow(
      "reads its state from s3://orders-state/old/provider.tfstate, but config/inventory.json puts it at s3://orders-state/inventory/provider.tfstate",
    );
    const cloud = outdirOf("inventory", {
      provider: { cloud: { organization: "acme", workspaces: { name: "inventory-provider" } } },
    });
    expect(() => checkBelongs(loc(cloud, { backend: { type: "cloud", organization: "acme" } }))).not.toThrow();
  });

  it("refuses a stack the synthesized share does not have", () => {
    const dir = outdirOf("inventory", { provider: s3("inventory/provider.tfstate") });
    expect(() => checkBelongs(loc(dir, { stack: "consumer-billing" }))).toThrow(
      "was synthesized without consumer-billing",
    );
    expect(() => checkBelongs(loc(dir))).not.toThrow();
  });

  it("puts the config in front of every cdktf command of a fix, and names it in every other fix", () => {
    const cfg = "config/inventory.json";
    expect(withConfig("deploy it first (npx cdktf deploy provider)", cfg)).toBe(
      "deploy it first (RDS_PRIVATELINK_CONFIG=config/inventory.json npx cdktf deploy provider)",
    );
    expect(
      withConfig("RDS_PRIVATELINK_CONFIG=config/inventory.json npx cdktf synth, then npx cdktf deploy x", cfg),
    ).toBe(
      "RDS_PRIVATELINK_CONFIG=config/inventory.json npx cdktf synth, then RDS_PRIVATELINK_CONFIG=config/inventory.json npx cdktf deploy x",
    );
    expect(withConfig("redeploy this consumer stack", cfg)).toBe(
      "redeploy this consumer stack (config: RDS_PRIVATELINK_CONFIG=config/inventory.json)",
    );
  });

  it("tells a consumer's deploy to go without the provider stack, as the README does", () => {
    const where = { configFile: "config/inventory.json", outdir: path.resolve("cdktf.out") };
    expect(deployCommand({ ...where, stack: "consumer-app" })).toBe(
      "RDS_PRIVATELINK_CONFIG=config/inventory.json npx cdktf deploy consumer-app --ignore-missing-stack-dependencies",
    );
    expect(deployCommand({ ...where, stack: "provider", outdir: path.resolve("cdktf.out/inventory") })).toBe(
      "RDS_PRIVATELINK_CONFIG=config/inventory.json npx cdktf deploy provider --output cdktf.out/inventory",
    );
  });

  it("reports a state without an output it reads as that stack's finding, naming the output and the deploy that adds it", async () => {
    // Local states beside the synthesized stacks: read directly, before any AWS call.
    const outdir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-status-"));
    const input = demoInput();
    input.provider.backend = { type: "local", path: "../../provider.tfstate" };
    input.consumers[0].backend = { type: "local", path: "../../consumer-app.tfstate" };
    const state = (values: Record<string, unknown>) =>
      JSON.stringify({ outputs: Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value }])) });
    writeFileSync(
      path.join(outdir, "provider.tfstate"),
      state({ database_port: 3306, az_ids: ["use1-az1", "use1-az2"] }),
    );
    writeFileSync(
      path.join(outdir, "consumer-app.tfstate"),
      state({ writer_address: "orders.cluster-c7tj4example.us-east-1.rds.amazonaws.com:3306" }),
    );
    const configFile = path.resolve("config/inventory.json");
    const findings = await checkShare(validateConfig(input), { configFile, outdir, json: false }, {});
    const output = `--output ${path.relative(process.cwd(), outdir)}`;
    expect(findings).toEqual([
      {
        stack: "provider",
        check: "state and AWS",
        ok: false,
        detail: "provider: its database_identifier output is missing from its state",
        fix: `deploy it with this version (RDS_PRIVATELINK_CONFIG=config/inventory.json npx cdktf deploy provider ${output}), or check that its state is this share's`,
      },
      {
        stack: "consumer-app",
        check: "state and AWS",
        ok: false,
        detail:
          "consumer-app: its state has none of the endpoint id outputs (endpoint_id, database_endpoint_id, writer_endpoint_id, reader_endpoint_id)",
        fix: `deploy it with this version (RDS_PRIVATELINK_CONFIG=config/inventory.json npx cdktf deploy consumer-app --ignore-missing-stack-dependencies ${output}), or check that its state is this share's`,
      },
    ]);
  });

  it("prints its usage for --help and -h", () => {
    expect(parseStatusArgs(["--help"], {}).help).toBe(true);
    expect(parseStatusArgs(["-h"], {}).help).toBe(true);
  });
});

describe("status decisions, provider, with the function's planner", () => {
  it("accepts the reader port on the set that holds the writer while the only reader is modifying, as the function keeps it", () => {
    const modifying = { ...B, state: "modifying" };
    const found = diagnoseProvider(
      cluster((o) => {
        o.topology = { ...o.topology, members: [A, modifying] };
        o.readerListener = { arn: "reader-listener", forwardsTo: R1 };
      }),
      ctx,
    );
    expect(problems(found)).toEqual([]);
    expect(found.find((f) => f.check === "reader port")?.detail).toMatch(
      /^forwards to reader set 1: orders-1 \(10\.0\.0\.10\), healthy; the function keeps it there \(the reader set it uses now, because the writer.s reader set holds no available member that is healthy yet\)$/,
    );
  });

  it("still names the same port once the reader is available again: the function would move it back", () => {
    const found = problems(
      diagnoseProvider(
        cluster((o) => (o.readerListener = { arn: "reader-listener", forwardsTo: R1 })),
        ctx,
      ),
    );
    expect(found.map((f) => f.check)).toEqual(["reader port"]);
  });
});

describe("each transport's status part", () => {
  // Loaded in a fresh process, as synth and npm run status load them: the require cache says which modules came in.
  const loads = (module: string) => {
    const script = `require(${JSON.stringify(module)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", script], {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as string[];
  };
  const sdk = (files: string[]) => files.filter((f) => f.includes(`${path.sep}@aws-sdk${path.sep}`));
  /** Each transport's status part: scripts/status/transports/<name>.ts, beside the contract and the registry. */
  const statusParts = (files: string[]) =>
    files.filter((f) => /scripts[\\/]status[\\/]transports[\\/](?!index\.ts$|transport\.ts$)[^\\/]+\.ts$/.test(f));

  it("stays out of synth: the stacks and their transports load no status part and no AWS SDK module", () => {
    const synth = loads("./stacks/app");
    expect(synth.some((f) => f.endsWith(path.join("stacks", "transports", "index.ts")))).toBe(true);
    expect({ status: statusParts(synth), sdk: sdk(synth) }).toEqual({ status: [], sdk: [] });
  });

  it("is registered for every transport the config accepts, and npm run status loads each", () => {
    expect(Object.keys(STATUS_BY_TRANSPORT).sort()).toEqual([...TRANSPORTS].sort());
    const status = loads("./scripts/status");
    expect(
      statusParts(status)
        .map((f) => path.basename(f, ".ts"))
        .sort(),
    ).toEqual([...TRANSPORTS].sort());
    expect(sdk(status).length).toBeGreaterThan(0);
  });
});

describe("status of a config with several shares", () => {
  const CATALOGUE = path.resolve(__dirname, "../../examples/platform-catalogue/config.json");
  const CONFIG_FILE = path.relative(process.cwd(), CATALOGUE);
  const state = (values: Record<string, unknown>) =>
    JSON.stringify({ outputs: Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value }])) });
  /** The catalogue (orders, billing, inventory; storefront reaches all three, analytics billing and inventory, warehouse all), its states local files in a fresh directory. */
  function catalogue(states: Record<string, Record<string, unknown>>) {
    const outdir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-status-"));
    const input = JSON.parse(readFileSync(CATALOGUE, "utf8"));
    input.provider.backend = { type: "local", path: "../../provider.tfstate" };
    for (const c of input.consumers) c.backend = { type: "local", path: `../../consumer-${c.name}.tfstate` };
    for (const [stack, values] of Object.entries(states))
      writeFileSync(path.join(outdir, `${stack}.tfstate`), state(values));
    return { app: validateConfig(input), args: { configFile: CATALOGUE, outdir, json: false } };
  }
  // Each share's outputs stop short of AWS: the database identifier of each share is missing or mistyped, the
  // consumers hold addresses but no endpoint id, so every finding comes from the states alone.
  const STATES = {
    provider: {
      database_identifier: "orders",
      orders_database_port: 3306,
      billing_database_identifier: 42,
      az_ids: ["use1-az1"],
    },
    "consumer-storefront": {
      endpoint_id: "vpce-0aaaaaaaaaaaaaaaa",
      orders_writer_address: "orders.cluster-c7tj4example.us-east-1.rds.amazonaws.com:3306",
    },
    "consumer-analytics": {
      billing_writer_address: "billing-prod.cluster-c7tj4example.us-east-1.rds.amazonaws.com:5432",
    },
    "consumer-warehouse": { orders_ca_bundle: {} },
  };
  const checks = (findings: Finding[]) => findings.map((f) => `${f.stack} | ${f.check} | ${f.detail}`);

  it("reads each share's outputs under its own names, and names the share and its output when one is missing or mistyped", async () => {
    const { app, args } = catalogue(STATES);
    const findings = await checkShare(app, args, {});
    const none = (share: string) =>
      `its state has none of the endpoint id outputs (${share}_endpoint_id, ${share}_database_endpoint_id, ${share}_writer_endpoint_id, ${share}_reader_endpoint_id)`;
    // The plain database_identifier and endpoint_id are the single-database form's names: no share reads them.
    expect(checks(findings)).toEqual([
      "provider | orders: state and AWS | provider: its orders_database_identifier output is missing from its state",
      "provider | billing: state and AWS | provider: its billing_database_identifier output is 42, not a string",
      "provider | inventory: state and AWS | provider: its inventory_database_identifier output is missing from its state",
      `consumer-storefront | orders: state and AWS | consumer-storefront: ${none("orders")}`,
      `consumer-storefront | billing: state and AWS | consumer-storefront: ${none("billing")}`,
      `consumer-storefront | inventory: state and AWS | consumer-storefront: ${none("inventory")}`,
      `consumer-analytics | billing: state and AWS | consumer-analytics: ${none("billing")}`,
      `consumer-analytics | inventory: state and AWS | consumer-analytics: ${none("inventory")}`,
      `consumer-warehouse | orders: state and AWS | consumer-warehouse: ${none("orders")}`,
      `consumer-warehouse | billing: state and AWS | consumer-warehouse: ${none("billing")}`,
      `consumer-warehouse | inventory: state and AWS | consumer-warehouse: ${none("inventory")}`,
    ]);
    expect(findings.map((f) => f.share)).toEqual([
      "orders",
      "billing",
      "inventory",
      "orders",
      "billing",
      "inventory",
      "billing",
      "inventory",
      "orders",
      "billing",
      "inventory",
    ]);
    const output = `--output ${path.relative(process.cwd(), args.outdir)}`;
    expect(findings[0].fix).toBe(
      `deploy it with this version (RDS_PRIVATELINK_CONFIG=${CONFIG_FILE} npx cdktf deploy provider ${output}), or check that its state is this share's`,
    );
  });

  it("reports a stack with no state once, not once per share, and still checks the stacks it can read", async () => {
    const { provider, "consumer-analytics": analytics } = STATES;
    const { app, args } = catalogue({ provider, "consumer-analytics": analytics });
    const found = checks(await checkShare(app, args, {}));
    expect(found.filter((f) => f.startsWith("consumer-storefront") || f.startsWith("consumer-warehouse"))).toEqual([
      `consumer-storefront | state and AWS | no state at ${path.relative(process.cwd(), path.join(args.outdir, "consumer-storefront.tfstate"))}`,
      `consumer-warehouse | state and AWS | no state at ${path.relative(process.cwd(), path.join(args.outdir, "consumer-warehouse.tfstate"))}`,
    ]);
    expect(found.filter((f) => f.startsWith("consumer-analytics")).map((f) => f.split(" | ")[1])).toEqual([
      "billing: state and AWS",
      "inventory: state and AWS",
    ]);
  });

  it("checks one share with --share: its part of the provider and of every consumer that reaches it", async () => {
    const { app, args } = catalogue(STATES);
    const billing = await checkShare(
      app,
      { ...args, ...parseStatusArgs(["--share", "billing", CATALOGUE, "--output", args.outdir], {}) },
      {},
    );
    expect(billing.map((f) => `${f.stack} ${f.check}`)).toEqual([
      "provider billing: state and AWS",
      "consumer-storefront billing: state and AWS",
      "consumer-analytics billing: state and AWS",
      "consumer-warehouse billing: state and AWS",
    ]);
    // A share analytics does not reach leaves its stack out.
    const orders = await checkShare(app, { ...args, share: "orders" }, {});
    expect([...new Set(orders.map((f) => f.stack))]).toEqual(["provider", "consumer-storefront", "consumer-warehouse"]);
  });

  it("refuses a --share that is not one of the config's, naming its shares, with exit 2", async () => {
    const { app, args } = catalogue(STATES);
    await expect(checkShare(app, { ...args, share: "ledger" }, {})).rejects.toThrow(
      `--share ledger: ${CONFIG_FILE} has no share named "ledger"; its shares are orders, billing, inventory`,
    );
    // The single-database form's one share is named by the config.
    const demo = validateConfig(demoInput());
    expect(sharesToCheck(demo, "orders", "config/default.json").map((s) => s.name)).toEqual(["orders"]);
    expect(() => sharesToCheck(demo, "billing", "config/default.json")).toThrow(
      '--share billing: config/default.json has no share named "billing"; its share is orders',
    );
    expect(() => parseStatusArgs(["--share"], {})).toThrow(
      "--share: give the name of one share of the config, for example --share orders",
    );
    const r = spawnSync(
      process.execPath,
      ["--require", "tsx/cjs", "scripts/status.ts", CONFIG_FILE, "--share", "ledger"],
      { cwd: path.resolve(__dirname, "../.."), encoding: "utf8" },
    );
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr.trim().split("\n").pop() }).toEqual({
      status: 2,
      stdout: "",
      stderr: `--share ledger: ${CONFIG_FILE} has no share named "ledger"; its shares are orders, billing, inventory`,
    });
  });

  it("prints the findings under their stacks and one summary line for the whole config", async () => {
    const { app, args } = catalogue(STATES);
    const lines = formatFindings(await checkShare(app, args, {})).split("\n");
    expect(lines.filter((l) => /^\S/.test(l))).toEqual([
      "provider",
      "consumer-storefront",
      "consumer-analytics",
      "consumer-warehouse",
      "11 problem(s): provider orders: state and AWS; provider billing: state and AWS; provider inventory: state and AWS; consumer-storefront orders: state and AWS; consumer-storefront billing: state and AWS; consumer-storefront inventory: state and AWS; consumer-analytics billing: state and AWS; consumer-analytics inventory: state and AWS; consumer-warehouse orders: state and AWS; consumer-warehouse billing: state and AWS; consumer-warehouse inventory: state and AWS.",
    ]);
  });

  it("names the share's own keys in a fix: provider.shares[i], not provider", () => {
    const pending = { endpointId: "vpce-0bbbbbbbbbbbbbbbb", owner: "333333333333", state: "pendingAcceptance" };
    const [f] = problems(
      diagnoseProvider(
        cluster((o) => (o.connections = [pending])),
        { ...ctx, shareKeys: "provider.shares[1]" },
      ),
    );
    expect(f.fix).toMatch(
      /^add "vpce-0bbbbbbbbbbbbbbbb" to provider\.shares\[1\]\.sharing\.acceptEndpointIds in config\/default\.json/,
    );
    const consumer = {
      stack: "consumer-analytics",
      region: "us-east-1",
      endpoints: [{ role: "interface", id: "vpce-0aaaaaaaaaaaaaaaa", state: "rejected", azIds: ["use1-az1"] }],
    };
    const [rejected] = problems(
      diagnoseConsumer(
        consumer,
        { transport: "endpoint-service", azIds: ["use1-az1"] },
        { ...ctx, shareKeys: "provider.shares[1]" },
      ),
    );
    expect(rejected.fix).toBe(
      "check that this account is among provider.shares[1].sharing.allowedPrincipals, then redeploy this consumer stack",
    );
  });

  describe("its synthesized directory", () => {
    const app = validateConfig(JSON.parse(readFileSync(CATALOGUE, "utf8")));
    function outdirOf(manifest: object): string {
      const dir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-status-"));
      writeFileSync(path.join(dir, "share.json"), JSON.stringify(manifest));
      mkdirSync(path.join(dir, "stacks", "provider"), { recursive: true });
      writeFileSync(
        path.join(dir, "stacks", "provider", "cdk.tf.json"),
        JSON.stringify({
          terraform: { backend: { s3: { bucket: "platform-state", key: "platform/provider.tfstate" } } },
        }),
      );
      return dir;
    }
    const loc = (outdir: string, shares: string[]): StateLocation => ({
      name: "platform",
      configFile: CONFIG_FILE,
      stack: "provider",
      backend: { type: "s3", bucket: "platform-state" },
      projectRoot: outdir,
      outdir,
      shares,
    });

    it("names the config's shares in share.json, and keeps the single-database form's as it was", () => {
      expect(shareManifest(app)).toEqual({
        name: "platform",
        stacks: ["provider", "consumer-storefront", "consumer-analytics", "consumer-warehouse"],
        shares: ["orders", "billing", "inventory"],
      });
      expect(JSON.stringify(shareManifest(validateConfig(demoInput())))).toBe(
        '{"name":"orders","stacks":["provider","consumer-app"]}',
      );
    });

    it("accepts the directory of this config's shares, and refuses one synthesized before a share was added or from the single-database form", () => {
      const current = outdirOf(shareManifest(app));
      expect(() => checkBelongs(loc(current, ["orders", "billing", "inventory"]))).not.toThrow();
      const older = outdirOf({ ...shareManifest(app), shares: ["orders", "billing"] });
      expect(() => checkBelongs(loc(older, ["orders", "billing", "inventory"]))).toThrow(NotThisShareError);
      expect(() => checkBelongs(loc(older, ["orders", "billing", "inventory"]))).toThrow(
        `was synthesized without share inventory of ${CONFIG_FILE} (its shares are orders, billing): the config changed since`,
      );
      expect(() => checkBelongs(loc(older, ["billing"]))).not.toThrow();
      const single = outdirOf({ name: "platform", stacks: ["provider"] });
      expect(() => checkBelongs(loc(single, ["orders"]))).toThrow(
        "was synthesized without share orders of examples/platform-catalogue/config.json (it holds a single-database config)",
      );
      expect(() => checkBelongs(loc(current, []))).toThrow(
        `holds the stacks of a config with several shares (orders, billing, inventory), but ${CONFIG_FILE} is a single-database config`,
      );
    });
  });
});
