import { classify } from "../../functions/failover-sync/events";
import { type Cidr, parseCidr } from "../../functions/failover-sync/ipv4";
import { type CurrentTarget, type Member, plan, readerTargets } from "../../functions/failover-sync/plan";

const VPC: Cidr[] = [parseCidr("10.0.0.0/16")!];
const PORT = 3306;

const healthy = (ip: string, state = "healthy", port = PORT): CurrentTarget => ({ ip, port, state });
const t = (ip: string, port = PORT) => ({ ip, port });

interface Case {
  name: string;
  desired: string[] | null;
  current: CurrentTarget[];
  cidrs?: Cidr[];
  register: string[];
  deregister: string[] | Array<{ ip: string; port: number }>;
  refused?: string[];
  held?: boolean;
}

const cases: Case[] = [
  {
    name: "first population registers the writer into an empty group",
    desired: ["10.0.1.10"],
    current: [],
    register: ["10.0.1.10"],
    deregister: [],
  },
  {
    name: "no change when the writer is already registered",
    desired: ["10.0.1.10"],
    current: [healthy("10.0.1.10")],
    register: [],
    deregister: [],
  },
  {
    name: "no change while the registered writer is still in its initial health check",
    desired: ["10.0.1.10"],
    current: [healthy("10.0.1.10", "initial")],
    register: [],
    deregister: [],
  },
  {
    name: "no change while the writer is unhealthy: health is the NLB's job, not the plan's",
    desired: ["10.0.1.10"],
    current: [healthy("10.0.1.10", "unhealthy")],
    register: [],
    deregister: [],
  },
  {
    name: "failover registers the new writer and deregisters the old one",
    desired: ["10.0.2.20"],
    current: [healthy("10.0.1.10")],
    register: ["10.0.2.20"],
    deregister: ["10.0.1.10"],
  },
  {
    name: "a reader added is registered, the others stay",
    desired: ["10.0.2.20", "10.0.3.30"],
    current: [healthy("10.0.2.20")],
    register: ["10.0.3.30"],
    deregister: [],
  },
  {
    name: "a reader removed is deregistered, the others stay",
    desired: ["10.0.2.20"],
    current: [healthy("10.0.2.20"), healthy("10.0.3.30")],
    register: [],
    deregister: ["10.0.3.30"],
  },
  {
    name: "readers swapped with the writer move both ways",
    desired: ["10.0.1.10", "10.0.3.30"],
    current: [healthy("10.0.2.20"), healthy("10.0.3.30")],
    register: ["10.0.1.10"],
    deregister: ["10.0.2.20"],
  },
  {
    name: "unknown desired targets (DNS failure, no writer) leave the group untouched",
    desired: null,
    current: [healthy("10.0.1.10")],
    register: [],
    deregister: [],
    held: true,
  },
  {
    name: "unknown desired targets leave even an empty group untouched",
    desired: null,
    current: [],
    register: [],
    deregister: [],
    held: true,
  },
  {
    name: "an IP outside the allowed CIDRs is refused and never registered",
    desired: ["192.168.1.5"],
    current: [healthy("10.0.1.10")],
    register: [],
    deregister: [],
    refused: ["192.168.1.5"],
    held: true,
  },
  {
    name: "a refused IP beside a valid one: the valid one is applied",
    desired: ["172.16.0.9", "10.0.2.20"],
    current: [healthy("10.0.1.10")],
    register: ["10.0.2.20"],
    deregister: ["10.0.1.10"],
    refused: ["172.16.0.9"],
  },
  {
    name: "a value that is not an IPv4 address is refused",
    desired: ["not-an-ip"],
    current: [],
    register: [],
    deregister: [],
    refused: ["not-an-ip"],
    held: true,
  },
  {
    name: "an empty desired set never empties the group",
    desired: [],
    current: [healthy("10.0.1.10"), healthy("10.0.2.20")],
    register: [],
    deregister: [],
    held: true,
  },
  {
    name: "no allowed CIDRs refuse everything and keep the group",
    desired: ["10.0.2.20"],
    current: [healthy("10.0.1.10")],
    cidrs: [],
    register: [],
    deregister: [],
    refused: ["10.0.2.20"],
    held: true,
  },
  {
    name: "draining targets are left alone",
    desired: ["10.0.2.20"],
    current: [healthy("10.0.2.20"), healthy("10.0.1.10", "draining")],
    register: [],
    deregister: [],
  },
  {
    name: "a desired IP that is still draining is registered again",
    desired: ["10.0.1.10"],
    current: [healthy("10.0.1.10", "draining"), healthy("10.0.2.20")],
    register: ["10.0.1.10"],
    deregister: ["10.0.2.20"],
  },
  {
    name: "unhealthy.draining counts as draining",
    desired: ["10.0.2.20"],
    current: [healthy("10.0.2.20"), healthy("10.0.1.10", "unhealthy.draining")],
    register: [],
    deregister: [],
  },
  {
    name: "duplicate desired IPs are registered once",
    desired: ["10.0.2.20", "10.0.2.20"],
    current: [],
    register: ["10.0.2.20"],
    deregister: [],
  },
  {
    name: "duplicate current entries are deregistered once",
    desired: ["10.0.2.20"],
    current: [healthy("10.0.1.10"), healthy("10.0.1.10", "unhealthy")],
    register: ["10.0.2.20"],
    deregister: ["10.0.1.10"],
  },
  {
    name: "the right IP on the wrong port is replaced by the database port",
    desired: ["10.0.1.10"],
    current: [healthy("10.0.1.10", "healthy", 3307)],
    register: ["10.0.1.10"],
    deregister: [t("10.0.1.10", 3307)],
  },
  {
    name: "a stale 'started' event after 'finished' finds the new writer in place and changes nothing",
    desired: ["10.0.2.20"],
    current: [healthy("10.0.2.20"), healthy("10.0.1.10", "draining")],
    register: [],
    deregister: [],
  },
  {
    name: "several CIDRs are all honoured",
    desired: ["10.1.0.5", "10.0.0.5"],
    current: [],
    cidrs: [parseCidr("10.0.0.0/16")!, parseCidr("10.1.0.0/16")!],
    register: ["10.1.0.5", "10.0.0.5"],
    deregister: [],
  },
  {
    name: "a /32 CIDR admits exactly that address",
    desired: ["10.0.0.5", "10.0.0.6"],
    current: [],
    cidrs: [parseCidr("10.0.0.5/32")!],
    register: ["10.0.0.5"],
    deregister: [],
    refused: ["10.0.0.6"],
  },
];

