// An RDS Proxy in front of the database (provider.database.proxy): the load balancer forwards to
// the proxy's endpoint addresses, the proxy follows the database's writer and keeps client
// connections open through its failovers, and the failover function only keeps those addresses
// registered. Created here (its role, security group, target, read-only endpoint and log group),
// or an existing one looked up by name, whose VPC the plan checks.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsDbProxy } from "@cdktf/provider-aws/lib/data-aws-db-proxy";
import { DbProxy } from "@cdktf/provider-aws/lib/db-proxy";
import { DbProxyDefaultTargetGroup } from "@cdktf/provider-aws/lib/db-proxy-default-target-group";
import { DbProxyEndpoint } from "@cdktf/provider-aws/lib/db-proxy-endpoint";
import { DbProxyTarget } from "@cdktf/provider-aws/lib/db-proxy-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, type ITerraformDependable, Op, ref, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { iamRoleName, proxyReadOnlyEndpointName, type ShareNames } from "../../config/names";
import type { ProxyConfig } from "../../config/resolve";
import { PROXY_ROLE } from "../../config/rules";
import { policyDocument, serviceTrustPolicy } from "../iam";
import { StackContext } from "../stack-context";
import type { DatabaseNames } from "./consumer-rds-names";
import type { Database } from "./database";
import { egressToDatabase } from "./database-egress";
import type { Metric } from "./metric";
import type { Network } from "./network";

export interface ProxyMetrics {
  clientConnections(): Metric;
  databaseConnections(): Metric;
  pinnedSessions(): Metric;
  availability(role: "READ_WRITE" | "READ_ONLY"): Metric;
}

export interface DatabaseProxyProps {
  /** The share's resource name prefix: the proxy is <name>-proxy. */
  readonly name: string;
  readonly nameScope: ShareNames;
  /** IAM role names are global per account, so the role's name carries the region. */
  readonly region: string;
  readonly config: ProxyConfig;
  readonly database: Database;
  readonly network: Network;
  /** The stack's key, which encrypts the proxy's log group. */
  readonly logsKmsKeyArn: string;
  readonly logRetentionDays: number;
}

export class DatabaseProxy extends Construct {
  /** The proxy's name: the first label of its endpoint, and the ProxyName of its metrics. */
  readonly proxyName: string;
  /** The same name as a reference to the proxy (a created one's resource): whoever reads it waits for the proxy. */
  readonly nameRef: string;
  /** What must exist before the function's first run reads the proxy: its target and read-only endpoint. */
  readonly dependables: ITerraformDependable[] = [];
  readonly arn: string;
  /** Where the proxy listens: its engine family's port, whatever the database's. */
  readonly port: number;
  /** The proxy's own (read/write) endpoint. */
  readonly address: string;
  /** The read-only endpoint behind the reader port, when there is one. */
  readonly readOnly?: {
    readonly name: string;
    /** The name as a reference to the endpoint, when this project creates it. */
    readonly nameRef: string;
    readonly address: string;
    readonly arn?: string;
  };
  /** The proxy's security group, when this project knows it. */
  readonly securityGroupId?: string;
  /** What consumers resolve to their endpoint: the proxy's names, which its certificate covers (docs/proxy.md). */
  readonly names: DatabaseNames;

