import { crossCheck } from "../../config/rules";
import {
  dashboardName,
  fitName,
  globalNameCollisions,
  IAM_ROLE_NAME_LIMIT,
  iamRoleName,
  kmsAliasName,
} from "../../config/names";
import { MAX_NAME_LENGTH } from "../../config/schema";
import { demoInput } from "../helpers";

const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const KMS_ALIAS = /^alias\/[a-zA-Z0-9/_-]+$/;

describe("names unique beyond one stack", () => {
  it("puts the region in IAM role names: one share name in two regions of one account makes two roles", () => {
    expect(iamRoleName({ share: "orders", region: "us-east-1" }, "failover-sync")).toBe(
      "orders-failover-sync-us-east-1",
    );
    expect(iamRoleName({ share: "orders", region: "eu-west-1" }, "failover-sync")).toBe(
      "orders-failover-sync-eu-west-1",
    );
    expect(iamRoleName({ share: "orders", region: "us-east-1" }, "vpc-flow-log")).not.toBe(
      iamRoleName({ share: "orders", region: "eu-west-1" }, "vpc-flow-log"),
    );
  });

  it("keeps share orders with consumer app-eu and share orders-app with consumer eu apart", () => {
    const a = { share: "orders", consumer: "app-eu", region: "eu-west-1" };
    const b = { share: "orders-app", consumer: "eu", region: "eu-west-1" };
    expect(iamRoleName(a, "vpc-flow-log")).toBe("orders.app-eu-vpc-flow-log-eu-west-1");
    expect(iamRoleName(b, "vpc-flow-log")).toBe("orders-app.eu-vpc-flow-log-eu-west-1");
    expect(kmsAliasName(a, "operations")).toBe("alias/orders/app-eu/operations");
    expect(kmsAliasName(b, "operations")).toBe("alias/orders-app/eu/operations");
  });

  it("keeps the provider's names apart from any consumer's (no share or consumer name holds '.' or '/')", () => {
    expect(iamRoleName({ share: "orders-app", region: "us-east-1" }, "vpc-flow-log")).not.toBe(
      iamRoleName({ share: "orders", consumer: "app", region: "us-east-1" }, "vpc-flow-log"),
    );
    expect(kmsAliasName({ share: "orders-app", region: "us-east-1" }, "operations")).not.toBe(
      kmsAliasName({ share: "orders", consumer: "app", region: "us-east-1" }, "operations"),
    );
  });

  it("fits the longest names into IAM's 64 characters, still valid and still distinct", () => {
    const share = "s".repeat(MAX_NAME_LENGTH);
    const one = iamRoleName(
      { share, consumer: `${"c".repeat(MAX_NAME_LENGTH - 1)}1`, region: "ap-southeast-5" },
      "vpc-flow-log",
    );
    const two = iamRoleName(
      { share, consumer: `${"c".repeat(MAX_NAME_LENGTH - 1)}2`, region: "ap-southeast-5" },
      "vpc-flow-log",
    );
    for (const n of [one, two]) {
      expect(n.length).toBeLessThanOrEqual(IAM_ROLE_NAME_LIMIT);
      expect(n).toMatch(IAM_ROLE_NAME);
    }
    expect(one).not.toBe(two);
    expect(fitName("short", 64)).toBe("short");
    expect(kmsAliasName({ share, consumer: share, region: "us-east-1" }, "operations")).toMatch(KMS_ALIAS);
  });
});

describe("globalNameCollisions", () => {
  const role = (party: string, name: string, account = "111111111111") => ({
    kind: "IAM role" as const,
    name,
    party,
    account,
  });
  const alias = (party: string, name: string, region: string) => ({
    kind: "KMS alias" as const,
    name,
    party,
    account: "222222222222",
    region,
  });

  it("names both parties and the fix when two would create one name", () => {
    expect(globalNameCollisions([role("provider", "orders-x"), role("consumers[0] (app)", "orders-x")])).toEqual([
      "provider and consumers[0] (app) would both create the IAM role orders-x in account 111111111111; rename one of them or put them in different accounts",
    ]);
    expect(
      globalNameCollisions([
        alias("consumers[0] (a)", "alias/x", "eu-west-1"),
        alias("consumers[1] (b)", "alias/x", "eu-west-1"),
      ]),
    ).toEqual([
      "consumers[0] (a) and consumers[1] (b) would both create the KMS alias alias/x in account 222222222222, region eu-west-1; rename one of them or put them in different accounts",
    ]);
  });

  it("lets one name live in two accounts, and a regional name in two regions", () => {
    expect(
      globalNameCollisions([role("provider", "orders-x"), role("consumers[0] (app)", "orders-x", "333333333333")]),
    ).toEqual([]);
    expect(
      globalNameCollisions([
        alias("consumers[0] (a)", "alias/x", "eu-west-1"),
        alias("consumers[1] (b)", "alias/x", "us-east-1"),
      ]),
    ).toEqual([]);
  });

  it("finds none in a config whose provider and consumers share one account and region", () => {
    const input = demoInput();
    const account = { region: "us-east-1", accountId: "111111111111" };
    input.provider.account = account;
    input.consumers = ["app-eu", "app", "eu"].map((name, i) => ({
      ...input.consumers[0],
      name,
      account,
      network: { create: { cidr: `10.${20 + i}.0.0/16` } },
    }));
    expect(crossCheck(input).filter((p) => p.message.includes("would both create"))).toEqual([]);
  });
});

describe("the global names of one of several shares", () => {
  it("join the config's name and the share's with _, which no name may contain, so no other config can take them", () => {
    const share = { share: "platform", part: "orders", region: "us-east-1" };
    expect(iamRoleName(share, "failover-sync")).toBe("platform_orders-failover-sync-us-east-1");
    expect(kmsAliasName(share, "database")).toBe("alias/platform_orders-database");
    expect(dashboardName(share)).toBe("platform_orders-privatelink-us-east-1");
    // A config named platform-orders, and a consumer orders of config platform, get other names.
    for (const other of [
      { share: "platform-orders", region: "us-east-1" },
      { share: "platform", consumer: "orders", region: "us-east-1" },
    ]) {
      expect(iamRoleName(other, "failover-sync")).not.toBe(iamRoleName(share, "failover-sync"));
      expect(kmsAliasName(other, "database")).not.toBe(kmsAliasName(share, "database"));
    }
    expect(dashboardName({ share: "platform-orders", region: "us-east-1" })).not.toBe(dashboardName(share));
    expect(iamRoleName(share, "failover-sync")).toMatch(IAM_ROLE_NAME);
    expect(kmsAliasName(share, "database")).toMatch(KMS_ALIAS);
  });
});