describe("plan(desired, current)", () => {
  it("is exercised by at least 20 cases", () => expect(cases.length).toBeGreaterThanOrEqual(20));

  it.each(cases)("$name", (c) => {
    const result = plan({ desired: c.desired, current: c.current, port: PORT, allowedCidrs: c.cidrs ?? VPC });
    expect(result.register).toEqual(c.register.map((ip) => t(ip)));
    expect(result.deregister).toEqual(c.deregister.map((d) => (typeof d === "string" ? t(d) : d)));
    expect(result.refused.map((r) => r.ip)).toEqual(c.refused ?? []);
    expect(result.heldBecause !== undefined).toBe(c.held ?? false);
  });

  it("never plans a group into emptiness, whatever the input", () => {
    const ips = ["10.0.1.1", "10.0.1.2", "192.168.0.1", "bad"];
    const states = ["healthy", "initial", "draining", "unhealthy"];
    let checked = 0;
    for (let mask = 0; mask < 16; mask++) {
      const desired = ips.filter((_, i) => mask & (1 << i));
      for (let cmask = 0; cmask < 16; cmask++) {
        const current = ips
          .slice(0, 2)
          .flatMap((ip, i) => (cmask & (1 << i) ? [healthy(ip, states[(cmask >> 2) % 4])] : []));
        const p = plan({ desired, current, port: PORT, allowedCidrs: VPC });
        const live = current.filter((c) => !c.state.includes("draining")).map((c) => c.ip);
        const after = new Set([
          ...live.filter((ip) => !p.deregister.some((d) => d.ip === ip)),
          ...p.register.map((r) => r.ip),
        ]);
        if (live.length > 0) expect(after.size).toBeGreaterThan(0);
        checked++;
      }
    }
    expect(checked).toBe(256);
  });
});

