// Each stack keeps its own state: local (default), S3 with native locking, or Terraform Cloud.
import { App, CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from "cdktf";
import * as path from "node:path";
import type { Backend } from "../config/schema";

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
      new LocalBackend(stack, { path: backend.path ?? defaultStatePath(stack, ctx) });
      return;
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: s3Key(backend, ctx),
        region: backend.region ?? ctx.region,
        encrypt: true,
        dynamodbTable: backend.dynamodbTable,
        // The loader gives the backend its account's profile and role unless it has its own
        // (config/resolve.ts); the consumers' remote-state reads of this state use the same.
        profile: backend.profile,
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
        workspaces: new NamedCloudWorkspace(cloudWorkspace(backend, ctx)),
      });
      return;
  }
}

/** The S3 key of a stack's state: the config's, else <name>/<stack>.tfstate. */
export function s3Key(
  backend: Extract<Backend, { type: "s3" }>,
  ctx: Pick<BackendContext, "name" | "stackName">,
): string {
  return backend.key ?? `${ctx.name}/${ctx.stackName}.tfstate`;
}

/** The Terraform Cloud workspace of a stack: the config's, else <name>-<stack>. */
export function cloudWorkspace(
  backend: Extract<Backend, { type: "cloud" }>,
  ctx: Pick<BackendContext, "name" | "stackName">,
): string {
  return backend.workspace ?? `${ctx.name}-${ctx.stackName}`;
}

/**
 * terraform.<name>.<stack>.tfstate in the project root: the share's name keeps two shares of one
 * checkout apart. Relative to the stack directory, so the synthesized stack holds no machine
 * path; it climbs as many levels as the output directory is deep (cdktf.out, or --output
 * cdktf.out/<name>). An output outside the project keeps the default depth of cdktf.out.
 */
export function defaultStatePath(stack: TerraformStack, ctx: BackendContext, projectRoot = process.cwd()): string {
  const outdir = path.relative(projectRoot, App.of(stack).outdir);
  const inside = outdir !== "" && !outdir.startsWith("..") && !path.isAbsolute(outdir);
  const depth = (inside ? outdir.split(path.sep).filter(Boolean).length : 1) + 2; // + stacks/<stack>
  return `${"../".repeat(depth)}terraform.${ctx.name}.${ctx.stackName}.tfstate`;
}
