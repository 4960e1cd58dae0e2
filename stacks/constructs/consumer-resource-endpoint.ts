// The consumer's way in with the resource transport: the same security group as the endpoint
// service's, one resource VPC endpoint per shared configuration (writer, reader), the optional
// acceptance of the RAM invitation, and the private zone's friendly names.
import { RamResourceShareAccepter } from "@cdktf/provider-aws/lib/ram-resource-share-accepter";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Fn, TerraformLocal, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { Ports } from "../../config/resolve";
import { ConsumerConfig } from "../../config/schema";
import { endpointSecurityGroup, friendlyNamesZone } from "./consumer-access";
import { Network } from "./network";

export interface ConsumerResourceEndpointProps {
  /** <share>-<consumer>: prefixes resource names. */
  readonly namePrefix: string;
  readonly shareName: string;
  readonly consumer: ConsumerConfig;
  /** The database's port for the writer, and for the reader when there is one. */
  readonly ports: Ports;
  readonly network: Network;
  /** Resource configurations: from the config, or cross-stack references to the provider. */
  readonly writerConfigurationArn: string;
  readonly readerConfigurationArn?: string;
  /** The RAM share to accept, when the consumer's config asks for it. */
  readonly resourceShareArn?: string;
  /** The resource gateway's AZ IDs; the endpoint needs at least one zone in common. */
  readonly providerAzIds: string[];
}

export class ConsumerResourceEndpoint extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly writerEndpoint: VpcEndpoint;
  readonly readerEndpoint?: VpcEndpoint;
  readonly accepter?: RamResourceShareAccepter;
  /** writer.<zone>, or the writer endpoint's own DNS name without a private zone. */
  readonly writerHost: string;
  readonly readerHost?: string;

  constructor(scope: Construct, id: string, props: ConsumerResourceEndpointProps) {
    super(scope, id);
    const { consumer, ports, network, namePrefix } = props;
    this.securityGroup = endpointSecurityGroup(this, { namePrefix, shareName: props.shareName, consumer, ports, vpcId: network.vpcId }).securityGroup;

    if (props.resourceShareArn) {
      // An account outside the provider's organization gets an invitation; accepting it here
      // keeps the whole consumer side in one apply. Inside the organization (with RAM sharing
      // enabled) there is no invitation and the config leaves this off.
      this.accepter = new RamResourceShareAccepter(this, "ShareAccepter", { shareArn: props.resourceShareArn });
    }

    const stack = TerraformStack.of(this);
    const providerAzIds = new TerraformLocal(stack, "provider_az_ids", props.providerAzIds).asList;
    const consumerAzIds = new TerraformLocal(stack, "consumer_az_ids", network.azIds).asList;
    const sharedZones = Fn.setintersection(consumerAzIds, [providerAzIds]);
    const endpoint = (role: "writer" | "reader", configurationArn: string) =>
      new VpcEndpoint(this, role === "writer" ? "WriterEndpoint" : "ReaderEndpoint", {
        vpcId: network.vpcId,
        vpcEndpointType: "Resource",
        resourceConfigurationArn: configurationArn,
        subnetIds: network.subnetIds,
        securityGroupIds: [this.securityGroup.id],
        privateDnsEnabled: false,
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
    this.writerEndpoint = endpoint("writer", props.writerConfigurationArn);
    if (props.readerConfigurationArn) this.readerEndpoint = endpoint("reader", props.readerConfigurationArn);

    this.writerHost = this.writerEndpoint.dnsEntry.get(0).dnsName;
    this.readerHost = this.readerEndpoint?.dnsEntry.get(0).dnsName;
    if (consumer.privateZone) {
      const zoneName = consumer.privateZone.name;
      const zone = friendlyNamesZone(this, { zoneName, shareName: props.shareName, vpcId: network.vpcId });
      // CNAME records: a name works for any DNS name the endpoint is given, alias or not.
      const record = (role: "writer" | "reader", target: VpcEndpoint) =>
        new Route53Record(this, role === "writer" ? "WriterRecord" : "ReaderRecord", {
          zoneId: zone.zoneId,
          name: `${role}.${zoneName}`,
          type: "CNAME",
          ttl: 60,
          records: [target.dnsEntry.get(0).dnsName],
        }).fqdn;
      this.writerHost = record("writer", this.writerEndpoint);
      if (this.readerEndpoint) this.readerHost = record("reader", this.readerEndpoint);
    }
  }
}
