// The database owner's account: network, database, and one transport's share of it
// (stacks/transports/: the NLB, endpoint service and failover function, or a resource gateway
// with resource configurations shared through RAM). Composition only; the outputs' names and
// descriptions are stacks/outputs.ts's.
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Config } from "../config/resolve";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { Dashboard, TransportDashboard } from "./constructs/dashboard";
import { Database } from "./constructs/database";
import { databaseFromConfig } from "./constructs/database-from-config";
import { Network } from "./constructs/network";
import { OperationsKey } from "./constructs/operations-key";
import { DatabaseNames } from "./constructs/consumer-rds-names";
import { PROVIDER_OUTPUTS, outputsOf } from "./outputs";
import { databaseNamesOf } from "./rds-names";
import { transportOf } from "./transports";
import { ProviderShare } from "./transports/transport";

export const PROVIDER_STACK = "provider";

export interface ProviderStackProps {
  readonly config: Config;
}

export class ProviderStack extends TerraformStack {
  readonly network: Network;
  readonly database: Database;
  /** What the transport built to share the database, and what consumers connect to. */
  readonly share: ProviderShare;
  readonly dashboard: Dashboard;
  /** The database's own RDS names, which its certificates carry: consumers resolve them to their endpoint. */
  readonly databaseNames: DatabaseNames;

  constructor(scope: Construct, id: string, props: ProviderStackProps) {
    super(scope, id);
    const { config } = props;
    const provider = config.provider;
    const transport = transportOf(provider.transport);
    addAwsProvider(this, { account: provider.account, name: config.name, stackName: id, tags: config.tags });
    addBackend(this, provider.backend, { name: config.name, stackName: id, region: provider.account.region });

    const nameScope = { share: config.name, region: provider.account.region };
    const key = new OperationsKey(this, "OperationsKey", { name: config.name, nameScope, forAlarms: transport.alarms });
    this.network = new Network(this, "Network", { config: provider.network, namePrefix: config.name, nameScope, kmsKeyArn: key.arn });
    this.database = databaseFromConfig(this, "Database", {
      name: config.name,
      config: provider.database,
      network: this.network,
      logsKmsKeyArn: key.arn,
      logRetentionDays: provider.failover.logRetentionDays,
      frontedBy: transport.frontedBy,
    });
    outputsOf(this, "provider", provider.transport)(PROVIDER_OUTPUTS.databaseIdentifier, this.database.ref.identifier, this.database.ref.kind);
    this.databaseNames = databaseNamesOf(this.database);

    // The stack is the scope of the share's resources: their ids and addresses stay the stack's.
    this.share = transport.share({ stack: this, config, network: this.network, database: this.database, databaseNames: this.databaseNames, key });
    this.dashboard = this.addDashboard(config, this.share.dashboard);
  }

  /** The dashboard of any transport, and its outputs. */
  private addDashboard(config: Config, props: TransportDashboard): Dashboard {
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
}
