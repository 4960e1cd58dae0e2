// A deployed stack's outputs, from its state: a local state file is read directly (no CLI
// needed); an S3 or Terraform Cloud state through `<cli> output -json` in the synthesized stack
// directory, which must have been initialized (the CLI then reads the remote state itself).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Backend } from "../../config/schema";
import { SHARE_FILE, type ShareManifest } from "../../stacks/app";
import { cloudWorkspace, s3Key } from "../../stacks/backend";
import { OutputValues } from "../../stacks/outputs";
import { chooseTerraformCli, isOnPath } from "../../stacks/terraform-cli";

export class StatusError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** The synthesized stacks are not this config's: status refuses to judge them (exit 2). */
export class NotThisShareError extends StatusError {}

export interface StateLocation {
  readonly name: string;
  /** The config file as the user named it: every fix repeats it (RDS_PRIVATELINK_CONFIG=...). */
  readonly configFile: string;
  readonly stack: string;
  readonly backend: Backend;
  /** Where the project lives (the default local state sits there) and where synth wrote the stacks. */
  readonly projectRoot: string;
  readonly outdir: string;
  /** Of a config with several shares, the ones status reads from this stack; empty or absent in the single-database form. */
  readonly shares?: readonly string[];
}

/** The outputs of a deployed stack; a StatusError names the stack, what is missing and the fix. */
export function readOutputs(loc: StateLocation, env: NodeJS.ProcessEnv = process.env): OutputValues {
  const stackDir = path.join(loc.outdir, "stacks", loc.stack);
  // A remote state is read through the synthesized stack directory, whose backend decides which
  // state is read: it must be this config's, or another share's outputs would be judged.
  if (loc.backend.type !== "local") checkBelongs(loc);
  if (loc.backend.type === "local") {
    // The same place backend.ts points Terraform at: a configured path is relative to the stack
    // directory; the default is terraform.<name>.<stack>.tfstate in the project root.
    const file = loc.backend.path
      ? path.resolve(stackDir, loc.backend.path)
      : path.join(loc.projectRoot, `terraform.${loc.name}.${loc.stack}.tfstate`);
    if (!existsSync(file)) {
      throw new StatusError(
        `no state at ${path.relative(process.cwd(), file) || file}`,
        `deploy it first (${deployCommand(loc)}), or run status from the directory you deployed from`,
      );
    }
    const state = JSON.parse(readFileSync(file, "utf8"));
    const outputs = Object.fromEntries(
      Object.entries(state.outputs ?? {}).map(([k, v]) => [k, (v as { value: unknown }).value]),
    );
    if (Object.keys(outputs).length === 0)
      throw new StatusError("its state has no outputs", `deploy it (${deployCommand(loc)})`);
    return new OutputValues(loc.stack, outputs);
  }
  const cli = chooseTerraformCli(env, (b) => isOnPath(b, env));
  if (!cli.found)
    throw new StatusError(
      `its ${loc.backend.type} state is read with terraform or tofu, and neither is on the PATH`,
      "install one, or set TERRAFORM_BINARY_NAME",
    );
  if (!existsSync(path.join(stackDir, ".terraform"))) {
    throw new StatusError(
      `${path.relative(process.cwd(), stackDir)} is not initialized`,
      `run ${synthCommand(loc)}, then: cd ${path.relative(process.cwd(), stackDir)} && ${cli.binary} init (or give --output where synth wrote)`,
    );
  }
  const r = spawnSync(cli.binary, ["output", "-json", "-no-color"], {
    cwd: stackDir,
    encoding: "utf8",
    env: { ...env, CHECKPOINT_DISABLE: "1" },
  });
  if (r.status !== 0)
    throw new StatusError(
      `${cli.binary} output failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`,
      "check the backend's credentials and that the stack is deployed",
    );
  const parsed = JSON.parse(r.stdout || "{}");
  return new OutputValues(
    loc.stack,
    Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, (v as { value: unknown }).value])),
  );
}

const configEnv = (loc: Pick<StateLocation, "configFile">) => `RDS_PRIVATELINK_CONFIG=${loc.configFile}`;
const outputFlag = (loc: Pick<StateLocation, "outdir">) => {
  const rel = path.relative(process.cwd(), loc.outdir);
  return rel === "cdktf.out" ? "" : ` --output ${rel || loc.outdir}`;
};

