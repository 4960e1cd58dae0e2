// Each stack keeps its own state: local (default), S3 with native locking, or Terraform Cloud.
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { Backend } from "../config/schema";

export interface BackendContext {
  /** The config's name, prefix of default keys and workspaces. */
  readonly name: string;
  /** The stack's name: provider or consumer-<name>. */
  readonly stackName: string;
  /** The stack's AWS region, the default region of an S3 bucket. */
  readonly region: string;
}

export function addBackend(stack: TerraformStack, backend: Backend, ctx: BackendContext): void {
  switch (backend.type) {
    case "local":
      // Relative to the stack directory, so the synthesized stack holds no machine path.
      new LocalBackend(stack, { path: backend.path ?? `../../../terraform.${ctx.stackName}.tfstate` });
      return;
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: backend.key ?? `${ctx.name}/${ctx.stackName}.tfstate`,
        region: backend.region ?? ctx.region,
        encrypt: true,
        dynamodbTable: backend.dynamodbTable,
        assumeRole: backend.roleArn ? { roleArn: backend.roleArn } : undefined,
      });
      // S3 native locking (Terraform 1.10+, OpenTofu 1.10+); cdktf 0.21 has no typed field for it.
      s3.addOverride("use_lockfile", true);
      return;
    }
    case "cloud":
      new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(backend.workspace ?? `${ctx.name}-${ctx.stackName}`),
      });
      return;
  }
}
