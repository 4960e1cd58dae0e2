// npm run status's read of max_connect_errors, against the RDS API of a real emulator (moto
// server): group names from DescribeDBInstances, values from DescribeDBParameters.
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateDBParameterGroupCommand,
  ModifyDBParameterGroupCommand,
  RDSClient,
} from "@aws-sdk/client-rds";
import { readHostBlocking } from "../../scripts/status/host-blocking";
import { type Moto, startMoto } from "../support/moto";

jest.setTimeout(60_000);

let moto: Moto;
let rds: RDSClient;

beforeAll(async () => {
  moto = await startMoto();
  rds = new RDSClient({
    region: "us-east-1",
    endpoint: moto.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterAll(async () => moto?.stop());
beforeEach(async () => moto.reset());

async function group(name: string, family: string, value?: string): Promise<void> {
  await rds.send(
    new CreateDBParameterGroupCommand({
      DBParameterGroupName: name,
      DBParameterGroupFamily: family,
      Description: "test",
    }),
  );
  if (value)
    await rds.send(
      new ModifyDBParameterGroupCommand({
        DBParameterGroupName: name,
        Parameters: [{ ParameterName: "max_connect_errors", ParameterValue: value, ApplyMethod: "immediate" }],
      }),
    );
}

describe("status reads max_connect_errors from the RDS API", () => {
  it("reads each parameter group an Aurora cluster's members use: a custom group's value, a default group's engine default", async () => {
    await group("orders-database", "aurora-mysql8.0", "4294967295");
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: "orders",
        Engine: "aurora-mysql",
        EngineVersion: "8.0.mysql_aurora.3.08.0",
        MasterUsername: "dbadmin",
        MasterUserPassword: "not-a-real-secret-1",
      }),
    );
    for (const [id, groupName] of [
      ["orders-1", "orders-database"],
      ["orders-2", undefined],
      ["orders-3", "orders-database"],
    ] as const) {
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          DBClusterIdentifier: "orders",
          Engine: "aurora-mysql",
          DBInstanceClass: "db.t4g.medium",
          DBParameterGroupName: groupName,
        }),
      );
    }
    const read = await readHostBlocking(rds, {
      kind: "cluster",
      identifier: "orders",
      engine: "aurora-mysql",
      created: true,
    });
    expect(read.unread).toBeUndefined();
    const custom = read.groups.find((g) => g.group === "orders-database");
    expect(custom).toEqual({
      kind: "db",
      group: "orders-database",
      usedBy: ["orders-1", "orders-3"],
      value: 4294967295,
      raw: "4294967295",
      source: "user",
      notApplied: [],
    });
    const fallback = read.groups.find((g) => g.group !== "orders-database");
    expect(fallback).toMatchObject({ kind: "db", usedBy: ["orders-2"], value: 100, source: "engine-default" });
    expect(fallback!.group).toMatch(/^default\./);
  });

  it("reads a Multi-AZ instance's own group", async () => {
    await group("ledger-params", "mysql8.0", "10000");
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: "ledger",
        Engine: "mysql",
        DBInstanceClass: "db.t4g.medium",
        MultiAZ: true,
        AllocatedStorage: 20,
        MasterUsername: "dbadmin",
        MasterUserPassword: "not-a-real-secret-1",
        DBParameterGroupName: "ledger-params",
      }),
    );
    const read = await readHostBlocking(rds, {
      kind: "instance",
      identifier: "ledger",
      engine: "mysql",
      created: false,
    });
    expect(read).toEqual({
      created: false,
      groups: [
        {
          kind: "db",
          group: "ledger-params",
          usedBy: ["ledger"],
          value: 10000,
          raw: "10000",
          source: "user",
          notApplied: [],
        },
      ],
    });
  });

  it("reports a failed read as unread, with RDS's error, instead of throwing", async () => {
    const read = await readHostBlocking(rds, {
      kind: "instance",
      identifier: "missing-db",
      engine: "mysql",
      created: false,
    });
    expect(read.groups).toEqual([]);
    expect(read.unread).toMatch(/missing-db/);
  });
});
