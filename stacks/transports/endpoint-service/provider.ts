// The endpoint-service transport's provider side: the NLB in front of the database, the endpoint
// service over it, the function that keeps the ports on the writer and the readers, and the
// alarms on that function.
import { accountsOfIamPrincipals } from "../../../config/resolve";
import type { ConsumerConfig } from "../../../config/schema";
import { Alarms } from "../../constructs/alarms";
import { DatabaseZones } from "../../constructs/database-zones";
import { EndpointService } from "../../constructs/endpoint-service";
import { FailoverSync } from "../../constructs/failover-sync";
import { LoadBalancer } from "../../constructs/load-balancer";
import { PROVIDER_OUTPUTS, outputsOf } from "../../outputs";
import type { ConsumerTarget, DescriptorPart, ProviderParts, ProviderShare } from "../transport";
import { EndpointServiceTarget } from "./consumer";

export class EndpointServiceProviderShare implements ProviderShare {
  readonly transport = "endpoint-service";
  readonly loadBalancer: LoadBalancer;
  readonly endpointService: EndpointService;
  readonly failover: FailoverSync;
  readonly alarms: Alarms;
  readonly dashboard: ProviderShare["dashboard"];
  readonly descriptor: DescriptorPart;

  constructor(private readonly parts: ProviderParts) {
    const { loadBalancer, endpointService } = shareThroughEndpointService(parts);
    this.loadBalancer = loadBalancer;
    this.endpointService = endpointService;
    const { failover, alarms } = addFailover(parts, loadBalancer);
    this.failover = failover;
    this.alarms = alarms;
    const ports = parts.config.provider.ports;
    this.dashboard = {
      ports: [ports.writer, ...(ports.reader === null ? [] : [ports.reader]), ...ports.members, ...ports.readerSets],
      loadBalancer,
      endpointServiceId: endpointService.serviceId,
      failover: { functionName: failover.function.functionName, deadLetterQueueName: failover.deadLetterQueue.name },
      alarmArns: alarms.alarms.map((a) => a.arn),
      ...(parts.proxy ? { proxy: parts.proxy.metrics } : {}),
    };
    const sharing = parts.config.provider.sharing;
    this.descriptor = {
      fields: { transport: "endpoint-service", endpointService: { serviceName: endpointService.serviceName } },
      supportedRegions: sharing.supportedRegions ?? [],
      // The endpoint service admits IAM principals; RAM shares with accounts. A role or a user
      // names its account, so every principal of that account may read the descriptor (nothing
      // in it is secret) while the service still admits only the role or the user. "*" names no
      // account: consumers it admits read the descriptor only through sharing.descriptorReaders
      // (accounts, OUs, the organization), as self-service teams do (docs/self-service.md).
      ramPrincipals: [
        ...new Set([...accountsOfIamPrincipals(sharing.allowedPrincipals), ...sharing.descriptorReaders]),
      ],
      // The service admits the named accounts wherever they are; the descriptor follows them. An
      // account outside the organization (or one without RAM sharing enabled) accepts an invitation.
      allowExternalPrincipals: true,
    };
    this.declareOutputs();
  }

