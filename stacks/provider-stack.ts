// The database owner's account: network, database, and one transport: the NLB, endpoint service
// and failover function, or a resource gateway with resource configurations shared through RAM.
// Composition only; the outputs' names and descriptions are stacks/outputs.ts's.
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Config } from "../config/resolve";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { Alarms } from "./constructs/alarms";
import { Dashboard, DashboardProps } from "./constructs/dashboard";
import { Database } from "./constructs/database";
import { databaseFromConfig } from "./constructs/database-from-config";
import { DatabaseZones } from "./constructs/database-zones";
import { EndpointService } from "./constructs/endpoint-service";
import { FailoverSync } from "./constructs/failover-sync";
import { LoadBalancer } from "./constructs/load-balancer";
import { Network } from "./constructs/network";
import { OperationsKey } from "./constructs/operations-key";
import { ResourceShare } from "./constructs/resource-share";
import { DatabaseNames } from "./constructs/consumer-rds-names";
import { PROVIDER_OUTPUTS, outputsOf } from "./outputs";
import { databaseNamesOf } from "./rds-names";

export const PROVIDER_STACK = "provider";

export interface ProviderStackProps {
  readonly config: Config;
}

export class ProviderStack extends TerraformStack {
  readonly network: Network;
  readonly database: Database;
  /** endpoint-service transport only. */
  readonly loadBalancer?: LoadBalancer;
  readonly endpointService?: EndpointService;
  readonly failover?: FailoverSync;
  readonly alarms?: Alarms;
  /** resource transport only. */
  readonly resourceShare?: ResourceShare;
  /** AZ IDs the NLB serves; consumers' subnets must be among them. */
  readonly azIds: string[];
  readonly dashboard: Dashboard;
  /** The database's own RDS names, which its certificates carry: consumers resolve them to their endpoint. */
  readonly databaseNames: DatabaseNames;

  constructor(scope: Construct, id: string, props: ProviderStackProps) {
    super(scope, id);
    const { config } = props;
    const provider = config.provider;
    addAwsProvider(this, { account: provider.account, name: config.name, stackName: id, tags: config.tags });
    addBackend(this, provider.backend, { name: config.name, stackName: id, region: provider.account.region });

    const ports = provider.ports;
    const resource = provider.transport === "resource";
    const nameScope = { share: config.name, region: provider.account.region };
    const key = new OperationsKey(this, "OperationsKey", { name: config.name, nameScope, forAlarms: !resource });
    this.network = new Network(this, "Network", { config: provider.network, namePrefix: config.name, nameScope, kmsKeyArn: key.arn });
    this.database = databaseFromConfig(this, "Database", {
      name: config.name,
      config: provider.database,
      network: this.network,
      logsKmsKeyArn: key.arn,
      logRetentionDays: provider.failover.logRetentionDays,
      frontedBy: resource ? "resource gateway" : "load balancer",
    });
    this.azIds = this.network.azIds;
    outputsOf(this, "provider", provider.transport)(PROVIDER_OUTPUTS.databaseIdentifier, this.database.ref.identifier, this.database.ref.kind);
    this.databaseNames = databaseNamesOf(this.database);

    if (resource) {
      this.resourceShare = this.shareThroughResources(config);
      this.dashboard = this.addDashboard(config, { ports: [ports.writer], databasePort: this.database.port });
      return;
    }

    const { loadBalancer, endpointService } = this.shareThroughEndpointService(config);
    this.loadBalancer = loadBalancer;
    this.endpointService = endpointService;
    const { failover, alarms } = this.addFailover(config, loadBalancer, key);
    this.failover = failover;
    this.alarms = alarms;
    this.dashboard = this.addDashboard(config, {
      ports: [ports.writer, ...(ports.reader === null ? [] : [ports.reader]), ...ports.members, ...ports.readerSets],
      loadBalancer,
      endpointServiceId: endpointService.serviceId,
      failover: { functionName: failover.function.functionName, deadLetterQueueName: failover.deadLetterQueue.name },
      alarmArns: alarms.alarms.map((a) => a.arn),
    });
    this.endpointServiceOutputs(config, { loadBalancer, endpointService, failover, alarms });
  }

  /**
   * The resource transport: no load balancer and no failover function. The configuration names
   * the database by its ARN (AWS handles its group and children), or names its endpoints, which
   * RDS keeps on the writer and the readers (resourceDefinition dns).
   */
  private shareThroughResources(config: Config): ResourceShare {
    const provider = config.provider;
    const ports = provider.ports;
    const share = new ResourceShare(this, "ResourceShare", {
      name: config.name,
      network: this.network,
      sharing: provider.sharing,
      port: ports.writer,
      databasePort: this.database.port,
      writerAddress: this.database.writerAddress,
      readerAddress: ports.reader === null ? undefined : this.database.readerAddress,
      databaseSecurityGroupId: this.database.securityGroupId,
      definition: provider.resourceDefinition,
      databaseArn: this.database.ref.arn,
    });
    this.database.allowFrom(share.securityGroupId, "resource gateway");
    const out = outputsOf(this, "provider", "resource");
    const P = PROVIDER_OUTPUTS;
    if (share.database) {
      out(P.databaseResourceConfigurationArn, share.database.arn);
      out(P.writerName, this.databaseNames.writer);
      if (this.databaseNames.reader) out(P.readerName, this.databaseNames.reader);
    }
    if (share.writer) out(P.writerResourceConfigurationArn, share.writer.arn);
    if (share.reader) out(P.readerResourceConfigurationArn, share.reader.arn);
    out(P.resourceShareArn, share.share.arn);
    out(P.resourceGatewaySecurityGroupId, share.securityGroupId);
    out(P.azIds, this.azIds);
    out(P.writerPort, ports.writer);
    if (ports.reader !== null) out(P.readerPort, ports.reader);
    out(P.databasePort, this.database.port);
    return share;
  }