/** The README's deploy command for one stack, with this config; a consumer alone needs the flag. */
export function deployCommand(loc: Pick<StateLocation, "configFile" | "outdir" | "stack">): string {
  const alone = loc.stack === "provider" ? "" : " --ignore-missing-stack-dependencies";
  return `${configEnv(loc)} npx cdktf deploy ${loc.stack}${alone}${outputFlag(loc)}`;
}

export function synthCommand(loc: Pick<StateLocation, "configFile" | "outdir">): string {
  return `${configEnv(loc)} npx cdktf synth${outputFlag(loc)}`;
}

/**
 * Refuses a synthesized directory of another share, or of this share before its backend changed:
 * its share.json must name this config's share and stack, and its backend block must point at
 * the state this config's backend names.
 */
export function checkBelongs(loc: StateLocation): void {
  const rel = path.relative(process.cwd(), loc.outdir) || loc.outdir;
  // Its own directory, so the other share's synth stays as it is.
  const own = path.join("cdktf.out", loc.name);
  const resynth = `RDS_PRIVATELINK_CONFIG=${loc.configFile} npx cdktf synth --output ${own}, then cd ${own}/stacks/${loc.stack} && terraform init (or tofu init), then npm run status -- ${loc.configFile} --output ${own}; or give --output where this config was synthesized`;
  const manifestFile = path.join(loc.outdir, SHARE_FILE);
  if (!existsSync(manifestFile)) {
    throw new NotThisShareError(
      `${rel} holds no synthesized share (no ${SHARE_FILE}), so its stacks cannot be matched to ${loc.configFile}`,
      resynth,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as ShareManifest;
  if (manifest.name !== loc.name) {
    throw new NotThisShareError(
      `${rel} holds the stacks of share "${manifest.name}", not of "${loc.name}" (${loc.configFile}); judging them would report another share`,
      resynth,
    );
  }
  if (!manifest.stacks.includes(loc.stack)) {
    throw new NotThisShareError(
      `${rel} was synthesized without ${loc.stack}: the config changed since (${manifest.stacks.join(", ")})`,
      resynth,
    );
  }
  // The shares too: a directory synthesized before a share was added (or with the single-database form) reads another set of outputs.
  const synthesized = manifest.shares ?? [];
  const wanted = loc.shares ?? [];
  const lacking = wanted.filter((s) => !synthesized.includes(s));
  if (lacking.length > 0) {
    const had = synthesized.length ? `its shares are ${synthesized.join(", ")}` : "it holds a single-database config";
    throw new NotThisShareError(
      `${rel} was synthesized without share ${lacking.join(", ")} of ${loc.configFile} (${had}): the config changed since`,
      resynth,
    );
  }
  if (wanted.length === 0 && synthesized.length > 0) {
    throw new NotThisShareError(
      `${rel} holds the stacks of a config with several shares (${synthesized.join(", ")}), but ${loc.configFile} is a single-database config: the config changed since`,
      resynth,
    );
  }
  const file = path.join(loc.outdir, "stacks", loc.stack, "cdk.tf.json");
  if (!existsSync(file)) throw new NotThisShareError(`${path.relative(process.cwd(), file)} is missing`, resynth);
  const terraform = JSON.parse(readFileSync(file, "utf8")).terraform ?? {};
  const ctx = { name: loc.name, stackName: loc.stack };
  const b = loc.backend;
  const [want, got] =
    b.type === "s3"
      ? [
          `s3://${b.bucket}/${s3Key(b, ctx)}`,
          terraform.backend?.s3
            ? `s3://${terraform.backend.s3.bucket}/${terraform.backend.s3.key}`
            : describeBackend(terraform),
        ]
      : b.type === "cloud"
        ? [
            `cloud ${b.organization}/${cloudWorkspace(b, ctx)}`,
            terraform.cloud
              ? `cloud ${terraform.cloud.organization}/${terraform.cloud.workspaces?.name}`
              : describeBackend(terraform),
          ]
        : ["", ""];
  if (want !== got) {
    throw new NotThisShareError(
      `${path.relative(process.cwd(), file)} reads its state from ${got}, but ${loc.configFile} puts it at ${want}: it was synthesized from an older config`,
      resynth,
    );
  }
}

function describeBackend(terraform: { backend?: Record<string, unknown>; cloud?: unknown }): string {
  if (terraform.cloud) return "Terraform Cloud";
  const kind = Object.keys(terraform.backend ?? {})[0];
  return kind ? `a ${kind} backend` : "no backend";
}
