// The failover Lambda itself: its log group, its place in the VPC (when asked), its environment
// and its size.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Fn, Token } from "cdktf";
import type { Construct } from "constructs";
import { toEnvironment } from "../../../functions/failover-sync/environment";
import type { ProviderConfig } from "../../../config/resolve";
import { FUNCTION_RUNTIME } from "../../bundle";
import type { Database } from "../database";
import type { DatabaseProxy } from "../database-proxy";
import type { LoadBalancer } from "../load-balancer";
import type { Network } from "../network";
import { ruleForEveryVpcCidr } from "../vpc-cidr-rules";
import type { FunctionPackage } from "./package";
import type { FunctionRole } from "./role";

/**
 * The function's timeout. The fast path polls for the new writer for at most 60 s, and a
 * failover run then settles (finishes moves that wait on health checks) for at most 240 s from
 * its start, never later than this minus 15 s (see index.ts and sync.ts).
 */
export const FUNCTION_TIMEOUT_SECONDS = 300;
import { FUNCTION_MEMORY_MB } from "../sizes";

export { FUNCTION_MEMORY_MB };

export interface FunctionLogGroupProps {
  readonly functionName: string;
  readonly retentionInDays: number;
  readonly kmsKeyArn: string;
}

/** Made before the function: the role grants writing to it by ARN. */
export function functionLogGroup(scope: Construct, props: FunctionLogGroupProps): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, "LogGroup", {
    name: `/aws/lambda/${props.functionName}`,
    retentionInDays: props.retentionInDays,
    kmsKeyId: props.kmsKeyArn,
  });
}

export interface FunctionVpcProps {
  readonly functionName: string;
  /** provider.failover.vpcSubnetIds: absent, the function runs outside the VPC. */
  readonly subnetIds: ProviderConfig["failover"]["vpcSubnetIds"];
  readonly network: Network;
}

/** The function's subnets and a security group that lets it reach only HTTPS and DNS in the VPC. */
export function functionVpcConfig(scope: Construct, props: FunctionVpcProps): LambdaFunction["vpcConfigInput"] {
  if (!props.subnetIds) return undefined;
  const { functionName, network } = props;
  const sg = new SecurityGroup(scope, "SecurityGroup", {
    name: functionName,
    description: `${functionName}: HTTPS to AWS APIs and DNS only`,
    vpcId: network.vpcId,
  });
  ruleForEveryVpcCidr(scope, "EgressHttps", VpcSecurityGroupEgressRule, {
    securityGroupId: sg.id,
    primaryCidr: network.vpcCidr,
    secondaryCidrs: network.secondaryCidrs,
    fromPort: 443,
    toPort: 443,
    description: "Interface endpoints of RDS, ELB, SQS and CloudWatch Logs",
    secondaryDescription: "Interface endpoints in a secondary VPC CIDR",
  });
  return { subnetIds: props.subnetIds, securityGroupIds: [sg.id] };
}

export interface FunctionEnvironmentProps {
  readonly config: ProviderConfig["failover"];
  readonly database: Database;
  readonly loadBalancer: LoadBalancer;
  readonly network: Network;
  /** The RDS Proxy the groups hold the addresses of, when there is one. */
  readonly proxy?: DatabaseProxy;
}

/** The variables the handler reads back with parseEnvironment: what to watch and what to move. */
export function functionEnvironment({
  config,
  database,
  loadBalancer,
  network,
  proxy,
}: FunctionEnvironmentProps): Record<string, string> {
  const ref = database.ref;
  return toEnvironment({
    database: { kind: ref.kind, identifier: ref.identifier },
    // Behind a proxy every target is one of the proxy's addresses, on its port.
    port: Fn.tostring(proxy?.port ?? database.port),
    // Every CIDR of the VPC: a member in a secondary CIDR is as much the database's as one in the primary.
    // (A list known only at plan time becomes one comma-separated value, as the variable is.)
    allowedCidrs: Token.isUnresolved(network.vpcCidrs) ? [Fn.join(",", network.vpcCidrs)] : network.vpcCidrs,
    targets: loadBalancer.targets,
    warmReaderSets: config.warmReaderSets,
    // Clusters and Multi-AZ instances alike: a watching run polls either.
    // Behind a proxy a run reads the proxy once and ends: nothing to watch.
    watchSeconds: proxy ? undefined : config.watchSeconds,
    standbyDiscovery: config.standbyDiscovery,
    // References, not literals: the function's first run then waits for the proxy and its endpoint.
    ...(proxy ? { proxy: { name: proxy.nameRef, readerEndpoint: proxy.readOnly?.nameRef } } : {}),
  });
}

export interface FailoverFunctionProps {
  readonly functionName: string;
  readonly code: FunctionPackage;
  readonly role: FunctionRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly environment: Record<string, string>;
  /** The stack's KMS key: the environment is encrypted with it. */
  readonly kmsKeyArn: string;
  readonly vpcConfig: LambdaFunction["vpcConfigInput"];
}

export function failoverFunction(scope: Construct, props: FailoverFunctionProps): LambdaFunction {
  return new LambdaFunction(scope, "Function", {
    functionName: props.functionName,
    description: "Keeps the PrivateLink target groups on the current writer and readers",
    role: props.role.role.arn,
    runtime: FUNCTION_RUNTIME,
    architectures: ["arm64"],
    handler: "index.handler",
    memorySize: FUNCTION_MEMORY_MB,
    timeout: FUNCTION_TIMEOUT_SECONDS,
    filename: props.code.filename,
    sourceCodeHash: props.code.sourceCodeHash,
    environment: { variables: props.environment },
    kmsKeyArn: props.kmsKeyArn,
    loggingConfig: { logFormat: "Text", logGroup: props.logGroup.name },
    vpcConfig: props.vpcConfig,
    dependsOn: [props.role.policy, props.logGroup],
  });
}
