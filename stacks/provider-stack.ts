// The database owner's account: network, database, and one transport: the NLB, endpoint service
// and failover function, or a resource gateway with resource configurations shared through RAM.
// Composition only.
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Config } from "../config/resolve";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { Alarms } from "./constructs/alarms";
import { Dashboard } from "./constructs/dashboard";
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
    const out = (name: string, value: unknown, description: string) => new TerraformOutput(this, name, { value, description });
    out("database_identifier", this.database.ref.identifier, `Identifier of the shared ${this.database.ref.kind}; npm run status asks RDS for its writer.`);
    this.databaseNames = databaseNamesOf(this.database);

    if (resource) {
      // No load balancer and no failover function: the configuration names the database by its
      // ARN (AWS handles its group and children), or names its endpoints, which RDS keeps on the
      // writer and the readers (resourceDefinition dns).
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
      this.resourceShare = share;
      this.database.allowFrom(share.securityGroupId, "resource gateway");
      if (share.database) {
        out("database_resource_configuration_arn", share.database.arn, "ARN-type resource configuration of the database; consumers create one resource endpoint with it, with private DNS.");
        out("writer_name", this.databaseNames.writer, "The writer's RDS name, which consumers' resource endpoints answer through private DNS and its certificate carries.");
        if (this.databaseNames.reader) out("reader_name", this.databaseNames.reader, "The reader endpoint's RDS name (cluster-ro).");
      }
      if (share.writer) out("writer_resource_configuration_arn", share.writer.arn, "Resource configuration of the writer endpoint; consumers create a resource endpoint with it.");
      if (share.reader) out("reader_resource_configuration_arn", share.reader.arn, "Resource configuration of the reader endpoint.");
      out("resource_share_arn", share.share.arn, "AWS RAM share of the resource configurations; accounts outside the organization accept its invitation.");
      out("resource_gateway_security_group_id", share.securityGroupId, "Security group of the resource gateway; an existing database must admit its port from it.");
      out("az_ids", this.azIds, "AZ IDs of the resource gateway; a consumer endpoint needs at least one of them.");
      out("writer_port", ports.writer, "Port of the writer endpoint (the database's own).");
      if (ports.reader !== null) out("reader_port", ports.reader, "Port of the reader endpoint (the database's own).");
      out("database_port", this.database.port, "Port of the database.");
      this.dashboard = new Dashboard(this, "Dashboard", {
        name: config.name,
        region: provider.account.region,
        database: this.database.ref,
        ports: [ports.writer],
        databasePort: this.database.port,
        flowLogGroupName: this.network.flowLogGroupName,
      });
      this.dashboardOutputs();
      return;
    }

    if (provider.database.existing) new DatabaseZones(this, "DatabaseZones", { database: this.database, network: this.network });
    this.loadBalancer = new LoadBalancer(this, "LoadBalancer", {
      name: config.name,
      network: this.network,
      ports,
      databasePort: this.database.port,
      databaseSecurityGroupId: this.database.securityGroupId,
      deletionProtection: provider.loadBalancer.deletionProtection,
      tcpIdleTimeoutSeconds: provider.loadBalancer.tcpIdleTimeoutSeconds,
    });
    this.database.allowFrom(this.loadBalancer.securityGroupId);
    this.endpointService = new EndpointService(this, "EndpointService", {
      name: config.name,
      loadBalancerArn: this.loadBalancer.loadBalancer.arn,
      sharing: provider.sharing,
    });

    this.failover = new FailoverSync(this, "FailoverSync", {
      name: config.name,
      region: provider.account.region,
      config: provider.failover,
      database: this.database,
      loadBalancer: this.loadBalancer,
      network: this.network,
      kmsKeyArn: key.arn,
      dependsOn: this.database.dependables,
    });
    this.alarms = new Alarms(this, "Alarms", {
      name: config.name,
      config: provider.alarms,
      kmsKeyArn: key.arn,
      functionName: this.failover.function.functionName,
      deadLetterQueueName: this.failover.deadLetterQueue.name,
      loadBalancer: this.loadBalancer,
      databaseIdentifier: this.database.ref.identifier,
    });

    this.dashboard = new Dashboard(this, "Dashboard", {
      name: config.name,
      region: provider.account.region,
      database: this.database.ref,
      ports: [ports.writer, ...(ports.reader === null ? [] : [ports.reader]), ...ports.members, ...ports.readerSets],
      flowLogGroupName: this.network.flowLogGroupName,
      loadBalancer: this.loadBalancer,
      endpointServiceId: this.endpointService.serviceId,
      failover: { functionName: this.failover.function.functionName, deadLetterQueueName: this.failover.deadLetterQueue.name },
      alarmArns: this.alarms.alarms.map((a) => a.arn),
    });
    this.dashboardOutputs();

    // The names consumers resolve to their endpoint, so that TLS clients verify the server.
    const names = this.databaseNames;
    out("writer_name", names.writer, "The writer's RDS name (cluster endpoint or instance address); its certificate carries it, so clients can verify it through PrivateLink.");
    if (names.reader) out("reader_name", names.reader, "The reader endpoint's RDS name (cluster-ro).");
    if (names.instances) out("instance_names", names.instances, "Every member's instance endpoint name; each reaches its instance on the member port of the slot that holds it.");
    out("service_name", this.endpointService.serviceName, "Endpoint service name; consumers create their interface endpoint with it.");
    out("service_id", this.endpointService.serviceId, "Endpoint service id, for accepting connections.");
    out("nlb_dns_name", this.loadBalancer.loadBalancer.dnsName, "Internal DNS name of the NLB (provider VPC only).");
    out("nlb_security_group_id", this.loadBalancer.securityGroupId, "Security group of the NLB; an existing database must admit its port from it.");
    out("az_ids", this.azIds, "AZ IDs the NLB serves; consumer subnets must be in these.");
    out("writer_port", ports.writer, "Listener port of the writer.");
    if (ports.reader !== null) out("reader_port", ports.reader, "Listener port of the readers.");
    out("database_port", this.database.port, "Port of the database, used by the target groups.");
    const layout = this.loadBalancer.targets;
    out("writer_listener_arn", this.loadBalancer.writerListener.arn, "Listener of the writer port.");
    if (this.loadBalancer.readerListener) out("reader_listener_arn", this.loadBalancer.readerListener.arn, "Listener of the reader port.");
    if (layout.kind === "cluster") {
      out("member_ports", ports.members, "Cluster: slot i's member listener (instance-pinned endpoint); the function's report names the instance in each slot.");
      out("member_target_group_arns", layout.memberGroups.map((g) => g.arn), "Cluster: slot i's member group; the writer port forwards to the writer's.");
      if (layout.readerSetGroups.length > 0) {
        out("reader_set_target_group_arns", layout.readerSetGroups.map((g) => g.arn), "Cluster: slot i's reader set (every member but slot i's); the reader port forwards to the writer's slot.");
      }
    } else {
      out("writer_target_group_arn", layout.writerGroup.arn, "Target group the failover function keeps on the writer.");
      if (layout.readerGroup) out("reader_target_group_arn", layout.readerGroup.arn, "Target group the failover function keeps on the readers.");
    }
    out("failover_function_name", this.failover.function.functionName, "Failover function; invoke it to force a sync.");
    out("dead_letter_queue_url", this.failover.deadLetterQueue.url, "Events that failed every retry land here.");
    out("alarm_topic_arn", this.alarms.topic.arn, "SNS topic of the failover alarms.");
    if (provider.sharing.privateDnsName) {
      const dns = this.endpointService.service.privateDnsNameConfiguration.get(0);
      out("private_dns_verification_record", { name: dns.name, type: dns.type, value: dns.value }, "TXT record that proves ownership of the private DNS name.");
    }
  }

  private dashboardOutputs(): void {
    new TerraformOutput(this, "dashboard_name", { value: this.dashboard.dashboard.dashboardName, description: "CloudWatch dashboard of the share." });
    new TerraformOutput(this, "dashboard_url", { value: this.dashboard.url, description: "Console address of the dashboard." });
  }
}