  /** The endpoint-service transport's path in: the NLB in front of the database, and the service over it. */
  private shareThroughEndpointService(config: Config): { loadBalancer: LoadBalancer; endpointService: EndpointService } {
    const provider = config.provider;
    if (provider.database.existing) new DatabaseZones(this, "DatabaseZones", { database: this.database, network: this.network });
    const loadBalancer = new LoadBalancer(this, "LoadBalancer", {
      name: config.name,
      network: this.network,
      ports: provider.ports,
      databasePort: this.database.port,
      databaseSecurityGroupId: this.database.securityGroupId,
      deletionProtection: provider.loadBalancer.deletionProtection,
      tcpIdleTimeoutSeconds: provider.loadBalancer.tcpIdleTimeoutSeconds,
    });
    this.database.allowFrom(loadBalancer.securityGroupId);
    const endpointService = new EndpointService(this, "EndpointService", {
      name: config.name,
      loadBalancerArn: loadBalancer.loadBalancer.arn,
      sharing: provider.sharing,
    });
    return { loadBalancer, endpointService };
  }

  /** The function that keeps the ports on the writer and the readers, and the alarms on it. */
  private addFailover(config: Config, loadBalancer: LoadBalancer, key: OperationsKey): { failover: FailoverSync; alarms: Alarms } {
    const provider = config.provider;
    const failover = new FailoverSync(this, "FailoverSync", {
      name: config.name,
      region: provider.account.region,
      config: provider.failover,
      database: this.database,
      loadBalancer,
      network: this.network,
      kmsKeyArn: key.arn,
      dependsOn: this.database.dependables,
    });
    const alarms = new Alarms(this, "Alarms", {
      name: config.name,
      config: provider.alarms,
      kmsKeyArn: key.arn,
      functionName: failover.function.functionName,
      deadLetterQueueName: failover.deadLetterQueue.name,
      loadBalancer,
      databaseIdentifier: this.database.ref.identifier,
    });
    return { failover, alarms };
  }

  /** The dashboard of either transport, and its outputs. */
  private addDashboard(config: Config, props: Omit<DashboardProps, "name" | "region" | "database" | "flowLogGroupName">): Dashboard {
    const dashboard = new Dashboard(this, "Dashboard", {
      name: config.name,
      region: config.provider.account.region,
      database: this.database.ref,
      flowLogGroupName: this.network.flowLogGroupName,
      ...props,
    });
    const out = outputsOf(this, "provider", config.provider.transport);
    out(PROVIDER_OUTPUTS.dashboardName, dashboard.dashboard.dashboardName);
    out(PROVIDER_OUTPUTS.dashboardUrl, dashboard.url);
    return dashboard;
  }

  private endpointServiceOutputs(config: Config, parts: { loadBalancer: LoadBalancer; endpointService: EndpointService; failover: FailoverSync; alarms: Alarms }): void {
    const { loadBalancer, endpointService, failover, alarms } = parts;
    const ports = config.provider.ports;
    const out = outputsOf(this, "provider", "endpoint-service");
    const P = PROVIDER_OUTPUTS;
    // The names consumers resolve to their endpoint, so that TLS clients verify the server.
    const names = this.databaseNames;
    out(P.writerName, names.writer);
    if (names.reader) out(P.readerName, names.reader);
    if (names.instances) out(P.instanceNames, names.instances);
    out(P.serviceName, endpointService.serviceName);
    out(P.serviceId, endpointService.serviceId);
    out(P.nlbDnsName, loadBalancer.loadBalancer.dnsName);
    out(P.nlbSecurityGroupId, loadBalancer.securityGroupId);
    out(P.azIds, this.azIds);
    out(P.writerPort, ports.writer);
    if (ports.reader !== null) out(P.readerPort, ports.reader);
    out(P.databasePort, this.database.port);
    const layout = loadBalancer.targets;
    out(P.writerListenerArn, loadBalancer.writerListener.arn);
    if (loadBalancer.readerListener) out(P.readerListenerArn, loadBalancer.readerListener.arn);
    if (layout.kind === "cluster") {
      out(P.memberPorts, ports.members);
      out(P.memberTargetGroupArns, layout.memberGroups.map((g) => g.arn));
      if (layout.readerSetGroups.length > 0) out(P.readerSetTargetGroupArns, layout.readerSetGroups.map((g) => g.arn));
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
}
