// The shared database: a demo that this project creates, or an existing one it looks up.
import { DataAwsDbInstance } from "@cdktf/provider-aws/lib/data-aws-db-instance";
import { DataAwsRdsCluster } from "@cdktf/provider-aws/lib/data-aws-rds-cluster";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { ENGINE_PORT, isAurora, ProviderConfig, resolveReaders } from "../../config/schema";
import { Network } from "./network";

export const MASTER_USERNAME = "dbadmin";

export interface DatabaseProps {
  readonly name: string;
  readonly config: ProviderConfig["database"];
  readonly network: Network;
}

export class Database extends Construct {
  /** The port the database listens on: the target groups' port. */
  readonly port: number;
  /** Set when the database is a cluster (Aurora or a Multi-AZ DB cluster). */
  readonly clusterIdentifier?: string;
  readonly clusterArn?: string;
  /** Set when the database is a single Multi-AZ instance. */
  readonly instanceIdentifier?: string;
  readonly instanceArn?: string;
  /** Identifiers of the instances this project created (empty for an existing database). */
  readonly createdInstanceIdentifiers: string[] = [];
  /** The database's security group, when this project knows it. */
  readonly securityGroupId?: string;
  /** Member instance identifiers of a cluster (a token list for an existing cluster). */
  readonly memberIdentifiers: string[];
  /** What must exist before the first failover run: the instances this project creates. */
  readonly dependables: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { config, network, name } = props;
    if (config.create) {
      const create = config.create;
      const sg = new SecurityGroup(this, "SecurityGroup", {
        name: `${name}-database`,
        description: `Database of ${name}: reachable only from its PrivateLink load balancer`,
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
      const common = {
        engine: config.engine,
        engineVersion: create.engineVersion,
        // RDS generates and rotates the password in Secrets Manager: none in config or state.
        manageMasterUserPassword: true,
        storageEncrypted: true,
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: create.backupRetentionDays,
        deletionProtection: create.deletionProtection,
        skipFinalSnapshot: !create.deletionProtection,
        finalSnapshotIdentifier: create.deletionProtection ? `${name}-final` : undefined,
        copyTagsToSnapshot: true,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [sg.id],
      };
      if (isAurora(config.engine)) {
        const cluster = new RdsCluster(this, "Cluster", {
          ...common,
          clusterIdentifier: name,
          masterUsername: MASTER_USERNAME,
          port: this.port,
        });
        const members = 1 + resolveReaders(config.engine, create.readers);
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
            publiclyAccessible: false,
            autoMinorVersionUpgrade: true,
            copyTagsToSnapshot: true,
          });
          this.createdInstanceIdentifiers.push(identifier);
          this.dependables.push(member);
        }
        this.clusterIdentifier = cluster.clusterIdentifier;
        this.clusterArn = cluster.arn;
      } else {
        const instance = new DbInstance(this, "Instance", {
          ...common,
          identifier: name,
          username: MASTER_USERNAME,
          instanceClass: create.instanceClass,
          allocatedStorage: create.allocatedStorageGb,
          storageType: "gp3",
          multiAz: true,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          port: this.port,
        });
        this.instanceIdentifier = instance.identifier;
        this.instanceArn = instance.arn;
        this.createdInstanceIdentifiers.push(name);
        this.dependables.push(instance);
      }
      this.memberIdentifiers = this.createdInstanceIdentifiers;
    } else if (config.existing) {
      const existing = config.existing;
      this.securityGroupId = existing.securityGroupId;
      if (existing.clusterIdentifier) {
        const cluster = new DataAwsRdsCluster(this, "Cluster", { clusterIdentifier: existing.clusterIdentifier });
        this.port = Token.asNumber(cluster.port);
        this.clusterIdentifier = existing.clusterIdentifier;
        this.clusterArn = cluster.arn;
        this.memberIdentifiers = cluster.clusterMembers;
      } else {
        this.memberIdentifiers = [];
        const instance = new DataAwsDbInstance(this, "Instance", { dbInstanceIdentifier: existing.instanceIdentifier! });
        this.port = Token.asNumber(instance.port);
        this.instanceIdentifier = existing.instanceIdentifier;
        this.instanceArn = instance.dbInstanceArn;
      }
    } else {
      throw new Error("database needs create or existing (the config loader checks this)");
    }
  }

  /** Admits the database port from one security group, when the database's group is known. */
  allowFrom(securityGroupId: string): VpcSecurityGroupIngressRule | undefined {
    if (!this.securityGroupId) return undefined;
    return new VpcSecurityGroupIngressRule(this, "IngressFromLoadBalancer", {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: this.port,
      toPort: this.port,
      description: "Database port from the PrivateLink load balancer",
    });
  }
}
