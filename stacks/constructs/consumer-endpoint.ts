// The consumer's way in: the endpoint's security group with one rule per port and source, the
// interface endpoint guarded by the provider's AZ IDs, the database's own RDS names answered
// with the endpoint (so that TLS clients can verify the server), and the private zone's
// friendly names.
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Fn, type TerraformResource, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import type { ConsumerPorts } from "../../config/resolve";
import type { ConsumerConfig } from "../../config/schema";
import { stackLocal } from "../share-scope";
import { endpointSecurityGroup, friendlyNamesZone } from "./consumer-access";
import { type DatabaseNames, RdsNameZones } from "./consumer-rds-names";
import type { Network } from "./network";

export interface ConsumerEndpointProps {
  /** <share>-<consumer>: prefixes resource names. */
  readonly namePrefix: string;
  /** The share's name, for descriptions. */
  readonly shareName: string;
  readonly consumer: ConsumerConfig;
  readonly ports: ConsumerPorts;
  readonly network: Network;
  readonly serviceName: string;
  /** The provider's region when it differs from the consumer's (cross-region PrivateLink). */
  readonly serviceRegion?: string;
  /** The provider's AZ IDs; checked against the consumer's subnets when both are in one region. */
  readonly providerAzIds: string[];
  /** The database's own RDS names; instance names get zones only when the consumer opens memberPorts. */
  readonly databaseNames: DatabaseNames;
}

export class ConsumerEndpoint extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly endpoint: VpcEndpoint;
  /** The RDS names that resolve to the endpoint in the consumer's VPC: what verifying clients connect to. */
  readonly rdsNames: RdsNameZones;
  readonly writerName: string;
  /** The reader endpoint's name for a cluster; the instance's name for a Multi-AZ instance. */
  readonly readerName: string;
  readonly instanceNames?: string[];
  /** Unverified clients: writer.<zone>, or the endpoint's own DNS name without a private zone. */
  readonly writerHost: string;
  readonly readerHost: string;
  /**
   * Where each resource stood before this construct held it (top-level ids of the consumer
   * stack, rules keyed by position), so the stack can ship moved blocks for existing deployments.
   */
  readonly previousIds = new Map<TerraformResource, string>();

  constructor(scope: Construct, id: string, props: ConsumerEndpointProps) {
    super(scope, id);
    const { consumer, ports, network, namePrefix } = props;
    const access = endpointSecurityGroup(this, {
      namePrefix,
      shareName: props.shareName,
      consumer,
      ports,
      vpcId: network.vpcId,
    });
    this.securityGroup = access.securityGroup;
    for (const [resource, previousId] of access.previousIds) this.previousIds.set(resource, previousId);

    // Named locals keep the precondition short in the plan and in its error message; they sit
    // on the stack so that their names stay as short as that (one endpoint per consumer stack).
    const stack = TerraformStack.of(this);
    // The stack's, shared by every share's way in: both lists are the stack's own.
    const providerAzIds = stackLocal(stack, "provider_az_ids", props.providerAzIds).asList;
    const consumerAzIds = stackLocal(stack, "consumer_az_ids", network.azIds).asList;
    const strayZones = Fn.setsubtract(consumerAzIds, providerAzIds);
    this.endpoint = new VpcEndpoint(this, "Endpoint", {
      vpcId: network.vpcId,
      serviceName: props.serviceName,
      serviceRegion: props.serviceRegion,
      vpcEndpointType: "Interface",
      subnetIds: network.subnetIds,
      securityGroupIds: [this.securityGroup.id],
      privateDnsEnabled: false,
      tags: { Name: `${namePrefix}-endpoint` },
      lifecycle: props.serviceRegion
        ? undefined
        : {
            precondition: [
              {
                // PrivateLink serves only the zones the provider's NLB is in, matched by AZ ID.
                // A template, not Op.eq: cdktf 0.21 renders the literal 0 in Op.eq as "undefined".
                condition: `\${${Token.asString(Fn.lengthOf(strayZones))} == 0}`,
                errorMessage: Fn.format(
                  `AZ-ID guard: consumer ${consumer.name} has subnets in AZ IDs %s, but the provider's NLB serves only %s. ` +
                    "Place the consumer's subnets in the provider's AZ IDs, or add subnets in those zones to the provider.",
                  [Fn.jsonencode(consumerAzIds), Fn.jsonencode(providerAzIds)],
                ),
              },
            ],
          },
    });
    this.previousIds.set(this.endpoint, "Endpoint");

    const endpointDns = this.endpoint.dnsEntry.get(0);
    const names = props.databaseNames;
    const instances = consumer.memberPorts && ports.members.length > 0 ? names.instances : undefined;
    this.rdsNames = new RdsNameZones(this, "RdsNames", {
      names: { writer: names.writer, reader: names.reader, instances },
      shareName: props.shareName,
      vpcId: network.vpcId,
      target: { name: endpointDns.dnsName, zoneId: endpointDns.hostedZoneId },
    });
    this.writerName = names.writer;
    this.readerName = names.reader ?? names.writer;
    this.instanceNames = instances;
    this.writerHost = endpointDns.dnsName;
    this.readerHost = endpointDns.dnsName;
    if (consumer.privateZone) {
      const zoneName = consumer.privateZone.name;
      const zone = friendlyNamesZone(this, { zoneName, shareName: props.shareName, vpcId: network.vpcId });
      this.previousIds.set(zone, "PrivateZone");
      const record = (role: "writer" | "reader", id: string) => {
        const r = new Route53Record(this, id, {
          zoneId: zone.zoneId,
          name: `${role}.${zoneName}`,
          type: "A",
          alias: { name: endpointDns.dnsName, zoneId: endpointDns.hostedZoneId, evaluateTargetHealth: false },
        });
        this.previousIds.set(r, id);
        return r.fqdn;
      };
      this.writerHost = record("writer", "WriterRecord");
      if (ports.reader !== null) this.readerHost = record("reader", "ReaderRecord");
    }
  }
}
