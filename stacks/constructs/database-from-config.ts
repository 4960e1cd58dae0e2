// provider.database -> the Database reference: created when the config says create, looked up
// when it says existing. The one place that asks which.
import type { Construct } from "constructs";
import type { ShareNames } from "../../config/names";
import type { ProviderConfig } from "../../config/resolve";
import type { Database } from "./database";
import { CreatedDatabase } from "./database-created";
import { ExistingDatabase } from "./database-existing";
import type { Network } from "./network";

export interface DatabaseFromConfigProps {
  readonly name: string;
  /** Whose names AWS keeps unique beyond the stack (config/names.ts): the config, and the share within it. */
  readonly nameScope: ShareNames;
  readonly config: ProviderConfig["database"];
  readonly network: Network;
  /** The stack's key for log groups (a created database's exported logs). */
  readonly logsKmsKeyArn: string;
  readonly logRetentionDays: number;
  /** What stands in front of the database, for a created database's security group's description. Default: load balancer. */
  readonly frontedBy?: "load balancer" | "resource gateway";
}

/** The database of the config at scope/id, whichever construct stands for it: the id is its address either way. */
export function databaseFromConfig(scope: Construct, id: string, props: DatabaseFromConfigProps): Database {
  const { config, ...rest } = props;
  if (config.create)
    return new CreatedDatabase(scope, id, { ...rest, engine: config.engine, kind: config.kind, create: config.create });
  if (config.existing) return new ExistingDatabase(scope, id, { existing: config.existing });
  throw new Error("database needs create or existing (the config loader checks this)");
}
