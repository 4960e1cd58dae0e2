// A Multi-AZ DB instance's standby, found before it is needed: RDS moves the instance's DNS
// record to the standby on a failover ("Failing over a Multi-AZ DB instance", RDS User Guide),
// so the function registers the standby's address beside the primary's, where it reads
// unhealthy (a standby takes no connections) and gets no traffic until it takes over. A failover
// then needs no registration: the standby's target is in service once its health checks pass.
//
// No AWS document says the standby's network interface can be seen before a failover. What is
// documented: RDS's interfaces are requester-managed, described "RDSNetworkInterface" (EC2 User
// Guide, "Requester-managed network interfaces"), and an interface attaches only to an instance
// in its own zone, so the standby in the other zone has its own. So the candidate is taken only
// when it is the one interface that fits: in the database's VPC, described RDSNetworkInterface,
// with the instance's security groups, in a subnet of its subnet group, in its
// SecondaryAvailabilityZone, and no other RDS interface carries those groups. Anything else
// keeps the old behaviour (the new address is registered after the failover) and says why.
import type { EC2Client, NetworkInterface } from "@aws-sdk/client-ec2";
import type { DBInstance } from "@aws-sdk/client-rds";

/** The description RDS gives the network interfaces it manages. */
export const RDS_INTERFACE_DESCRIPTION = "RDSNetworkInterface";

/** What the discovery needs from DescribeDBInstances. */
export interface StandbyScope {
  readonly multiAz: boolean;
  readonly vpcId?: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly secondaryAz?: string;
}

/** An RDS network interface as DescribeNetworkInterfaces reports it. */
export interface RdsInterface {
  readonly ip: string;
  readonly subnetId?: string;
  readonly az?: string;
  readonly groups: readonly string[];
}

export interface StandbyFinding {
  /** The standby's address; null when none was taken. */
  readonly ip: string | null;
  /** How it was found, or why none was taken: for the run's report and npm run status. */
  readonly how: string;
}

export function scopeOf(instance: DBInstance): StandbyScope {
  return {
    multiAz: instance.MultiAZ === true,
    vpcId: instance.DBSubnetGroup?.VpcId,
    subnetIds: (instance.DBSubnetGroup?.Subnets ?? []).map((s) => s.SubnetIdentifier ?? "").filter(Boolean),
    securityGroupIds: (instance.VpcSecurityGroups ?? [])
      .filter((g) => g.Status !== "removing" && g.Status !== "inactive")
      .map((g) => g.VpcSecurityGroupId ?? "")
      .filter(Boolean),
    secondaryAz: instance.SecondaryAvailabilityZone,
  };
}

/** The standby as the planner and npm run status name it: the instance's identifier, "(standby)"; undefined when none was taken. */
export function standbyMember(
  identifier: string,
  finding: StandbyFinding | undefined,
): { instance: string; ip: string } | undefined {
  return finding?.ip ? { instance: `${identifier} (standby)`, ip: finding.ip } : undefined;
}

