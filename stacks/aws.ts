// The AWS provider of a stack: region, credentials, account guard and tags on everything.
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import type { Account } from "../config/schema";

export const MANAGED_BY = "rds-privatelink";

// Every service a stack of this project calls; an emulator endpoint is set for each of them.
export const AWS_SERVICES = [
  "cloudwatch",
  "cloudwatchlogs",
  "ec2",
  "elbv2",
  "events",
  "iam",
  "kms",
  "lambda",
  "ram",
  "rds",
  "route53",
  "scheduler",
  "secretsmanager",
  "sns",
  "sqs",
  "ssm",
  "sts",
  "vpclattice",
] as const;

export interface AwsProviderProps {
  readonly account: Account;
  readonly name: string;
  readonly stackName: string;
  readonly tags: Record<string, string>;
  /** A second block of the same account in another region: its alias, which names it too. */
  readonly alias?: { readonly name: string; readonly region: string };
}

export function addAwsProvider(scope: Construct, props: AwsProviderProps): AwsProvider {
  const { account } = props;
  const emulated = account.endpoint !== undefined;
  return new AwsProvider(scope, props.alias ? `aws-${props.alias.name}` : "aws", {
    alias: props.alias?.name,
    region: props.alias?.region ?? account.region,
    profile: emulated ? undefined : account.profile,
    assumeRole:
      account.assumeRoleArn && !emulated ? [{ roleArn: account.assumeRoleArn, sessionName: MANAGED_BY }] : undefined,
    // Refuses to touch any other account: a wrong profile fails before it changes anything.
    allowedAccountIds: account.accountId && !emulated ? [account.accountId] : undefined,
    defaultTags: [{ tags: { ...props.tags, Project: props.name, Stack: props.stackName, ManagedBy: MANAGED_BY } }],
    ...(emulated ? emulatorSettings(account.endpoint!) : {}),
  });
}

// Test only: the schema admits nothing but loopback URLs here, so no real deployment can use it.
function emulatorSettings(endpoint: string) {
  return {
    accessKey: "test",
    secretKey: "test",
    skipCredentialsValidation: true,
    skipMetadataApiCheck: "true",
    skipRequestingAccountId: true,
    skipRegionValidation: true,
    s3UsePathStyle: true,
    endpoints: [Object.fromEntries(AWS_SERVICES.map((s) => [s, endpoint]))],
  };
}
