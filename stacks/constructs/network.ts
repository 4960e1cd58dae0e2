// The VPC side of a stack: a new isolated VPC, or an existing VPC looked up by id.
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { iamRoleName, type NameScope } from "../../config/names";
import type { NetworkConfig } from "../../config/schema";
import { subnetCidrs } from "../cidr";
import { FlowLog } from "./flow-log";

export interface NetworkProps {
  readonly config: NetworkConfig;
  /** Prefix of the Name tags, e.g. "orders" or "orders-app". */
  readonly namePrefix: string;
  /** Whose network: names unique beyond the stack (the flow log's role) are built from it. */
  readonly nameScope: NameScope;
  /** KMS key of the flow log group of a created VPC. */
  readonly kmsKeyArn: string;
}

export class Network extends Construct {
  readonly vpcId: string;
  /** The VPC's primary IPv4 CIDR. */
  readonly vpcCidr: string;
  readonly subnetIds: string[];
  /** AZ IDs of the subnets, in subnet order. AZ IDs, not names: names differ per account. */
  readonly azIds: string[];
  /** AZ names of the subnets, in subnet order (for APIs that only take names). */
  readonly azNames: string[];
  /** The VPC flow log's group, when this construct created the VPC (an existing VPC keeps its own). */
  readonly flowLogGroupName?: string;
  /** An existing VPC as AWS reports it at plan time, for its CIDR blocks. */
  private readonly existingVpc?: DataAwsVpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { create, existing } = props.config;
    if (create) {
      const vpc = new Vpc(this, "Vpc", {
        cidrBlock: create.cidr,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: { Name: props.namePrefix },
      });
      const flowLog = new FlowLog(this, "FlowLog", {
        name: props.namePrefix,
        roleName: iamRoleName(props.nameScope, "vpc-flow-log"),
        vpcId: vpc.id,
        kmsKeyArn: props.kmsKeyArn,
        retentionDays: create.flowLogRetentionDays,
      });
      this.flowLogGroupName = flowLog.logGroup.name;
      // Close the default security group: nothing in this VPC may fall back to it.
      new DefaultSecurityGroup(this, "DefaultSecurityGroup", {
        vpcId: vpc.id,
        tags: { Name: `${props.namePrefix}-default-closed` },
      });
      const count = create.azIds?.length ?? create.azCount;
      let zoneIds: string[];
      if (create.azIds) {
        zoneIds = create.azIds;
      } else {
        const zones = new DataAwsAvailabilityZones(this, "Zones", {
          state: "available",
          filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
        });
        zoneIds = Array.from({ length: count }, (_, i) => Fn.element(zones.zoneIds, i));
      }
      // Isolated subnets: no internet gateway, no NAT and no default route exist in this VPC.
      const subnets = subnetCidrs(create.cidr, count).map(
        (cidrBlock, i) =>
          new Subnet(this, `Subnet${i}`, {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZoneId: zoneIds[i],
            mapPublicIpOnLaunch: false,
            tags: { Name: `${props.namePrefix}-isolated-${i}` },
          }),
      );
      this.vpcId = vpc.id;
      this.vpcCidr = vpc.cidrBlock;
      this.subnetIds = subnets.map((s) => s.id);
      this.azIds = subnets.map((s) => s.availabilityZoneId);
      this.azNames = subnets.map((s) => s.availabilityZone);
    } else if (existing) {
      const vpc = new DataAwsVpc(this, "Vpc", { id: existing.vpcId });
      const subnets = existing.subnetIds.map(
        (subnetId, i) =>
          new DataAwsSubnet(this, `Subnet${i}`, {
            id: subnetId,
            lifecycle: {
              postcondition: [
                {
                  condition: `\${self.vpc_id == "${existing.vpcId}"}`,
                  errorMessage: `Subnet ${subnetId} is not in ${existing.vpcId}; list subnets of that VPC.`,
                },
              ],
            },
          }),
      );
      this.vpcId = vpc.id;
      this.vpcCidr = vpc.cidrBlock;
      this.existingVpc = vpc;
      this.subnetIds = existing.subnetIds;
      this.azIds = subnets.map((s) => s.availabilityZoneId);
      this.azNames = subnets.map((s) => s.availabilityZone);
    } else {
      throw new Error("network needs create or existing (the config loader checks this)");
    }
  }

  /**
   * An existing VPC's associated IPv4 CIDR blocks besides the primary one, as AWS reports them
   * at plan time: a database or client in a secondary CIDR is as much inside the VPC as one in
   * the primary. A list known at plan time (the VPC is looked up by a literal id), so rules
   * over it may use for_each. Empty for a created VPC, which has the one CIDR of its config:
   * a data source of it would be unknown on the first plan, and for_each cannot wait for that.
   */
  get secondaryCidrs(): string[] {
    const vpc = this.existingVpc;
    if (!vpc) return [];
    return Token.asList(
      TerraformIterator.fromList(vpc.cidrBlockAssociations).forExpressionForList(
        `val.cidr_block if val.state == "associated" && val.cidr_block != ${vpc.cidrBlock}`,
      ),
    );
  }

  /** Every associated IPv4 CIDR of the VPC, the primary first. */
  get vpcCidrs(): string[] {
    return this.existingVpc ? Fn.concat([[this.vpcCidr], this.secondaryCidrs]) : [this.vpcCidr];
  }
}
