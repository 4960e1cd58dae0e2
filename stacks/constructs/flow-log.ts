// VPC flow logs to an encrypted log group with a retention period, written through a role
// that may write only to that group.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog as AwsFlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { policyDocument, serviceTrustPolicy } from "../iam";
import { StackContext } from "../stack-context";

export interface FlowLogProps {
  readonly name: string;
  /** The role's name, unique in the account (config/names.ts). */
  readonly roleName: string;
  readonly vpcId: string;
  readonly kmsKeyArn: string;
  readonly retentionDays: number;
}

export class FlowLog extends Construct {
  /** The log group the flow log writes to; the dashboard queries it. */
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: FlowLogProps) {
    super(scope, id);
    const group = new CloudwatchLogGroup(this, "LogGroup", {
      name: `/rds-privatelink/${props.name}/vpc-flow-log`,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.logGroup = group;
    const role = new IamRole(this, "Role", {
      name: props.roleName,
      description: `Writes the VPC flow log of ${props.name}`,
      assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com", StackContext.of(this).accountId),
      // A renamed role is a new role: it exists before the flow log moves to it.
      lifecycle: { createBeforeDestroy: true },
    });
    new IamRolePolicy(this, "Policy", {
      name: `${props.name}-vpc-flow-log`,
      role: role.id,
      policy: policyDocument([
        {
          Sid: "WriteFlowLog",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: `${group.arn}:*`,
        },
      ]),
    });
    new AwsFlowLog(this, "FlowLog", {
      vpcId: props.vpcId,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: group.arn,
      iamRoleArn: role.arn,
      // One-minute records instead of ten: a refused connection shows up while you look.
      maxAggregationInterval: 60,
      tags: { Name: `${props.name}-vpc-flow-log` },
    });
  }
}