/** Pure: the one interface that can be the standby, or why there is none. */
export function chooseStandby(
  scope: StandbyScope,
  primaryIp: string,
  interfaces: readonly RdsInterface[],
): StandbyFinding {
  if (!scope.multiAz) return { ip: null, how: "not Multi-AZ: there is no standby" };
  if (!scope.vpcId || scope.securityGroupIds.length === 0)
    return { ip: null, how: "the instance reports no VPC or security group: the standby cannot be told apart" };
  const groups = scope.securityGroupIds.join(", ");
  const others = interfaces.filter((i) => i.ip !== primaryIp);
  if (!interfaces.some((i) => i.ip === primaryIp)) {
    return {
      ip: null,
      how: `the primary's address ${primaryIp} is not among the ${RDS_INTERFACE_DESCRIPTION} interfaces with ${groups}: the standby cannot be told apart`,
    };
  }
  if (others.length > 1) {
    return {
      ip: null,
      how: `${others.length} other ${RDS_INTERFACE_DESCRIPTION} interfaces (${others.map((i) => i.ip).join(", ")}) carry ${groups}: another RDS resource shares these security groups, so the standby cannot be told apart. Give the instance a security group of its own`,
    };
  }
  if (others.length === 0)
    return {
      ip: null,
      how: `no other ${RDS_INTERFACE_DESCRIPTION} interface carries ${groups} in ${scope.vpcId}: the standby's interface is not visible`,
    };
  const [candidate] = others;
  if (candidate.subnetId === undefined || !scope.subnetIds.includes(candidate.subnetId)) {
    return {
      ip: null,
      how: `the only other ${RDS_INTERFACE_DESCRIPTION} interface with ${groups} (${candidate.ip}) is in ${candidate.subnetId ?? "no subnet"}, outside the instance's subnet group`,
    };
  }
  if (scope.secondaryAz !== undefined && candidate.az !== scope.secondaryAz) {
    return {
      ip: null,
      how: `the only other ${RDS_INTERFACE_DESCRIPTION} interface with ${groups} (${candidate.ip}) is in ${candidate.az ?? "no zone"}, not the instance's secondary zone ${scope.secondaryAz}`,
    };
  }
  // Without a reported secondary zone, the standby is at least not in the primary's zone: an interface attaches only in its own.
  const primaryAz = interfaces.find((i) => i.ip === primaryIp)?.az;
  if (scope.secondaryAz === undefined && (candidate.az === undefined || candidate.az === primaryAz)) {
    return {
      ip: null,
      how: `the only other ${RDS_INTERFACE_DESCRIPTION} interface with ${groups} (${candidate.ip}) is in the primary's zone ${primaryAz ?? "(unknown)"}, and the instance reports no secondary zone: it cannot be the standby`,
    };
  }
  const zone = scope.secondaryAz ?? candidate.az ?? "its zone";
  return {
    ip: candidate.ip,
    how: `the one other ${RDS_INTERFACE_DESCRIPTION} interface in ${scope.vpcId} with ${groups}, in ${candidate.subnetId} (${zone}), a subnet of the instance's subnet group`,
  };
}

function toInterface(n: NetworkInterface): RdsInterface | null {
  if (!n.PrivateIpAddress) return null;
  return {
    ip: n.PrivateIpAddress,
    subnetId: n.SubnetId,
    az: n.AvailabilityZone,
    groups: (n.Groups ?? []).map((g) => g.GroupId ?? "").filter(Boolean),
  };
}

/** The RDS interfaces in the VPC that carry any of the instance's security groups: one DescribeNetworkInterfaces, paged. */
export async function rdsInterfaces(ec2: EC2Client, scope: StandbyScope): Promise<RdsInterface[]> {
  // Loaded here, not at the top: the EC2 client's module is most of the bundle's start-up time.
  // require, not `await import`: compiled to CommonJS, import() copies the module's thousands of
  // exports into a new namespace object on every call (seconds per simulated failover).
  const { DescribeNetworkInterfacesCommand } = require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2");
  const out: RdsInterface[] = [];
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: "vpc-id", Values: [scope.vpcId!] },
          { Name: "description", Values: [RDS_INTERFACE_DESCRIPTION] },
          { Name: "group-id", Values: [...scope.securityGroupIds] },
        ],
        NextToken: token,
      }),
    );
    for (const n of page.NetworkInterfaces ?? []) {
      const i = toInterface(n);
      if (i) out.push(i);
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** The standby of a Multi-AZ DB instance, from DescribeDBInstances and DescribeNetworkInterfaces. */
export async function findStandby(ec2: EC2Client, instance: DBInstance, primaryIp: string): Promise<StandbyFinding> {
  const scope = scopeOf(instance);
  if (!scope.multiAz || !scope.vpcId || scope.securityGroupIds.length === 0) return chooseStandby(scope, primaryIp, []);
  return chooseStandby(scope, primaryIp, await rdsInterfaces(ec2, scope));
}
