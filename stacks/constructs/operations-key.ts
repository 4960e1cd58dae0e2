// The customer-managed KMS key of the operational data: the function's logs and the alarm
// topic. AWS-managed keys cannot serve here: CloudWatch alarms cannot publish to a topic
// under aws/sns, and log groups take only customer-managed keys.
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";

export class OperationsKey extends Construct {
  readonly arn: string;

  constructor(scope: Construct, id: string, props: { name: string }) {
    super(scope, id);
    const partition = new DataAwsPartition(this, "Partition");
    const region = new DataAwsRegion(this, "Region");
    const account = new DataAwsCallerIdentity(this, "Account");
    const root = `arn:${partition.partition}:iam::${account.accountId}:root`;
    const key = new KmsKey(this, "Key", {
      description: `${props.name}: failover function logs and alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          // A key policy's Resource is always the key itself, written "*".
          { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: root }, Action: "kms:*", Resource: "*" },
          {
            Sid: "LogsEncrypt",
            Effect: "Allow",
            Principal: { Service: `logs.${region.name}.amazonaws.com` },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition.partition}:logs:${region.name}:${account.accountId}:log-group:*` } },
          },
          {
            Sid: "AlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
          },
        ],
      }),
    });
    new KmsAlias(this, "Alias", { name: `alias/${props.name}-operations`, targetKeyId: key.keyId });
    this.arn = key.arn;
  }
}
