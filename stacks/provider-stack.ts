// The database owner's account: the network and the operations key every share uses, and one
// Share per database (stacks/share.ts: the database and one transport's share of it, from
// stacks/transports/). Composition only; the outputs' names and descriptions are
// stacks/outputs.ts's.
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { AppConfig } from "../config/resolve";
import { addAwsProvider } from "./aws";
import { addBackend } from "./backend";
import { CatalogueDashboard } from "./constructs/catalogue-dashboard";
import type { DatabaseNames } from "./constructs/consumer-rds-names";
import type { Dashboard } from "./constructs/dashboard";
import type { Database } from "./constructs/database";
import { Network } from "./constructs/network";
import { OperationsKey } from "./constructs/operations-key";
import { outputsOf, PROVIDER_OUTPUTS } from "./outputs";
import { Share } from "./share";
import { transportOf } from "./transports";
import type { ProviderShare } from "./transports/transport";

export const PROVIDER_STACK = "provider";

export interface ProviderStackProps {
  readonly config: AppConfig;
}

export class ProviderStack extends TerraformStack {
  readonly network: Network;
  /** One per database, in the order of the config's shares. */
  readonly shares: Share[];
  /** With provider.shares: the dashboard of every share. */
  readonly catalogue?: CatalogueDashboard;

  constructor(scope: Construct, id: string, props: ProviderStackProps) {
    super(scope, id);
    const { config } = props;
    const provider = config.provider;
    addAwsProvider(this, { account: provider.account, name: config.name, stackName: id, tags: config.tags });
    addBackend(this, provider.backend, { name: config.name, stackName: id, region: provider.account.region });

    const nameScope = { share: config.name, region: provider.account.region };
    const forAlarms = config.shares.some((s) => transportOf(s.config.provider.transport).alarms);
    const key = new OperationsKey(this, "OperationsKey", { name: config.name, nameScope, forAlarms });
    this.network = new Network(this, "Network", {
      config: provider.network,
      namePrefix: config.name,
      nameScope,
      kmsKeyArn: key.arn,
    });
    this.shares = config.shares.map((share) => new Share(this, { share, network: this.network, key }));
    if (config.shares.some((s) => s.scoped)) this.catalogue = this.addCatalogue(config);
  }

  /** With provider.shares: the dashboard of the whole config, and its outputs (the stack's own, not a share's). */
  private addCatalogue(config: AppConfig): CatalogueDashboard {
    const catalogue = new CatalogueDashboard(this, "CatalogueDashboard", {
      name: config.name,
      region: config.provider.account.region,
      shares: this.shares.map((s) => ({
        name: s.share.name,
        database: s.database.ref,
        dashboard: s.dashboard,
        failover: s.via.dashboard.failover,
        alarmArns: s.via.dashboard.alarmArns,
      })),
    });
    // Both transports describe these outputs alike: the first share's transport names the description.
    const out = outputsOf(this, "provider", config.shares[0].config.provider.transport);
    out(PROVIDER_OUTPUTS.catalogueDashboardName, catalogue.dashboard.dashboardName);
    out(PROVIDER_OUTPUTS.catalogueDashboardUrl, catalogue.url);
    return catalogue;
  }

  /** The share of that name; a programming error if the config has none. */
  shareNamed(name: string): Share {
    const share = this.shares.find((s) => s.share.name === name);
    if (!share)
      throw new Error(
        `the provider stack has no share ${name} (it has ${this.shares.map((s) => s.share.name).join(", ")})`,
      );
    return share;
  }

  /** The one share of a single-database config. */
  get only(): Share {
    if (this.shares.length !== 1)
      throw new Error(`the provider stack holds ${this.shares.length} shares; use shareNamed()`);
    return this.shares[0];
  }

  /** The single-database form's database, transport share, names and dashboard. */
  get database(): Database {
    return this.only.database;
  }
  get share(): ProviderShare {
    return this.only.via;
  }
  get databaseNames(): DatabaseNames {
    return this.only.databaseNames;
  }
  get dashboard(): Dashboard {
    return this.only.dashboard;
  }
}