describe("readerTargets(writer, readers)", () => {
  const writer: Member = { instance: "orders-1", ip: "10.0.1.10" };
  const reader: Member = { instance: "orders-2", ip: "10.0.2.20" };

  it("uses the available readers", () => expect(readerTargets(writer, [reader])).toEqual([reader]));
  it("falls back to the writer when no reader is available, so the reader port keeps answering", () =>
    expect(readerTargets(writer, [])).toEqual([writer]));
  it("is unknown when the readers are unknown", () => expect(readerTargets(writer, null)).toBeNull());
  it("is unknown when there are no readers and no writer", () => expect(readerTargets(null, [])).toBeNull());
  it("keeps known readers even when the writer is unknown", () =>
    expect(readerTargets(null, [reader])).toEqual([reader]));
});

describe("classify(event)", () => {
  const rds = (id: string, type = "RDS DB Cluster Event") => ({
    source: "aws.rds",
    "detail-type": type,
    time: "2026-11-22T10:00:00Z",
    detail: { EventID: id, SourceIdentifier: "orders" },
  });

  it.each([
    ["RDS-EVENT-0073", "failover-started"],
    ["RDS-EVENT-0072", "failover-started"],
    ["RDS-EVENT-0013", "failover-started"],
    ["RDS-EVENT-0071", "failover-finished"],
    ["RDS-EVENT-0015", "failover-finished"],
    ["RDS-EVENT-0049", "failover-finished"],
    ["RDS-EVENT-0050", "failover-finished"],
    ["RDS-EVENT-0051", "failover-finished"],
    ["RDS-EVENT-0005", "membership"],
  ])("classifies %s as %s", (id, trigger) => {
    expect(classify(rds(id)).trigger).toBe(trigger);
  });

  it("reads the event time", () =>
    expect(classify(rds("RDS-EVENT-0073")).time).toBe(Date.parse("2026-11-22T10:00:00Z")));
  it("treats scheduled events as reconciliation", () => {
    expect(classify({ source: "aws.events", "detail-type": "Scheduled Event" }).trigger).toBe("schedule");
    expect(classify({ trigger: "schedule" }).trigger).toBe("schedule");
  });
  it("recognizes the deploy-time run", () => expect(classify({ trigger: "deploy" }).trigger).toBe("deploy"));
  it("treats anything else, even nothing, as a manual run", () => {
    expect(classify(undefined).trigger).toBe("manual");
    expect(classify("x").trigger).toBe("manual");
    expect(classify({}).trigger).toBe("manual");
  });
});

describe("isQueueBatch(event)", () => {
  const { isQueueBatch } =
    require("../../functions/failover-sync/events") as typeof import("../../functions/failover-sync/events");
  it.each([
    [{ Records: [{ eventSource: "aws:sqs", body: "{}" }] }, true],
    [{ Records: [{ eventSource: "aws:sqs", body: "{}" }, { eventSource: "aws:sns" }] }, false],
    [{ Records: [] }, false],
    [{ trigger: "deploy" }, false],
    [{ source: "aws.rds", detail: {} }, false],
    [null, false],
  ])("tells a run-queue batch from a direct invocation: %j -> %s", (event, expected) =>
    expect(isQueueBatch(event)).toBe(expected),
  );
});
