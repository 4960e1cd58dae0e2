import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { OperationsKey } from "../../../stacks/constructs/operations-key";
import { resources } from "../../helpers";
import { synthConstruct } from "../../support/construct";

describe("OperationsKey, alone", () => {
  it("rotates, names its alias, and lets only the account and CloudWatch Logs use it", () => {
    const nameScope = { share: "orders", consumer: "app", region: "us-east-1" };
    const { json } = synthConstruct(
      (scope) => new OperationsKey(scope, "OperationsKey", { name: "orders-app", nameScope }),
    );
    const [key] = resources(json, KmsKey.tfResourceType);
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    // Share and consumer apart: share "orders-app" with a consumer "x" could not take this alias.
    expect(resources(json, "aws_kms_alias")[0].name).toBe("alias/orders/app/operations");
    expect(JSON.parse(key.policy).Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "AccountAdministers",
      "LogsEncrypt",
    ]);
  });

  it("lets CloudWatch alarms publish under it only when asked", () => {
    const { json } = synthConstruct(
      (scope) =>
        new OperationsKey(scope, "OperationsKey", {
          name: "orders",
          nameScope: { share: "orders", region: "us-east-1" },
          forAlarms: true,
        }),
    );
    expect(
      JSON.parse(resources(json, KmsKey.tfResourceType)[0].policy).Statement.map((s: { Sid: string }) => s.Sid),
    ).toEqual(["AccountAdministers", "LogsEncrypt", "AlarmsPublish"]);
  });

  it("reads the account, partition and region once for the whole stack", () => {
    const { json } = synthConstruct((scope) => {
      new OperationsKey(scope, "First", { name: "one", nameScope: { share: "one", region: "us-east-1" } });
      new OperationsKey(scope, "Second", {
        name: "two",
        nameScope: { share: "two", region: "us-east-1" },
        forAlarms: true,
      });
    });
    expect(Object.keys(json.data.aws_caller_identity)).toHaveLength(1);
    expect(Object.keys(json.data.aws_partition)).toHaveLength(1);
    expect(Object.keys(json.data.aws_region)).toHaveLength(1);
  });
});
