// The resource transport: the database shared as VPC resources through AWS RAM. A resource
// gateway in the provider subnets, one resource configuration for the writer endpoint and one for
// the reader endpoint, and a RAM share with one association per principal. No load balancer,
// no target IPs, no failover function.
//
// Why DNS-type configurations and not one ARN-type configuration of the cluster:
// - AWS documents an ARN-type configuration as "a supported resource-type that is provisioned
//   by an AWS service. Any Group/Child relationship is automatically taken care of" (VPC Lattice
//   User Guide, "Resource configurations for VPC resources"), and RDS databases as such a type
//   (AWS::VpcLattice::ResourceConfiguration ResourceConfigurationDefinition). Which names the
//   consumer then gets for an Aurora cluster's writer and reader endpoints, and what a failover
//   does to them, is not in the AWS sources found here: unknown.
// - A DNS-type configuration names "any domain name that is publicly resolvable" (same
//   CloudFormation page). RDS endpoint names are such names. The cluster endpoint always leads
//   to the writer and the reader endpoint to the readers (Aurora User Guide, "Types of Aurora
//   endpoints"), so a failover needs nothing from this project: RDS moves the names.
// - So writer and reader stay separately reachable, each through its own configuration, with
//   behaviour AWS documents. README.md ("Choosing a transport") says the same with the sources.
import { RamPrincipalAssociation } from "@cdktf/provider-aws/lib/ram-principal-association";
import { RamResourceAssociation } from "@cdktf/provider-aws/lib/ram-resource-association";
import { RamResourceShare } from "@cdktf/provider-aws/lib/ram-resource-share";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpclatticeResourceConfiguration } from "@cdktf/provider-aws/lib/vpclattice-resource-configuration";
import { VpclatticeResourceGateway } from "@cdktf/provider-aws/lib/vpclattice-resource-gateway";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { ProviderConfig, ramPrincipal } from "../../config/resolve";
import { egressToDatabase } from "./database-egress";
import { Network } from "./network";

export interface ResourceShareProps {
  readonly name: string;
  readonly network: Network;
  readonly sharing: ProviderConfig["sharing"];
  /** The port consumers use: the database's own (the configurations pass it through unchanged). */
  readonly port: number;
  /** The database's real port, checked against `port` before anything is shared. */
  readonly databasePort: number;
  /** DNS names of the writer endpoint and, for a cluster, the reader endpoint. */
  readonly writerAddress: string;
  readonly readerAddress?: string;
  /** The database's security group; the gateway's egress goes only there when known, else to the VPC CIDR. */
  readonly databaseSecurityGroupId?: string;
}

export class ResourceShare extends Construct {
  readonly securityGroupId: string;
  readonly gateway: VpclatticeResourceGateway;
  readonly writer: VpclatticeResourceConfiguration;
  readonly reader?: VpclatticeResourceConfiguration;
  readonly share: RamResourceShare;

  constructor(scope: Construct, id: string, props: ResourceShareProps) {
    super(scope, id);
    const { name, network, sharing } = props;
    const sg = new SecurityGroup(this, "SecurityGroup", {
      name: `${name}-resource-gateway`,
      description: `PrivateLink resource gateway of ${name}: egress to the database port only`,
      vpcId: network.vpcId,
      // No ingress: the gateway's security group governs only its traffic to the resource.
      tags: { Name: `${name}-resource-gateway` },
    });
    this.securityGroupId = sg.id;
    egressToDatabase(this, {
      securityGroupId: sg.id,
      databasePort: props.databasePort,
      databaseSecurityGroupId: props.databaseSecurityGroupId,
      vpcCidr: network.vpcCidr,
      description: "Database port only",
    });

    this.gateway = new VpclatticeResourceGateway(this, "Gateway", {
      name: `${name}-gateway`,
      vpcId: network.vpcId,
      // Every provider subnet: a consumer's endpoint needs at least one zone in common with it.
      subnetIds: network.subnetIds,
      securityGroupIds: [sg.id],
      ipAddressType: "IPV4",
      tags: { Name: `${name}-gateway` },
    });

    const configuration = (role: "writer" | "reader", domainName: string) =>
      new VpclatticeResourceConfiguration(this, role === "writer" ? "Writer" : "Reader", {
        name: `${name}-${role}`,
        type: "SINGLE",
        protocol: "TCP",
        resourceGatewayIdentifier: this.gateway.id,
        portRanges: [String(props.port)],
        resourceConfigurationDefinition: [{ dnsResource: [{ domainName, ipAddressType: "IPV4" }] }],
        tags: { Name: `${name}-${role}` },
        // An existing database's port is known at plan time only: consumers are told the
        // port in their outputs, so the database must listen there. (A created one uses it.)
        lifecycle: Token.isUnresolved(props.databasePort)
          ? {
              precondition: [
                {
                  condition: `\${${Token.asString(props.databasePort)} == ${props.port}}`,
                  errorMessage: `The database listens on port \${${Token.asString(props.databasePort)}}, but consumers of ${name} are given ${props.port}: set provider.ports.writer to the database's port.`,
                },
              ],
            }
          : undefined,
      });
    this.writer = configuration("writer", props.writerAddress);
    if (props.readerAddress) this.reader = configuration("reader", props.readerAddress);

    this.share = new RamResourceShare(this, "Share", {
      name: `${name}-database`,
      allowExternalPrincipals: sharing.allowExternalPrincipals,
      tags: { Name: `${name}-database` },
    });
    for (const [key, configurationArn] of [["Writer", this.writer.arn], ...(this.reader ? [["Reader", this.reader.arn]] : [])]) {
      new RamResourceAssociation(this, `Resource-${key}`, { resourceShareArn: this.share.arn, resourceArn: configurationArn });
    }
    // One association per principal: adding a consumer adds one resource and touches no other.
    for (const principal of sharing.allowedPrincipals) {
      const ram = ramPrincipal(principal);
      new RamPrincipalAssociation(this, `Principal-${ramPrincipalKey(ram)}`, { resourceShareArn: this.share.arn, principal: ram });
    }
  }
}

/** A construct id from a RAM principal that stays stable and readable: "222222222222", "ou-ab12-cd34ef56", "o-abc123". */
export function ramPrincipalKey(principal: string): string {
  return (principal.split("/").pop() ?? principal).replace(/[^A-Za-z0-9-]/g, "-");
}
