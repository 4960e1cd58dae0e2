// An existing database (provider.database.existing), looked up by its identifier: this project
// reads it and creates nothing in it.
import { DataAwsDbInstance } from "@cdktf/provider-aws/lib/data-aws-db-instance";
import { DataAwsRdsCluster } from "@cdktf/provider-aws/lib/data-aws-rds-cluster";
import { Fn, type ITerraformDependable, Token } from "cdktf";
import type { Construct } from "constructs";
import type { DatabaseConfig } from "../../config/resolve";
import { Database, type DatabaseRef } from "./database";

export interface ExistingDatabaseProps {
  /** A cluster identifier or an instance identifier (the config loader allows exactly one), and the database's security group if known. */
  readonly existing: NonNullable<DatabaseConfig["existing"]>;
}

export class ExistingDatabase extends Database {
  readonly port: number;
  readonly ref: DatabaseRef;
  readonly writerAddress: string;
  readonly readerAddress?: string;
  readonly securityGroupId?: string;
  /** None: the database exists before the stack. */
  readonly dependables: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: ExistingDatabaseProps) {
    super(scope, id);
    const { existing } = props;
    this.securityGroupId = existing.securityGroupId;
    if (existing.clusterIdentifier) {
      const cluster = new DataAwsRdsCluster(this, "Cluster", { clusterIdentifier: existing.clusterIdentifier });
      this.port = Token.asNumber(cluster.port);
      // Member ARNs share the cluster ARN's partition, region and account: arn:...:db:<member>.
      const memberArnFormat = Fn.replace(cluster.arn, `:cluster:${existing.clusterIdentifier}`, ":db:%s");
      this.ref = {
        kind: "cluster",
        identifier: existing.clusterIdentifier,
        arn: cluster.arn,
        memberArns: Fn.formatlist(memberArnFormat, [cluster.clusterMembers]),
        memberIdentifiers: cluster.clusterMembers,
      };
      this.writerAddress = cluster.endpoint;
      this.readerAddress = cluster.readerEndpoint;
    } else if (existing.instanceIdentifier) {
      const instance = new DataAwsDbInstance(this, "Instance", { dbInstanceIdentifier: existing.instanceIdentifier });
      this.port = Token.asNumber(instance.port);
      this.ref = { kind: "instance", identifier: existing.instanceIdentifier, arn: instance.dbInstanceArn };
      this.writerAddress = instance.address;
    } else {
      throw new Error(
        "an existing database needs clusterIdentifier or instanceIdentifier (the config loader checks this)",
      );
    }
  }
}
