// The AWS SDK's settings for one account of the config, shared by the observations every share
// makes (observe.ts) and each transport's own (transports/<name>.ts).
import { fromIni, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { Account } from "../../config/schema";

/** SDK client settings for one account of the config: its region, profile and role, or the emulator. */
export function clientConfig(account: Account) {
  if (account.endpoint)
    return {
      region: account.region,
      endpoint: account.endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 3,
    };
  const base = account.profile ? fromIni({ profile: account.profile }) : undefined;
  const credentials = account.assumeRoleArn
    ? fromTemporaryCredentials({
        params: { RoleArn: account.assumeRoleArn, RoleSessionName: "rds-privatelink-status" },
        masterCredentials: base,
      })
    : base;
  return { region: account.region, credentials, maxAttempts: 3 };
}
