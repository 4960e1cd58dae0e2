// The resource transport: the database shared as VPC resources through AWS RAM. A resource
// gateway in the provider subnets, the resource configurations, and a RAM share with one
// association per principal. No load balancer, no target IPs, no failover function.
//
// Two ways to name the database (provider.resourceDefinition):
// - arn (default): one ARN-type configuration of the cluster or instance. AWS documents ARN
//   configurations as "a supported resource-type that is provisioned by an AWS service. Any
//   Group/Child relationship is automatically taken care of" (VPC Lattice User Guide, "Resource
//   configurations for VPC resources"), with RDS databases as such a type
//   (AWS::VpcLattice::ResourceConfiguration ResourceConfigurationDefinition). A consumer's
//   resource endpoint with private DNS then answers the database's own names: a cross-account
//   test reached an Aurora cluster's cluster and cluster-ro names that way (mizzy/playground,
//   cross-account-rds-pattern-a/README.md, Nov 2025), so the RDS certificate verifies. Port
//   ranges and protocol come from the database: the API takes them only for SINGLE, GROUP and
//   CHILD (VPC Lattice API Reference, CreateResourceConfiguration), and the AWS provider 5.100.0
//   refuses them next to arn_resource ("Invalid Attribute Combination", terraform and tofu
//   validate). Which child configurations AWS creates for a cluster ARN, whether instance
//   endpoints are among them, and how soon a failover shows in them: not in the sources found
//   here, unknown.
// - dns: one DNS-type configuration per RDS endpoint name ("any domain name that is publicly
//   resolvable", same CloudFormation page), the writer's and the reader's. RDS moves those names
//   on a failover (Aurora User Guide, "Types of Aurora endpoints"). Consumers reach them by
//   their own names, which the RDS certificate does not carry, so clients cannot verify it; the
//   choice for RDS Proxy and other DNS names.
import { RamPrincipalAssociation } from "@cdktf/provider-aws/lib/ram-principal-association";
import { RamResourceAssociation } from "@cdktf/provider-aws/lib/ram-resource-association";
import { RamResourceShare } from "@cdktf/provider-aws/lib/ram-resource-share";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpclatticeResourceConfiguration } from "@cdktf/provider-aws/lib/vpclattice-resource-configuration";
import { VpclatticeResourceGateway } from "@cdktf/provider-aws/lib/vpclattice-resource-gateway";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { type ProviderConfig, ramPrincipal } from "../../config/resolve";
import type { ResourceDefinition } from "../../config/schema";
import { egressToDatabase } from "./database-egress";
import type { Network } from "./network";

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
  /** arn: one configuration of `databaseArn`; dns: one per address. */
  readonly definition: ResourceDefinition;
  /** The cluster's or instance's ARN, for an ARN-type configuration. */
  readonly databaseArn: string;
}

export class ResourceShare extends Construct {
  readonly securityGroupId: string;
  readonly gateway: VpclatticeResourceGateway;
  /** arn: the one configuration of the database. */
  readonly database?: VpclatticeResourceConfiguration;
  /** dns: the writer endpoint's and, for a cluster, the reader endpoint's configurations. */
  readonly writer?: VpclatticeResourceConfiguration;
  readonly reader?: VpclatticeResourceConfiguration;
  /** Every configuration this share holds. */
  readonly configurations: VpclatticeResourceConfiguration[];
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

    // An existing database's port is known at plan time only: consumers are told the port in
    // their outputs, so the database must listen there. (A created one uses it.)
    const portCheck = Token.isUnresolved(props.databasePort)
      ? {
          precondition: [
            {
              condition: `\${${Token.asString(props.databasePort)} == ${props.port}}`,
              errorMessage: `The database listens on port \${${Token.asString(props.databasePort)}}, but consumers of ${name} are given ${props.port}: set provider.ports.writer to the database's port.`,
            },
          ],
        }
      : undefined;
    if (props.definition === "arn") {
      this.database = new VpclatticeResourceConfiguration(this, "Database", {
        name: `${name}-database`,
        type: "ARN",
        resourceGatewayIdentifier: this.gateway.id,
        resourceConfigurationDefinition: [{ arnResource: [{ arn: props.databaseArn }] }],
        tags: { Name: `${name}-database` },
        lifecycle: portCheck,
      });
      this.configurations = [this.database];
    } else {
      const configuration = (role: "writer" | "reader", domainName: string) =>
        new VpclatticeResourceConfiguration(this, role === "writer" ? "Writer" : "Reader", {
          name: `${name}-${role}`,
          type: "SINGLE",
          protocol: "TCP",
          resourceGatewayIdentifier: this.gateway.id,
          portRanges: [String(props.port)],
          resourceConfigurationDefinition: [{ dnsResource: [{ domainName, ipAddressType: "IPV4" }] }],
          tags: { Name: `${name}-${role}` },
          lifecycle: portCheck,
        });
      this.writer = configuration("writer", props.writerAddress);
      if (props.readerAddress) this.reader = configuration("reader", props.readerAddress);
      this.configurations = this.reader ? [this.writer, this.reader] : [this.writer];
    }

    this.share = new RamResourceShare(this, "Share", {
      name: `${name}-database`,
      allowExternalPrincipals: sharing.allowExternalPrincipals,
      tags: { Name: `${name}-database` },
    });
    // Keyed by the configuration's construct id: Resource-Writer, Resource-Reader, Resource-Database.
    for (const configuration of this.configurations) {
      new RamResourceAssociation(this, `Resource-${configuration.node.id}`, {
        resourceShareArn: this.share.arn,
        resourceArn: configuration.arn,
      });
    }
    // One association per principal: adding a consumer adds one resource and touches no other.
    for (const principal of sharing.allowedPrincipals) {
      const ram = ramPrincipal(principal);
      new RamPrincipalAssociation(this, `Principal-${ramPrincipalKey(ram)}`, {
        resourceShareArn: this.share.arn,
        principal: ram,
      });
    }
  }
}

/** A construct id from a RAM principal that stays stable and readable: "222222222222", "ou-ab12-cd34ef56", "o-abc123". */
export function ramPrincipalKey(principal: string): string {
  return (principal.split("/").pop() ?? principal).replace(/[^A-Za-z0-9-]/g, "-");
}
