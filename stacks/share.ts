// One share: one database behind one transport, its dashboard and its outputs, in the provider
// stack. The stack holds what every share uses (the account's provider, the backend, the
// network, the operations key); each share holds the rest, so that a share added to or removed
// from the config touches no other share's resources.
import type { TerraformStack } from "cdktf";
import type { ShareConfig } from "../config/resolve";
import type { DatabaseNames } from "./constructs/consumer-rds-names";
import { Dashboard } from "./constructs/dashboard";
import type { Database } from "./constructs/database";
import { databaseFromConfig } from "./constructs/database-from-config";
import { DatabaseProxy } from "./constructs/database-proxy";
import type { Network } from "./constructs/network";
import type { OperationsKey } from "./constructs/operations-key";
import { ShareDescriptorParameter } from "./constructs/share-descriptor";
import { PROVIDER_OUTPUTS, outputsOf } from "./outputs";
import { databaseNamesOf } from "./rds-names";
import { ShareScope } from "./share-scope";
import { transportOf } from "./transports";
import type { ProviderShare } from "./transports/transport";

export interface ShareProps {
  readonly share: ShareConfig;
  /** The provider stack's network: every share's database and transport live in it. */
  readonly network: Network;
  readonly key: OperationsKey;
}

export class Share extends ShareScope {
  /** The share's whole config, which the provider's side builds from. */
  declare readonly share: ShareConfig;
  readonly database: Database;
  /** The RDS Proxy in front of the database (provider.database.proxy). */
  readonly proxy?: DatabaseProxy;
  /** The database's own RDS names, which its certificates carry: consumers resolve them to their endpoint. */
  readonly databaseNames: DatabaseNames;
  /** What the transport built to share the database, and what consumers connect to. */
  readonly via: ProviderShare;
  readonly dashboard: Dashboard;
  /** What a consumer needs, in an SSM parameter shared with the share's principals. */
  readonly descriptor: ShareDescriptorParameter;

  constructor(stack: TerraformStack, props: ShareProps) {
    super(stack, props.share);
    const { network, key } = props;
    const config = props.share.config;
    const provider = config.provider;
    const transport = transportOf(provider.transport);
    this.database = databaseFromConfig(this, "Database", {
      name: config.name,
      nameScope: config.nameScope,
      config: provider.database,
      network,
      logsKmsKeyArn: key.arn,
      logRetentionDays: provider.failover.logRetentionDays,
      frontedBy: transport.frontedBy,
    });
    const out = outputsOf(this, "provider", provider.transport);
    out(PROVIDER_OUTPUTS.databaseIdentifier, this.database.ref.identifier, this.database.ref.kind);
    const proxy = provider.database.proxy;
    if (proxy) {
      this.proxy = new DatabaseProxy(this, "Proxy", {
        name: config.name,
        nameScope: config.nameScope,
        region: provider.account.region,
        config: proxy,
        database: this.database,
        network,
        logsKmsKeyArn: key.arn,
        logRetentionDays: provider.failover.logRetentionDays,
      });
    }
    // Behind a proxy, clients reach the proxy's names, which its certificate covers.
    this.databaseNames = this.proxy ? this.proxy.names : databaseNamesOf(this.database);
    this.via = transport.share({
      scope: this,
      config,
      network,
      database: this.database,
      databaseNames: this.databaseNames,
      proxy: this.proxy,
      key,
    });

    this.dashboard = new Dashboard(this, "Dashboard", {
      nameScope: config.nameScope,
      region: provider.account.region,
      database: this.database.ref,
      flowLogGroupName: network.flowLogGroupName,
      ...this.via.dashboard,
    });
    out(PROVIDER_OUTPUTS.dashboardName, this.dashboard.dashboard.dashboardName);
    out(PROVIDER_OUTPUTS.dashboardUrl, this.dashboard.url);

    this.descriptor = new ShareDescriptorParameter(this, "Descriptor", {
      config,
      azIds: network.azIds,
      databaseNames: this.databaseNames,
      part: this.via.descriptor,
      key,
    });
    out(PROVIDER_OUTPUTS.descriptorArn, this.descriptor.arn);
    out(PROVIDER_OUTPUTS.descriptorName, this.descriptor.name);
  }
}