  constructor(scope: Construct, id: string, props: DatabaseProxyProps) {
    super(scope, id);
    const { config, database, network } = props;
    this.port = config.port;
    if (config.existing) {
      const existing = config.existing;
      const proxy = new DataAwsDbProxy(this, "Existing", {
        name: existing.name,
        lifecycle: {
          postcondition: [
            {
              // "Your RDS Proxy must be in the same virtual private cloud (VPC) as the database"
              // (RDS User Guide, "RDS Proxy limitations"), and the NLB's IP targets in its VPC.
              condition: Op.eq(ref("self.vpc_id"), network.vpcId),
              errorMessage: `The proxy ${existing.name} is in \${self.vpc_id}, not the load balancer's VPC (provider.network): an IP target group reaches its own VPC only. Use a proxy in that VPC, or set provider.network to the proxy's VPC.`,
            },
          ],
        },
      });
      this.proxyName = existing.name;
      this.nameRef = proxy.name;
      this.arn = proxy.arn;
      this.address = proxy.endpoint;
      this.securityGroupId = existing.securityGroupId;
      if (existing.readOnlyEndpoint) {
        // "<endpoint>.endpoint.proxy-<id>.<region>.rds.amazonaws.com" beside the proxy's
        // "<proxy>.proxy-<id>.<region>.rds.amazonaws.com" (AWS CLI Command Reference,
        // describe-db-proxies and describe-db-proxy-endpoints examples).
        this.readOnly = {
          name: existing.readOnlyEndpoint,
          nameRef: existing.readOnlyEndpoint,
          address: Fn.replace(proxy.endpoint, "/^[^.]+[.]/", `${existing.readOnlyEndpoint}.endpoint.`),
        };
      }
    } else {
      const create = config.create!;
      this.proxyName = `${props.name}-proxy`;
      const sg = new SecurityGroup(this, "SecurityGroup", {
        name: `${props.name}-proxy`,
        description: `RDS Proxy of ${props.name}: reachable only from its PrivateLink load balancer`,
        vpcId: network.vpcId,
        tags: { Name: `${props.name}-proxy` },
      });
      this.securityGroupId = sg.id;
      egressToDatabase(this, {
        securityGroupId: sg.id,
        databasePort: database.port,
        databaseSecurityGroupId: database.securityGroupId,
        vpcCidr: network.vpcCidr,
        secondaryCidrs: network.secondaryCidrs,
        description: "Database port only: the proxy's connections to the database",
      });
      database.allowFrom(sg.id, "proxy");
      const secret = create.secretArn
        ? { arn: create.secretArn, kmsKeyArn: create.secretKmsKeyArn }
        : database.masterSecret;
      if (!secret)
        throw new Error("proxy.create needs a secret: the config loader requires secretArn for an existing database");
      const context = StackContext.of(this);
      const role = new IamRole(this, "Role", {
        name: iamRoleName({ ...props.nameScope, region: props.region }, PROXY_ROLE),
        description: `Lets ${this.proxyName} read the database secret it signs in with`,
        assumeRolePolicy: serviceTrustPolicy("rds.amazonaws.com", context.accountId),
      });
      // The docs' own policy (RDS User Guide, "Setting up AWS Identity and Access Management (IAM)
      // policies" for RDS Proxy): the secret, and its key only through Secrets Manager.
      const statements: Record<string, unknown>[] = [
        { Sid: "ReadSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secret.arn },
      ];
      if (secret.kmsKeyArn)
        statements.push({
          Sid: "DecryptSecret",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: secret.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${props.region}.amazonaws.com` } },
        });
      const policy = new IamRolePolicy(this, "Policy", {
        name: this.proxyName,
        role: role.id,
        policy: policyDocument(statements),
      });
      // Where RDS Proxy writes its logs: created here, or it would have no retention and no key.
      const logGroup = new CloudwatchLogGroup(this, "LogGroup", {
        name: `/aws/rds/proxy/${this.proxyName}`,
        retentionInDays: props.logRetentionDays,
        kmsKeyId: props.logsKmsKeyArn,
      });
      const proxy = new DbProxy(this, "Proxy", {
        name: this.proxyName,
        engineFamily: config.engineFamily,
        roleArn: role.arn,
        vpcSubnetIds: network.subnetIds,
        vpcSecurityGroupIds: [sg.id],
        // Every client connection is TLS: the proxy's certificate is the one clients verify.
        requireTls: true,
        idleClientTimeout: create.idleClientTimeoutSeconds,
        // Debug logs carry SQL text: never on by default.
        debugLogging: false,
        auth: [
          {
            authScheme: "SECRETS",
            secretArn: secret.arn,
            iamAuth: create.iamAuth === "required" ? "REQUIRED" : "DISABLED",
            description: `${props.name}: the database's sign-in`,
          },
        ],
        dependsOn: [policy, logGroup],
      });
      this.arn = proxy.arn;
      this.nameRef = proxy.name;
      this.address = proxy.endpoint;
      const targetGroup = new DbProxyDefaultTargetGroup(this, "TargetGroup", { dbProxyName: proxy.name });
      const target = new DbProxyTarget(this, "Target", {
        dbProxyName: proxy.name,
        targetGroupName: targetGroup.name,
        ...(database.ref.kind === "cluster"
          ? { dbClusterIdentifier: database.ref.identifier }
          : { dbInstanceIdentifier: database.ref.identifier }),
        dependsOn: database.dependables,
        // "When the associated aws_db_proxy resource is replaced, Terraform will lose track of this
        // resource" (Terraform AWS provider, aws_db_proxy_target): replaced with it.
        // A bare address: Terraform's JSON syntax reads replace_triggered_by as references, not templates.
        lifecycle: {
          replaceTriggeredBy: [`${proxy.terraformResourceType}.${TerraformStack.of(this).getLogicalId(proxy)}`],
        },
      });
      this.dependables.push(target);
      if (create.readOnlyEndpoint) {
        const endpoint = new DbProxyEndpoint(this, "ReadOnlyEndpoint", {
          dbProxyEndpointName: proxyReadOnlyEndpointName(this.proxyName),
          dbProxyName: proxy.name,
          vpcSubnetIds: network.subnetIds,
          vpcSecurityGroupIds: [sg.id],
          targetRole: "READ_ONLY",
          dependsOn: [target],
        });
        this.readOnly = {
          name: proxyReadOnlyEndpointName(this.proxyName),
          nameRef: endpoint.dbProxyEndpointName,
          address: endpoint.endpoint,
          arn: endpoint.arn,
        };
        this.dependables.push(endpoint);
      }
    }
    this.names = { writer: this.address, ...(this.readOnly ? { reader: this.readOnly.address } : {}) };
  }

  /**
   * Its CloudWatch metrics, in AWS/RDS by ProxyName (RDS User Guide, "Monitoring RDS Proxy metrics
   * with Amazon CloudWatch": dimension sets ProxyName; ProxyName, TargetGroup, TargetRole).
   */
  get metrics(): ProxyMetrics {
    const of = (metricName: string, extra: Record<string, string> = {}): Metric => ({
      namespace: "AWS/RDS",
      metricName,
      dimensions: { ProxyName: this.proxyName, ...extra },
    });
    return {
      clientConnections: () => of("ClientConnections"),
      databaseConnections: () => of("DatabaseConnections"),
      pinnedSessions: () => of("DatabaseConnectionsCurrentlySessionPinned"),
      // "The percentage of time for which the target group was available in the role indicated by the dimension."
      availability: (role: "READ_WRITE" | "READ_ONLY") =>
        of("AvailabilityPercentage", { TargetGroup: "default", TargetRole: role }),
    };
  }

  /** Admits the proxy's port from the load balancer, when the proxy's group is known. */
  allowFrom(securityGroupId: string): void {
    if (!this.securityGroupId) return;
    new VpcSecurityGroupIngressRule(this, "IngressFromLoadBalancer", {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: this.port,
      toPort: this.port,
      description: "Proxy port from the PrivateLink load balancer",
    });
  }

  /** IAM statements that let the failover function read the proxy's endpoints. */
  readStatements(): Record<string, unknown>[] {
    const statements: Record<string, unknown>[] = [
      { Sid: "ReadProxy", Effect: "Allow", Action: "rds:DescribeDBProxies", Resource: this.arn },
    ];
    if (this.readOnly)
      // Authorized on the proxy and on the endpoint (Service Authorization Reference, Amazon RDS:
      // DescribeDBProxyEndpoints); an existing endpoint's id is unknown before it is read.
      statements.push({
        Sid: "ReadProxyEndpoints",
        Effect: "Allow",
        Action: "rds:DescribeDBProxyEndpoints",
        Resource: [this.arn, this.readOnly.arn ?? StackContext.of(this).arn("rds", "db-proxy-endpoint:*")],
      });
    return statements;
  }
}
