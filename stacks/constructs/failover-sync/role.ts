// The failover function's IAM role and its least-privilege inline policy: every action on a
// named resource, and "*" only where IAM offers no resource-level permission.
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Construct } from "constructs";
import { iamRoleName, type ShareNames } from "../../../config/names";
import { policyDocument, serviceTrustPolicy } from "../../iam";
import { StackContext } from "../../stack-context";
import type { Database } from "../database";
import type { DatabaseProxy } from "../database-proxy";
import type { LoadBalancer } from "../load-balancer";

export interface FunctionRoleProps {
  /** The config's name, and the share within it. */
  readonly nameScope: ShareNames;
  /** IAM role names are global per account, so the role's name carries the region. */
  readonly region: string;
  readonly functionName: string;
  readonly logGroupArn: string;
  readonly runQueueArn: string;
  /** The stack's KMS key, which encrypts the function's environment. */
  readonly kmsKeyArn: string;
  readonly database: Database;
  readonly loadBalancer: LoadBalancer;
  /** Behind a proxy the function reads the proxy's endpoints, never the database. */
  readonly proxy?: DatabaseProxy;
  /** The function runs in VPC subnets and manages its network interfaces. */
  readonly inVpc: boolean;
  /** A Multi-AZ DB instance's standby is found by its network interface (provider.failover.standbyDiscovery). */
  readonly standbyDiscovery?: boolean;
}

export interface FunctionRole {
  readonly role: IamRole;
  /** The function and the run queue's event source mapping wait for it, not only for the role. */
  readonly policy: IamRolePolicy;
}

export function functionRole(scope: Construct, props: FunctionRoleProps): FunctionRole {
  const { functionName } = props;
  const role = new IamRole(scope, "Role", {
    name: iamRoleName({ ...props.nameScope, region: props.region }, "failover-sync"),
    description: `Runs ${functionName}`,
    assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com", StackContext.of(scope).accountId),
    // A renamed role is a new role: the function moves to it before the old one goes, so no
    // run finds its role deleted (the policy follows, as a dependency of the role).
    lifecycle: { createBeforeDestroy: true },
  });
  const statements: Record<string, unknown>[] = [
    {
      Sid: "Logs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${props.logGroupArn}:*`,
    },
    ...props.loadBalancer.targetChangeStatements(),
    ...(props.proxy ? props.proxy.readStatements() : props.database.topologyReadStatements()),
    // What Lambda's event source mapping does with the function's role (Lambda SQS guide).
    {
      Sid: "ReadRunQueue",
      Effect: "Allow",
      Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
      Resource: props.runQueueArn,
    },
    // The environment is encrypted under the stack's key; the function decrypts it at start.
    { Sid: "ReadEnvironment", Effect: "Allow", Action: "kms:Decrypt", Resource: props.kmsKeyArn },
  ];
  if (props.standbyDiscovery && !props.inVpc) {
    // Finding the standby's interface: DescribeNetworkInterfaces supports no resource-level permission.
    statements.push({ Sid: "FindStandby", Effect: "Allow", Action: "ec2:DescribeNetworkInterfaces", Resource: "*" });
  }
  if (props.inVpc) {
    // Lambda's network interfaces (and, with standbyDiscovery, the standby's: the same read): these EC2 actions support no resource-level permissions.
    statements.push({
      Sid: "VpcNetworkInterfaces",
      Effect: "Allow",
      Action: [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ],
      Resource: "*",
    });
  }
  const policy = new IamRolePolicy(scope, "Policy", {
    name: functionName,
    role: role.id,
    policy: policyDocument(statements),
  });
  return { role, policy };
}
