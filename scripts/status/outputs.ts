// A deployed stack's outputs, from its state: a local state file is read directly (no CLI
// needed); an S3 or Terraform Cloud state through `<cli> output -json` in the synthesized stack
// directory, which must have been initialized (the CLI then reads the remote state itself).
import { spawnSync } from "child_process";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { Backend } from "../../config/schema";
import { chooseTerraformCli, isOnPath } from "../../stacks/terraform-cli";

export type Outputs = Record<string, unknown>;

export class StatusError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export interface StateLocation {
  readonly name: string;
  readonly stack: string;
  readonly backend: Backend;
  /** Where the project lives (the default local state sits there) and where synth wrote the stacks. */
  readonly projectRoot: string;
  readonly outdir: string;
}

/** The outputs of a deployed stack; a StatusError names the stack, what is missing and the fix. */
export function readOutputs(loc: StateLocation, env: NodeJS.ProcessEnv = process.env): Outputs {
  const stackDir = path.join(loc.outdir, "stacks", loc.stack);
  if (loc.backend.type === "local") {
    // The same place backend.ts points Terraform at: a configured path is relative to the stack
    // directory; the default is terraform.<name>.<stack>.tfstate in the project root.
    const file = loc.backend.path ? path.resolve(stackDir, loc.backend.path) : path.join(loc.projectRoot, `terraform.${loc.name}.${loc.stack}.tfstate`);
    if (!existsSync(file)) {
      throw new StatusError(`no state at ${path.relative(process.cwd(), file) || file}`, `deploy it first (npx cdktf deploy ${loc.stack}), or run status from the directory you deployed from`);
    }
    const state = JSON.parse(readFileSync(file, "utf8"));
    const outputs = Object.fromEntries(Object.entries(state.outputs ?? {}).map(([k, v]) => [k, (v as { value: unknown }).value]));
    if (Object.keys(outputs).length === 0) throw new StatusError("its state has no outputs", `deploy it (npx cdktf deploy ${loc.stack})`);
    return outputs;
  }
  const cli = chooseTerraformCli(env, (b) => isOnPath(b, env));
  if (!cli.found) throw new StatusError(`its ${loc.backend.type} state is read with terraform or tofu, and neither is on the PATH`, "install one, or set TERRAFORM_BINARY_NAME");
  if (!existsSync(path.join(stackDir, ".terraform"))) {
    throw new StatusError(`${path.relative(process.cwd(), stackDir)} is not initialized`, `run npx cdktf synth, then: cd ${path.relative(process.cwd(), stackDir)} && ${cli.binary} init (or give --output where synth wrote)`);
  }
  const r = spawnSync(cli.binary, ["output", "-json", "-no-color"], { cwd: stackDir, encoding: "utf8", env: { ...env, CHECKPOINT_DISABLE: "1" } });
  if (r.status !== 0) throw new StatusError(`${cli.binary} output failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`, "check the backend's credentials and that the stack is deployed");
  const parsed = JSON.parse(r.stdout || "{}");
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, (v as { value: unknown }).value]));
}
