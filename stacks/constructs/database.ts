// The shared database: a demo that this project creates, or an existing one it looks up.
import { DataAwsDbInstance } from "@cdktf/provider-aws/lib/data-aws-db-instance";
import { DataAwsRdsCluster } from "@cdktf/provider-aws/lib/data-aws-rds-cluster";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { ENGINE_PORT, LOG_EXPORTS } from "../../config/engines";
import { ProviderConfig } from "../../config/resolve";
import { blocksHosts, InstanceParameters } from "./instance-parameters";
import { accountAdministeredKeyPolicy } from "./operations-key";
import { Network } from "./network";
import { StackContext } from "../stack-context";

export const MASTER_USERNAME = "dbadmin";

export interface DatabaseProps {
  readonly name: string;
  readonly config: ProviderConfig["database"];
  readonly network: Network;
  /** The stack's key for log groups (the database's exported logs). */
  readonly logsKmsKeyArn: string;
  readonly logRetentionDays: number;
  /** What stands in front of the database, for its security group's description. Default: load balancer. */
  readonly frontedBy?: "load balancer" | "resource gateway";
}

/**
 * What the rest of the stack needs to know of the database: a cluster (Aurora or a Multi-AZ DB
 * cluster, whose members keep their IPs through a failover) or one Multi-AZ instance (whose
 * address moves to the standby).
 */
export type DatabaseRef =
  | {
      readonly kind: "cluster";
      readonly identifier: string;
      readonly arn: string;
      /** ARNs of the member instances (a token list for an existing cluster). */
      readonly memberArns: string[];
    }
  | { readonly kind: "instance"; readonly identifier: string; readonly arn: string };

export class Database extends Construct {
  /** The port the database listens on: the target groups' port. */
  readonly port: number;
  readonly ref: DatabaseRef;
  /** Identifiers of the instances this project created (empty for an existing database). */
  readonly createdInstanceIdentifiers: string[] = [];
  /** DNS name that always leads to the writer: the cluster endpoint, or the instance's address. */
  readonly writerAddress: string;
  /** A cluster's reader endpoint (it serves reads from the writer while there is no reader); none for an instance. */
  readonly readerAddress?: string;
  /** The database's security group, when this project knows it. */
  readonly securityGroupId?: string;
  /** What must exist before the first failover run: the instances this project creates. */
  readonly dependables: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { config, network, name } = props;
    if (config.create) {
      const create = config.create;
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
      this.port = ENGINE_PORT[config.engine];
      // A customer-managed key: snapshots can then be shared with, and restored in, another
      // account, which the AWS-managed aws/rds key does not allow.
      const key = new KmsKey(this, "Key", {
        description: `${name}: database storage, master secret and Performance Insights`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: accountAdministeredKeyPolicy(this),
      });
      new KmsAlias(this, "KeyAlias", { name: `alias/${name}-database`, targetKeyId: key.keyId });
      const kind = config.kind;
      // Explicit log groups: RDS would create them without a retention period or encryption.
      const logGroups = LOG_EXPORTS[config.engine].map(
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
        engine: config.engine,
        engineVersion: create.engineVersion,
        // RDS generates and rotates the password in Secrets Manager: none in config or state.
        manageMasterUserPassword: true,
        storageEncrypted: true,
        kmsKeyId: key.arn,
        masterUserSecretKmsKeyId: key.arn,
        enabledCloudwatchLogsExports: LOG_EXPORTS[config.engine],
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
      if (config.kind === "cluster") {
        const cluster = new RdsCluster(this, "Cluster", {
          ...common,
          clusterIdentifier: name,
          masterUsername: MASTER_USERNAME,
          port: this.port,
        });
        // Instance-level on Aurora MySQL: one DB parameter group for every member.
        const parameters =
          config.engine === "aurora-mysql" ? new InstanceParameters(this, "Parameters", { name, engine: config.engine, engineVersion: cluster.engineVersionActual }) : undefined;
        const members = 1 + create.readers;
        const memberArns: string[] = [];
        for (let i = 0; i < members; i++) {
          const identifier = `${name}-${i + 1}`;
          const member = new RdsClusterInstance(this, `Instance${i}`, {
            identifier,
            clusterIdentifier: cluster.clusterIdentifier,
            engine: config.engine,
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
          this.createdInstanceIdentifiers.push(identifier);
          this.dependables.push(member);
          memberArns.push(member.arn);
        }
        this.ref = { kind: "cluster", identifier: cluster.clusterIdentifier, arn: cluster.arn, memberArns };
        this.writerAddress = cluster.endpoint;
        this.readerAddress = cluster.readerEndpoint;
      } else {
        const parameters = blocksHosts(config.engine)
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
        this.createdInstanceIdentifiers.push(name);
        this.dependables.push(instance);
      }
    } else if (config.existing) {
      const existing = config.existing;
      this.securityGroupId = existing.securityGroupId;
      if (existing.clusterIdentifier) {
        const cluster = new DataAwsRdsCluster(this, "Cluster", { clusterIdentifier: existing.clusterIdentifier });
        this.port = Token.asNumber(cluster.port);
        // Member ARNs share the cluster ARN's partition, region and account: arn:...:db:<member>.
        const memberArnFormat = Fn.replace(cluster.arn, `:cluster:${existing.clusterIdentifier}`, ":db:%s");
        this.ref = { kind: "cluster", identifier: existing.clusterIdentifier, arn: cluster.arn, memberArns: Fn.formatlist(memberArnFormat, [cluster.clusterMembers]) };
        this.writerAddress = cluster.endpoint;
        this.readerAddress = cluster.readerEndpoint;
      } else {
        const instance = new DataAwsDbInstance(this, "Instance", { dbInstanceIdentifier: existing.instanceIdentifier! });
        this.port = Token.asNumber(instance.port);
        this.ref = { kind: "instance", identifier: existing.instanceIdentifier!, arn: instance.dbInstanceArn };
        this.writerAddress = instance.address;
      }
    } else {
      throw new Error("database needs create or existing (the config loader checks this)");
    }
  }

  /** IAM statements that let a role read this database's topology: writer, members, addresses. */
  topologyReadStatements(): Record<string, unknown>[] {
    const ref = this.ref;
    if (ref.kind === "instance") return [{ Sid: "ReadInstance", Effect: "Allow", Action: "rds:DescribeDBInstances", Resource: ref.arn }];
    return [
      { Sid: "ReadCluster", Effect: "Allow", Action: "rds:DescribeDBClusters", Resource: ref.arn },
      // Members are listed with a db-cluster-id filter, which IAM evaluates against db:*;
      // read-only, and the narrowest scope RDS allows for a filtered describe.
      { Sid: "ReadMembers", Effect: "Allow", Action: "rds:DescribeDBInstances", Resource: StackContext.of(this).arn("rds", "db:*") },
    ];
  }

  /**
   * Admits the database port from one security group, when the database's group is known: the
   * load balancer's (endpoint-service transport) or the resource gateway's (resource transport).
   */
  allowFrom(securityGroupId: string, from: "load balancer" | "resource gateway" = "load balancer"): VpcSecurityGroupIngressRule | undefined {
    if (!this.securityGroupId) return undefined;
    return new VpcSecurityGroupIngressRule(this, from === "load balancer" ? "IngressFromLoadBalancer" : "IngressFromResourceGateway", {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: this.port,
      toPort: this.port,
      description: `Database port from the PrivateLink ${from}`,
    });
  }
}
