// The customer-managed KMS key of a stack's operational data: log groups (VPC flow logs, the
// function's log, database logs), the function's environment, the alarm topic and each share's
// descriptor (a SecureString that the share's consumers decrypt through SSM only).
// AWS-managed keys cannot serve here: log groups take only customer-managed keys, and
// CloudWatch alarms cannot publish to a topic under aws/sns.
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { PRINCIPAL } from "../../config/schema";
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

/** Who may read one SSM parameter under the key, and where the parameter is. */
export interface ParameterReaders {
  /** Names the statements: the share's name prefix (Config.name), e.g. "orders" or "platform-billing". */
  readonly who: string;
  /** The parameter's ARN, which SSM passes as the encryption context PARAMETER_ARN. */
  readonly parameterArn: string;
  /** RAM principals: account ids, OU ARNs, the organization's ARN. */
  readonly principals: readonly string[];
}

export class OperationsKey extends Construct {
  readonly arn: string;
  readonly key: KmsKey;
  private readonly statements: Record<string, unknown>[];

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
      // Lazy: the shares add their descriptors' readers after the key exists (grantParameterRead).
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
    });
    new KmsAlias(this, "Alias", { name: kmsAliasName(props.nameScope, "operations"), targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
    this.statements = statements;
  }

  /**
   * Lets other accounts decrypt one SecureString parameter under this key, and nothing else:
   * kms:Decrypt only, only when SSM calls on their behalf (kms:ViaService), and only with that
   * parameter's ARN as the encryption context, which Parameter Store sends as PARAMETER_ARN
   * (AWS Systems Manager User Guide, "How AWS Systems Manager Parameter Store uses AWS KMS").
   * Accounts are named by their root (which delegates to their IAM policies: the reader's role
   * also needs kms:Decrypt in its own account); an organization or OU, which a key policy cannot
   * name, by aws:PrincipalOrgID or aws:PrincipalOrgPaths on any principal.
   */
  grantParameterRead(readers: ParameterReaders): void {
    const ctx = StackContext.of(this);
    // PascalCase of the name; two names that give one Sid (a-1, a1) are told apart by a number.
    const base = `Read${readers.who.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase())}Descriptor`;
    const taken = (sid: string) => this.statements.some((st) => typeof st.Sid === "string" && st.Sid.startsWith(sid));
    let sid = base;
    for (let n = 2; taken(sid); n++) sid = `${base}${n}`;
    const through = {
      "kms:ViaService": `ssm.${ctx.region}.amazonaws.com`,
      "kms:EncryptionContext:PARAMETER_ARN": readers.parameterArn,
    };
    const statement = (suffix: string, principal: unknown, condition: Record<string, unknown>) => ({
      Sid: `${sid}${suffix}`,
      Effect: "Allow",
      Principal: { AWS: principal },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: condition,
    });
    const accounts = readers.principals.filter((p) => PRINCIPAL.accountId.test(p));
    const organizations = readers.principals.filter((p) => PRINCIPAL.organization.test(p));
    const ous = readers.principals.filter((p) => PRINCIPAL.ou.test(p));
    if (accounts.length > 0)
      this.statements.push(
        statement(
          "Accounts",
          accounts.map((a) => `arn:${ctx.partition}:iam::${a}:root`),
          { StringEquals: through },
        ),
      );
    // arn:aws:organizations::<management>:organization/o-x → o-x
    for (const org of organizations)
      this.statements.push(
        statement("Organization", "*", { StringEquals: { ...through, "aws:PrincipalOrgID": org.split("/")[1] } }),
      );
    // arn:aws:organizations::<management>:ou/o-x/ou-y → o-x/*/ou-y/*: the OU and every OU under it, wherever it sits.
    if (ous.length > 0)
      this.statements.push(
        statement("OUs", "*", {
          StringEquals: through,
          "ForAnyValue:StringLike": {
            "aws:PrincipalOrgPaths": ous.map((ou) => `${ou.split("/").slice(1, 3).join("/*/")}/*`),
          },
        }),
      );
  }
}
