// VPC flow logs to an encrypted log group with a retention period, written through a role
// that may write only to that group.
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { FlowLog as AwsFlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";

export interface FlowLogProps {
  readonly name: string;
  readonly vpcId: string;
  readonly kmsKeyArn: string;
  readonly retentionDays: number;
}

export class FlowLog extends Construct {
  constructor(scope: Construct, id: string, props: FlowLogProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, "Account");
    const group = new CloudwatchLogGroup(this, "LogGroup", {
      name: `/rds-privatelink/${props.name}/vpc-flow-log`,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    const role = new IamRole(this, "Role", {
      name: `${props.name}-vpc-flow-log`,
      description: `Writes the VPC flow log of ${props.name}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, "Policy", {
      name: `${props.name}-vpc-flow-log`,
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WriteFlowLog",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: `${group.arn}:*`,
          },
        ],
      }),
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
