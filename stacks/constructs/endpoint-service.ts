// The VPC endpoint service that publishes the NLB to the allowed principals.
import { VpcEndpointConnectionAccepter } from "@cdktf/provider-aws/lib/vpc-endpoint-connection-accepter";
import { VpcEndpointService } from "@cdktf/provider-aws/lib/vpc-endpoint-service";
import { VpcEndpointServiceAllowedPrincipal } from "@cdktf/provider-aws/lib/vpc-endpoint-service-allowed-principal";
import { VpcEndpointServicePrivateDnsVerification } from "@cdktf/provider-aws/lib/vpc-endpoint-service-private-dns-verification";
import { Construct } from "constructs";
import type { ProviderConfig } from "../../config/resolve";

export interface EndpointServiceProps {
  readonly name: string;
  readonly loadBalancerArn: string;
  readonly sharing: ProviderConfig["sharing"];
}

export class EndpointService extends Construct {
  readonly service: VpcEndpointService;
  readonly serviceName: string;
  readonly serviceId: string;

  constructor(scope: Construct, id: string, props: EndpointServiceProps) {
    super(scope, id);
    const { sharing } = props;
    this.service = new VpcEndpointService(this, "Service", {
      acceptanceRequired: sharing.acceptanceRequired,
      networkLoadBalancerArns: [props.loadBalancerArn],
      privateDnsName: sharing.privateDnsName,
      supportedRegions: sharing.supportedRegions.length > 0 ? sharing.supportedRegions : undefined,
      supportedIpAddressTypes: ["ipv4"],
      tags: { Name: props.name },
    });
    this.serviceName = this.service.serviceName;
    this.serviceId = this.service.id;

    // One resource per principal: adding a consumer adds one resource and touches no other.
    for (const principal of sharing.allowedPrincipals) {
      new VpcEndpointServiceAllowedPrincipal(this, `AllowedPrincipal-${principalKey(principal)}`, {
        vpcEndpointServiceId: this.service.id,
        principalArn: principal,
      });
    }
    for (const endpointId of sharing.acceptEndpointIds) {
      new VpcEndpointConnectionAccepter(this, `Accept-${endpointId}`, {
        vpcEndpointServiceId: this.service.id,
        vpcEndpointId: endpointId,
      });
    }
    if (sharing.privateDnsName) {
      // Starts the domain check; it passes once the TXT record in the outputs is published.
      new VpcEndpointServicePrivateDnsVerification(this, "PrivateDnsVerification", {
        serviceId: this.service.id,
        waitForVerification: false,
      });
    }
  }
}

/** A construct id from a principal ARN that stays stable and readable: "222222222222-root". */
export function principalKey(principal: string): string {
  if (principal === "*") return "any";
  const [, , , , account, resource] = principal.split(":");
  return `${account}-${resource}`.replace(/[^A-Za-z0-9-]/g, "-");
}
