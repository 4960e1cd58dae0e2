// The two discoveries as plain data: which network interface is a Multi-AZ DB instance's
// standby, and how a Blue/Green deployment's members pair with this cluster's.
import { clusterIdOf, instanceIdOf, pairByName } from "../../functions/failover-sync/blue-green";
import { chooseStandby, type RdsInterface, scopeOf, type StandbyScope } from "../../functions/failover-sync/standby";

const SCOPE: StandbyScope = {
  multiAz: true,
  vpcId: "vpc-0a1",
  subnetIds: ["subnet-a", "subnet-b"],
  securityGroupIds: ["sg-db"],
  secondaryAz: "us-east-1b",
};
const PRIMARY: RdsInterface = { ip: "10.0.1.11", subnetId: "subnet-a", az: "us-east-1a", groups: ["sg-db"] };
const STANDBY: RdsInterface = { ip: "10.0.2.22", subnetId: "subnet-b", az: "us-east-1b", groups: ["sg-db"] };

describe("the standby of a Multi-AZ DB instance", () => {
  it("is the one other RDS interface with the instance's groups, in its subnet group and secondary zone, and says how it was found", () => {
    expect(chooseStandby(SCOPE, PRIMARY.ip, [PRIMARY, STANDBY])).toEqual({
      ip: "10.0.2.22",
      how: "the one other RDSNetworkInterface interface in vpc-0a1 with sg-db, in subnet-b (us-east-1b), a subnet of the instance's subnet group",
    });
  });

  it.each([
    [
      "another database shares the group",
      [PRIMARY, STANDBY, { ...STANDBY, ip: "10.0.2.99" }],
      /2 other RDSNetworkInterface interfaces \(10\.0\.2\.22, 10\.0\.2\.99\) carry sg-db: another RDS resource shares these security groups.*Give the instance a security group of its own/,
    ],
    [
      "no other interface is visible",
      [PRIMARY],
      /no other RDSNetworkInterface interface carries sg-db in vpc-0a1: the standby's interface is not visible/,
    ],
    [
      "the candidate is outside the subnet group",
      [PRIMARY, { ...STANDBY, subnetId: "subnet-z" }],
      /is in subnet-z, outside the instance's subnet group/,
    ],
    [
      "the candidate is in another zone than the secondary",
      [PRIMARY, { ...STANDBY, az: "us-east-1c" }],
      /is in us-east-1c, not the instance's secondary zone us-east-1b/,
    ],
    [
      "the primary's own interface is not among them",
      [STANDBY],
      /the primary's address 10\.0\.1\.11 is not among the RDSNetworkInterface interfaces with sg-db/,
    ],
  ])("is not taken when %s, and the reason is given", (_, interfaces, why) => {
    const finding = chooseStandby(SCOPE, PRIMARY.ip, interfaces as RdsInterface[]);
    expect(finding.ip).toBeNull();
    expect(finding.how).toMatch(why);
  });

  it("without a reported secondary zone, is taken only in another zone than the primary's", () => {
    const scope = { ...SCOPE, secondaryAz: undefined };
    expect(chooseStandby(scope, PRIMARY.ip, [PRIMARY, STANDBY]).ip).toBe("10.0.2.22");
    expect(
      chooseStandby(scope, PRIMARY.ip, [PRIMARY, { ...STANDBY, subnetId: "subnet-a", az: "us-east-1a" }]).how,
    ).toMatch(
      /is in the primary's zone us-east-1a, and the instance reports no secondary zone: it cannot be the standby/,
    );
  });

  it("is not looked for on a Single-AZ instance", () => {
    expect(chooseStandby({ ...SCOPE, multiAz: false }, PRIMARY.ip, [PRIMARY, STANDBY])).toEqual({
      ip: null,
      how: "not Multi-AZ: there is no standby",
    });
  });

  it("is found by what DescribeDBInstances reports: VPC, subnets, active security groups, secondary zone", () => {
    const scope = scopeOf({
      MultiAZ: true,
      SecondaryAvailabilityZone: "us-east-1b",
      VpcSecurityGroups: [
        { VpcSecurityGroupId: "sg-db", Status: "active" },
        { VpcSecurityGroupId: "sg-old", Status: "removing" },
      ],
      DBSubnetGroup: {
        VpcId: "vpc-0a1",
        Subnets: [{ SubnetIdentifier: "subnet-a" }, { SubnetIdentifier: "subnet-b" }],
      },
    });
    expect(scope).toEqual(SCOPE);
  });
});

describe("a Blue/Green deployment's members", () => {
  it("are named by their ARNs", () => {
    expect(instanceIdOf("arn:aws:rds:us-east-1:111111111111:db:orders-a-green-abc123")).toBe("orders-a-green-abc123");
    expect(instanceIdOf("arn:aws:rds:us-east-1:111111111111:cluster:orders")).toBeUndefined();
    expect(clusterIdOf("arn:aws-us-gov:rds:us-gov-west-1:111111111111:cluster:orders-old1")).toBe("orders-old1");
  });

  it("pair by RDS's names when SwitchoverDetails lists the clusters alone: <blue>-green-<random> before, <name>-old1 after", () => {
    expect(
      pairByName(["orders-a", "orders-b"], ["orders-a-green-abcdef", "orders-b-green-abcdef", "other-green-abcdef"]),
    ).toEqual([
      { other: "orders-a-green-abcdef", pairedWith: "orders-a" },
      { other: "orders-b-green-abcdef", pairedWith: "orders-b" },
    ]);
    expect(pairByName(["orders-a"], ["orders-a-old1", "orders-a"])).toEqual([
      { other: "orders-a-old1", pairedWith: "orders-a" },
    ]);
  });
});
