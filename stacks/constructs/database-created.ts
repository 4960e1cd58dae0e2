// The database this project creates (provider.database.create): a demo cluster or Multi-AZ
// instance, encrypted with its own key, its logs in groups with a retention period.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { kmsAliasName, type ShareNames } from "../../config/names";
import { ENGINE_PORT, LOG_EXPORTS } from "../../config/engines";
import type { DatabaseConfig } from "../../config/resolve";
import { Database, type DatabaseRef } from "./database";
import { blocksHosts, InstanceParameters } from "./instance-parameters";
import type { Network } from "./network";
import { accountAdministeredKeyPolicy } from "./operations-key";

export const MASTER_USERNAME = "dbadmin";

export interface CreatedDatabaseProps {
  readonly name: string;
  /** Whose names AWS keeps unique beyond the stack (config/names.ts): the config, and the share within it. */
  readonly nameScope: ShareNames;
  readonly engine: DatabaseConfig["engine"];
  readonly kind: DatabaseConfig["kind"];
  readonly create: NonNullable<DatabaseConfig["create"]>;
  readonly network: Network;
  /** The stack's key for log groups (the database's exported logs). */
  readonly logsKmsKeyArn: string;
  readonly logRetentionDays: number;
  /** What stands in front of the database, for its security group's description. Default: load balancer. */
  readonly frontedBy?: "load balancer" | "resource gateway";
}

export class CreatedDatabase extends Database {
  readonly port: number;
  readonly ref: DatabaseRef;
  readonly writerAddress: string;
  readonly readerAddress?: string;
  readonly securityGroupId: string;
  readonly masterSecret: { readonly arn: string; readonly kmsKeyArn: string };
  readonly dependables: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: CreatedDatabaseProps) {
    super(scope, id);
    const { create, engine, kind, network, name } = props;
    const sg = new SecurityGroup(this, "SecurityGroup", {
      name: `${name}-database`,
      description: `Database of ${name}: reachable only from its PrivateLink ${props.frontedBy ?? "load balancer"}`,
      vpcId: network.vpcId,
      tags: { Name: `${name}-database` },
    });
    this.securityGroupId = sg.id;
    const subnetGroup = new DbSubnetGroup(this, "SubnetGroup", {
      name: `${name}-database`,
      subnetIds: network.subnetIds,
      description: `Subnets of ${name}'s database`,
    });
    this.port = ENGINE_PORT[engine];
    // A customer-managed key: snapshots can then be shared with, and restored in, another
    // account, which the AWS-managed aws/rds key does not allow.
    const key = new KmsKey(this, "Key", {
      description: `${name}: database storage, master secret and Performance Insights`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: accountAdministeredKeyPolicy(this),
    });
    new KmsAlias(this, "KeyAlias", { name: kmsAliasName(props.nameScope, "database"), targetKeyId: key.keyId });
    // Explicit log groups: RDS would create them without a retention period or encryption.
    const logGroups = LOG_EXPORTS[engine].map(
      (log) =>
        new CloudwatchLogGroup(this, `LogGroup-${log}`, {
          name: `/aws/rds/${kind}/${name}/${log}`,
          retentionInDays: props.logRetentionDays,
          kmsKeyId: props.logsKmsKeyArn,
        }),
    );
    const performanceInsights = {
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: key.arn,
      performanceInsightsRetentionPeriod: 7,
    };
    const common = {
      engine,
      engineVersion: create.engineVersion,
      // RDS generates and rotates the password in Secrets Manager: none in config or state.
      manageMasterUserPassword: true,
      storageEncrypted: true,
      kmsKeyId: key.arn,
      masterUserSecretKmsKeyId: key.arn,
      enabledCloudwatchLogsExports: LOG_EXPORTS[engine],
      iamDatabaseAuthenticationEnabled: true,
      backupRetentionPeriod: create.backupRetentionDays,
      deletionProtection: create.deletionProtection,
      skipFinalSnapshot: !create.deletionProtection,
      finalSnapshotIdentifier: create.deletionProtection ? `${name}-final` : undefined,
      copyTagsToSnapshot: true,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [sg.id],
      dependsOn: logGroups,
    };
    if (kind === "cluster") {
      const cluster = new RdsCluster(this, "Cluster", {
        ...common,
        clusterIdentifier: name,
        masterUsername: MASTER_USERNAME,
        port: this.port,
      });
      // Instance-level on Aurora MySQL: one DB parameter group for every member.
      const parameters =
        engine === "aurora-mysql"
          ? new InstanceParameters(this, "Parameters", { name, engine, engineVersion: cluster.engineVersionActual })
          : undefined;
      const members = 1 + create.readers;
      const memberArns: string[] = [];
      const memberIdentifiers: string[] = [];
      for (let i = 0; i < members; i++) {
        const identifier = `${name}-${i + 1}`;
        const member = new RdsClusterInstance(this, `Instance${i}`, {
          identifier,
          clusterIdentifier: cluster.clusterIdentifier,
          engine,
          engineVersion: cluster.engineVersion,
          instanceClass: create.instanceClass,
          // Spread the writer and readers over the zones: one zone failing leaves a member.
          availabilityZone: network.azNames[i % network.azNames.length],
          dbSubnetGroupName: subnetGroup.name,
          dbParameterGroupName: parameters?.groupName,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          copyTagsToSnapshot: true,
          ...performanceInsights,
        });
        memberIdentifiers.push(identifier);
        this.dependables.push(member);
        memberArns.push(member.arn);
      }
      this.ref = {
        kind: "cluster",
        identifier: cluster.clusterIdentifier,
        arn: cluster.arn,
        memberArns,
        memberIdentifiers,
      };
      this.writerAddress = cluster.endpoint;
      this.readerAddress = cluster.readerEndpoint;
      this.masterSecret = { arn: cluster.masterUserSecret.get(0).secretArn, kmsKeyArn: key.arn };
    } else {
      const parameters = blocksHosts(engine)
        ? new InstanceParameters(this, "Parameters", { name, engine: "mysql", engineVersion: create.engineVersion })
        : undefined;
      const instance = new DbInstance(this, "Instance", {
        ...common,
        identifier: name,
        username: MASTER_USERNAME,
        instanceClass: create.instanceClass,
        allocatedStorage: create.allocatedStorageGb,
        storageType: "gp3",
        multiAz: true,
        parameterGroupName: parameters?.groupName,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        port: this.port,
        ...performanceInsights,
      });
      this.ref = { kind: "instance", identifier: instance.identifier, arn: instance.arn };
      this.writerAddress = instance.address;
      this.masterSecret = { arn: instance.masterUserSecret.get(0).secretArn, kmsKeyArn: key.arn };
      this.dependables.push(instance);
    }
  }
}
