// The consumer's way in with the resource transport: the same security group as the endpoint
// service's, one resource VPC endpoint per shared configuration (the database's with private
// DNS, or the writer's and the reader's), the optional acceptance of the RAM invitation, and
// the private zone's friendly names.
import { RamResourceShareAccepter } from "@cdktf/provider-aws/lib/ram-resource-share-accepter";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Fn, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import type { ConsumerPorts } from "../../config/resolve";
import type { ConsumerConfig } from "../../config/schema";
import { stackLocal } from "../share-scope";
import { endpointSecurityGroup, friendlyNamesZone } from "./consumer-access";
import type { DatabaseNames } from "./consumer-rds-names";
import type { Network } from "./network";

export interface ConsumerResourceEndpointProps {
  /** <share>-<consumer>: prefixes resource names. */
  readonly namePrefix: string;
  readonly shareName: string;
  readonly consumer: ConsumerConfig;
  /** The database's port for the writer, and for the reader when there is one. */
  readonly ports: ConsumerPorts;
  readonly network: Network;
  /** Resource configurations: from the config, or cross-stack references to the provider. */
  readonly configurations:
    | { readonly definition: "arn"; readonly configurationArn: string; readonly databaseNames: DatabaseNames }
    | { readonly definition: "dns"; readonly writerConfigurationArn: string; readonly readerConfigurationArn?: string };
  /** The RAM share to accept, when the consumer's config asks for it. */
  readonly resourceShareArn?: string;
  /** The resource gateway's AZ IDs; the endpoint needs at least one zone in common. */
  readonly providerAzIds: string[];
}

export class ConsumerResourceEndpoint extends Construct {
  readonly securityGroup: SecurityGroup;
  /** arn: the one endpoint of the database's configuration, with private DNS. */
  readonly databaseEndpoint?: VpcEndpoint;
  /** dns: one endpoint per configuration. */
  readonly writerEndpoint?: VpcEndpoint;
  readonly readerEndpoint?: VpcEndpoint;
  readonly accepter?: RamResourceShareAccepter;
  /** arn: the database's own RDS names, which the endpoint's private DNS answers and the certificate carries. */
  readonly writerName?: string;
  readonly readerName?: string;
  /** Unverified clients: writer.<zone>, else the writer's RDS name (arn) or the writer endpoint's DNS name (dns). */
  readonly writerHost: string;
  readonly readerHost?: string;

  constructor(scope: Construct, id: string, props: ConsumerResourceEndpointProps) {
    super(scope, id);
    const { consumer, ports, network, namePrefix } = props;
    this.securityGroup = endpointSecurityGroup(this, {
      namePrefix,
      shareName: props.shareName,
      consumer,
      ports,
      vpcId: network.vpcId,
    }).securityGroup;

    if (props.resourceShareArn) {
      // An account outside the provider's organization gets an invitation; accepting it here
      // keeps the whole consumer side in one apply. Inside the organization (with RAM sharing
      // enabled) there is no invitation and the config leaves this off.
      this.accepter = new RamResourceShareAccepter(this, "ShareAccepter", { shareArn: props.resourceShareArn });
    }

    const stack = TerraformStack.of(this);
    // The stack's, shared by every share's way in: both lists are the stack's own.
    const providerAzIds = stackLocal(stack, "provider_az_ids", props.providerAzIds).asList;
    const consumerAzIds = stackLocal(stack, "consumer_az_ids", network.azIds).asList;
    const sharedZones = Fn.setintersection(consumerAzIds, [providerAzIds]);
    const endpoint = (endpointId: string, role: string, configurationArn: string, privateDnsEnabled: boolean) =>
      new VpcEndpoint(this, endpointId, {
        vpcId: network.vpcId,
        vpcEndpointType: "Resource",
        resourceConfigurationArn: configurationArn,
        subnetIds: network.subnetIds,
        securityGroupIds: [this.securityGroup.id],
        privateDnsEnabled,
        tags: { Name: `${namePrefix}-${role}` },
        dependsOn: this.accepter ? [this.accepter] : undefined,
        lifecycle: {
          precondition: [
            {
              // "At least one Availability Zone of the VPC endpoint and the resource gateway
              // have to overlap" (VPC Lattice User Guide, resource gateway considerations).
              condition: `\${${Token.asString(Fn.lengthOf(sharedZones))} > 0}`,
              errorMessage: Fn.format(
                `AZ-ID guard: consumer ${consumer.name} has subnets in AZ IDs %s, none of which the provider's resource gateway (%s) is in. ` +
                  "Add a subnet in one of the gateway's zones, to the consumer or to the provider.",
                [Fn.jsonencode(consumerAzIds), Fn.jsonencode(providerAzIds)],
              ),
            },
          ],
        },
      });
    const zoneName = consumer.privateZone?.name;
    const zone = zoneName
      ? friendlyNamesZone(this, { zoneName, shareName: props.shareName, vpcId: network.vpcId })
      : undefined;
    // CNAME records: a name works for any DNS name it points at, alias or not.
    const friendly = (role: "writer" | "reader", target: string) =>
      new Route53Record(this, role === "writer" ? "WriterRecord" : "ReaderRecord", {
        zoneId: zone!.zoneId,
        name: `${role}.${zoneName}`,
        type: "CNAME",
        ttl: 60,
        records: [target],
      }).fqdn;

    const configurations = props.configurations;
    if (configurations.definition === "arn") {
      // Private DNS: the endpoint answers the database's own names in this VPC (AWS manages the zones).
      this.databaseEndpoint = endpoint("DatabaseEndpoint", "database", configurations.configurationArn, true);
      const names = configurations.databaseNames;
      this.writerName = names.writer;
      this.readerName = names.reader;
      // The friendly names point at the RDS names, which the endpoint's private DNS resolves.
      this.writerHost = zone ? friendly("writer", names.writer) : names.writer;
      if (names.reader) this.readerHost = zone ? friendly("reader", names.reader) : names.reader;
      return;
    }
    this.writerEndpoint = endpoint("WriterEndpoint", "writer", configurations.writerConfigurationArn, false);
    if (configurations.readerConfigurationArn)
      this.readerEndpoint = endpoint("ReaderEndpoint", "reader", configurations.readerConfigurationArn, false);
    this.writerHost = this.writerEndpoint.dnsEntry.get(0).dnsName;
    this.readerHost = this.readerEndpoint?.dnsEntry.get(0).dnsName;
    if (zone) {
      this.writerHost = friendly("writer", this.writerHost);
      if (this.readerEndpoint) this.readerHost = friendly("reader", this.readerHost!);
    }
  }
}
