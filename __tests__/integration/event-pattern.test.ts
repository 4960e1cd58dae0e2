// The failover function's EventBridge rule against RDS events in the shape AWS documents them,
// through a real EventBridge matcher: moto's event routing, over its HTTP API.
import { rdsEventPattern } from "../../functions/failover-sync/events";
import { DOCUMENTED_CLUSTER_EVENT, DOCUMENTED_INSTANCE_EVENT, withName } from "../fixtures/rds-events";
import { type EventMatcher, eventMatcher } from "../support/event-matcher";
import { type Moto, startMoto } from "../support/moto";

jest.setTimeout(60_000);

const ARN = "arn:aws:rds:us-east-1:123456789012";
const CLUSTER_PATTERN = rdsEventPattern([`${ARN}:cluster:orders`, `${ARN}:db:orders-1`, `${ARN}:db:orders-2`]);
const INSTANCE_PATTERN = rdsEventPattern([`${ARN}:db:orders`]);
// The rule before it matched by ARN: plain identifiers in detail.SourceIdentifier.
const IDENTIFIER_PATTERN = {
  ...CLUSTER_PATTERN,
  detail: {
    ...(CLUSTER_PATTERN.detail as object),
    SourceArn: undefined,
    SourceIdentifier: ["orders", "orders-1", "orders-2"],
  },
};

let moto: Moto;
let matcher: EventMatcher;
const matches = (pattern: object, event: typeof DOCUMENTED_CLUSTER_EVENT) => matcher.matches(pattern, event);

beforeAll(async () => {
  moto = await startMoto();
  matcher = await eventMatcher(moto.url);
});

afterAll(async () => moto?.stop());

const clusterEvent = (name: string, eventId: string, plainIdentifier = false) =>
  withName(DOCUMENTED_CLUSTER_EVENT, "my-db-cluster", name, {
    eventId,
    message: "Completed failover to DB instance",
    plainIdentifier,
  });
const instanceEvent = (name: string, eventId = "RDS-EVENT-0049", plainIdentifier = false) =>
  withName(DOCUMENTED_INSTANCE_EVENT, "my-db-instance", name, { eventId, plainIdentifier });

describe("the RDS event rule, by a real EventBridge matcher", () => {
  it.each(["RDS-EVENT-0071", "RDS-EVENT-0072", "RDS-EVENT-0073"])(
    "matches the documented cluster event as this cluster's %s",
    async (id) => {
      expect(await matches(CLUSTER_PATTERN, clusterEvent("orders", id))).toBe(true);
    },
  );

  it("matches the documented instance event (a Multi-AZ failover) for this instance", async () => {
    expect(await matches(INSTANCE_PATTERN, instanceEvent("orders"))).toBe(true);
  });

  it("matches a member's instance event of this cluster (a reader restarted)", async () => {
    expect(await matches(CLUSTER_PATTERN, instanceEvent("orders-2", "RDS-EVENT-0088"))).toBe(true);
  });

  it("matches the same events when they carry the plain identifier", async () => {
    expect(await matches(CLUSTER_PATTERN, clusterEvent("orders", "RDS-EVENT-0071", true))).toBe(true);
    expect(await matches(INSTANCE_PATTERN, instanceEvent("orders", "RDS-EVENT-0049", true))).toBe(true);
  });

  it("does not match another database's failover events", async () => {
    expect(await matches(CLUSTER_PATTERN, clusterEvent("billing", "RDS-EVENT-0071"))).toBe(false);
    expect(await matches(CLUSTER_PATTERN, instanceEvent("orders-3", "RDS-EVENT-0088"))).toBe(false);
    expect(await matches(INSTANCE_PATTERN, instanceEvent("orders-replica"))).toBe(false);
  });

  it("does not match this cluster's events that need no run (the documented patch event)", async () => {
    expect(await matches(CLUSTER_PATTERN, withName(DOCUMENTED_CLUSTER_EVENT, "my-db-cluster", "orders"))).toBe(false);
  });

  it("shows why the rule matches by ARN: plain identifiers miss the documented event", async () => {
    expect(await matches(IDENTIFIER_PATTERN, clusterEvent("orders", "RDS-EVENT-0071"))).toBe(false);
    expect(await matches(IDENTIFIER_PATTERN, clusterEvent("orders", "RDS-EVENT-0071", true))).toBe(true);
  });
});