  private declareOutputs(): void {
    const { scope, config, database, network } = this.parts;
    const { loadBalancer, endpointService, failover, alarms } = this;
    const ports = config.provider.ports;
    const out = outputsOf(scope, "provider", "endpoint-service");
    const P = PROVIDER_OUTPUTS;
    // The names consumers resolve to their endpoint, so that TLS clients verify the server.
    const names = this.parts.databaseNames;
    out(P.writerName, names.writer);
    if (names.reader) out(P.readerName, names.reader);
    if (names.instances) out(P.instanceNames, names.instances);
    if (this.parts.proxy) out(P.proxyName, this.parts.proxy.proxyName);
    out(P.serviceName, endpointService.serviceName);
    out(P.serviceId, endpointService.serviceId);
    out(P.nlbDnsName, loadBalancer.loadBalancer.dnsName);
    out(P.nlbSecurityGroupId, loadBalancer.securityGroupId);
    out(P.azIds, network.azIds);
    out(P.writerPort, ports.writer);
    if (ports.reader !== null) out(P.readerPort, ports.reader);
    out(P.databasePort, database.port);
    const layout = loadBalancer.targets;
    out(P.writerListenerArn, loadBalancer.writerListener.arn);
    if (loadBalancer.readerListener) out(P.readerListenerArn, loadBalancer.readerListener.arn);
    if (layout.kind === "cluster") {
      out(P.memberPorts, ports.members);
      out(
        P.memberTargetGroupArns,
        layout.memberGroups.map((g) => g.arn),
      );
      if (layout.readerSetGroups.length > 0)
        out(
          P.readerSetTargetGroupArns,
          layout.readerSetGroups.map((g) => g.arn),
        );
      if (layout.fenceGroup) out(P.fenceTargetGroupArn, layout.fenceGroup.arn);
    } else {
      out(P.writerTargetGroupArn, layout.writerGroup.arn);
      if (layout.readerGroup) out(P.readerTargetGroupArn, layout.readerGroup.arn);
    }
    out(P.failoverFunctionName, failover.function.functionName);
    out(P.deadLetterQueueUrl, failover.deadLetterQueue.url);
    out(P.alarmTopicArn, alarms.topic.arn);
    if (config.provider.sharing.privateDnsName) {
      const dns = endpointService.service.privateDnsNameConfiguration.get(0);
      out(P.privateDnsVerificationRecord, { name: dns.name, type: dns.type, value: dns.value });
    }
  }

  target(consumer: ConsumerConfig): ConsumerTarget {
    return new EndpointServiceTarget({
      serviceName: consumer.serviceName ?? this.endpointService.serviceName,
      databaseNames: consumer.databaseNames ?? this.parts.databaseNames,
    });
  }
}

/** The transport's path in: the NLB in front of the database, and the service over it. */
function shareThroughEndpointService(parts: ProviderParts): {
  loadBalancer: LoadBalancer;
  endpointService: EndpointService;
} {
  const { scope, config, network, database } = parts;
  const provider = config.provider;
  // Behind a proxy the members' zones do not matter to the load balancer: the proxy's subnets are its own.
  if (provider.database.existing && !parts.proxy) new DatabaseZones(scope, "DatabaseZones", { database, network });
  // Behind a proxy the load balancer forwards to the proxy's port and group, not the database's.
  const proxy = parts.proxy;
  const loadBalancer = new LoadBalancer(scope, "LoadBalancer", {
    name: config.name,
    network,
    ports: provider.ports,
    databasePort: proxy?.port ?? database.port,
    databaseSecurityGroupId: proxy ? proxy.securityGroupId : database.securityGroupId,
    deletionProtection: provider.loadBalancer.deletionProtection,
    tcpIdleTimeoutSeconds: provider.loadBalancer.tcpIdleTimeoutSeconds,
  });
  if (proxy) proxy.allowFrom(loadBalancer.securityGroupId);
  else database.allowFrom(loadBalancer.securityGroupId);
  const endpointService = new EndpointService(scope, "EndpointService", {
    name: config.name,
    loadBalancerArn: loadBalancer.loadBalancer.arn,
    sharing: provider.sharing,
  });
  return { loadBalancer, endpointService };
}

/** The function that keeps the ports on the writer and the readers, and the alarms on it. */
function addFailover(parts: ProviderParts, loadBalancer: LoadBalancer): { failover: FailoverSync; alarms: Alarms } {
  const { scope, config, network, database, key } = parts;
  const provider = config.provider;
  const failover = new FailoverSync(scope, "FailoverSync", {
    name: config.name,
    nameScope: config.nameScope,
    region: provider.account.region,
    config: provider.failover,
    database,
    loadBalancer,
    network,
    proxy: parts.proxy,
    kmsKeyArn: key.arn,
    dependsOn: [...database.dependables, ...(parts.proxy?.dependables ?? [])],
  });
  const alarms = new Alarms(scope, "Alarms", {
    name: config.name,
    config: provider.alarms,
    kmsKeyArn: key.arn,
    functionName: failover.function.functionName,
    deadLetterQueueName: failover.deadLetterQueue.name,
    loadBalancer,
    databaseIdentifier: database.ref.identifier,
    proxy: parts.proxy,
  });
  return { failover, alarms };
}
