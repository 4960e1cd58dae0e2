// The customer-managed KMS key of a stack's operational data: log groups (VPC flow logs, the
// function's log, database logs), the function's environment and the alarm topic.
// AWS-managed keys cannot serve here: log groups take only customer-managed keys, and
// CloudWatch alarms cannot publish to a topic under aws/sns.
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { kmsAliasName, type NameScope } from "../../config/names";
import { policyDocument } from "../iam";
import { StackContext } from "../stack-context";

export interface OperationsKeyProps {
  /** Description prefix, e.g. "orders" or "orders-app". */
  readonly name: string;
  /** Whose key: the alias is built from it (unique per account and region, config/names.ts). */
  readonly nameScope: NameScope;
  /** Let CloudWatch alarms publish to topics under this key. */
  readonly forAlarms?: boolean;
}

// The account's administrators manage the key; usage is granted by IAM policies of the
// roles that need it, which the root statement delegates to IAM.
const ADMIN_ACTIONS = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:CreateGrant",
];

/** A key policy in which only the account's administrators (through IAM) may use the key. */
export function accountAdministeredKeyPolicy(scope: Construct): string {
  const ctx = StackContext.of(scope);
  return policyDocument([rootStatement(ctx.partition, ctx.accountId)]);
}

function rootStatement(partition: string, accountId: string): Record<string, unknown> {
  // A key policy's Resource is always the key itself, written "*".
  return {
    Sid: "AccountAdministers",
    Effect: "Allow",
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
    Action: ADMIN_ACTIONS,
    Resource: "*",
  };
}

export class OperationsKey extends Construct {
  readonly arn: string;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: OperationsKeyProps) {
    super(scope, id);
    const ctx = StackContext.of(this);
    const statements: Record<string, unknown>[] = [
      rootStatement(ctx.partition, ctx.accountId),
      {
        Sid: "LogsEncrypt",
        Effect: "Allow",
        Principal: { Service: `logs.${ctx.region}.amazonaws.com` },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": ctx.arn("logs", "log-group:*") } },
      },
    ];
    if (props.forAlarms) {
      statements.push({
        Sid: "AlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
      });
    }
    this.key = new KmsKey(this, "Key", {
      description: `${props.name}: operational logs${props.forAlarms ? ", function environment and alarm topic" : ""}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(statements),
    });
    new KmsAlias(this, "Alias", { name: kmsAliasName(props.nameScope, "operations"), targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
