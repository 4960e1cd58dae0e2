// The shared database as the rest of the provider stack sees it: one reference, whether this
// project creates the database (database-created.ts) or looks an existing one up
// (database-existing.ts). databaseFromConfig (database-from-config.ts) picks one by config.
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { StackContext } from "../stack-context";

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
      /** Identifiers of the member instances (a token list for an existing cluster: its data source's cluster_members). */
      readonly memberIdentifiers: string[];
    }
  | { readonly kind: "instance"; readonly identifier: string; readonly arn: string };

/**
 * The database, created or looked up. Both kinds of construct take the same id in the same
 * scope (provider/Database), so the addresses of what they hold and of what neighbours add
 * under them (the ingress rules of allowFrom) are the same as they have always been.
 */
export abstract class Database extends Construct {
  /** The port the database listens on: the target groups' port. */
  abstract readonly port: number;
  abstract readonly ref: DatabaseRef;
  /** DNS name that always leads to the writer: the cluster endpoint, or the instance's address. */
  abstract readonly writerAddress: string;
  /** A cluster's reader endpoint (it serves reads from the writer while there is no reader); none for an instance. */
  abstract readonly readerAddress?: string;
  /** The database's security group, when this project knows it. */
  abstract readonly securityGroupId?: string;
  /** The secret RDS manages for a created database's master user, and its key: what a created proxy signs in with. */
  readonly masterSecret?: { readonly arn: string; readonly kmsKeyArn: string };
  /** What must exist before the first failover run: the instances this project creates. */
  abstract readonly dependables: ITerraformDependable[];

  /** IAM statements that let a role read this database's topology: writer, members, addresses. */
  topologyReadStatements(): Record<string, unknown>[] {
    const ref = this.ref;
    if (ref.kind === "instance")
      return [{ Sid: "ReadInstance", Effect: "Allow", Action: "rds:DescribeDBInstances", Resource: ref.arn }];
    return [
      { Sid: "ReadCluster", Effect: "Allow", Action: "rds:DescribeDBClusters", Resource: ref.arn },
      // Members are listed with a db-cluster-id filter, which IAM evaluates against db:*;
      // read-only, and the narrowest scope RDS allows for a filtered describe.
      {
        Sid: "ReadMembers",
        Effect: "Allow",
        Action: "rds:DescribeDBInstances",
        Resource: StackContext.of(this).arn("rds", "db:*"),
      },
      // The cluster's Blue/Green deployment, whose identifier no one knows before it exists: the
      // account's deployments in this region (resource type "deployment", Service Authorization Reference).
      {
        Sid: "ReadBlueGreen",
        Effect: "Allow",
        Action: "rds:DescribeBlueGreenDeployments",
        Resource: StackContext.of(this).arn("rds", "deployment:*"),
      },
    ];
  }

  /**
   * Admits the database port from one security group, when the database's group is known: the
   * load balancer's (endpoint-service transport) or the resource gateway's (resource transport).
   */
  allowFrom(
    securityGroupId: string,
    from: "load balancer" | "resource gateway" | "proxy" = "load balancer",
  ): VpcSecurityGroupIngressRule | undefined {
    if (!this.securityGroupId) return undefined;
    const id = {
      "load balancer": "IngressFromLoadBalancer",
      "resource gateway": "IngressFromResourceGateway",
      proxy: "IngressFromProxy",
    }[from];
    return new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: this.port,
      toPort: this.port,
      description: from === "proxy" ? "Database port from the RDS Proxy" : `Database port from the PrivateLink ${from}`,
    });
  }
}
