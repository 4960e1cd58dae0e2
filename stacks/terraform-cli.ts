// Which Terraform-compatible CLI cdktf's synth-time checks may call. cdktf reads
// TERRAFORM_BINARY_NAME once, when it is first loaded, and some constructs (the cloud backend)
// run `<binary> version` during synth, so this module must be imported before cdktf.
//   - TERRAFORM_BINARY_NAME set: the user chose; nothing changes.
//   - terraform on the PATH: cdktf's default.
//   - only tofu on the PATH: cdktf is pointed at tofu, so an OpenTofu-only machine synthesizes.
//   - no CLI at all (a pipeline that only synthesizes and lets Terraform Cloud plan): synth
//     skips cdktf's CLI version checks and says so in one line.
import { accessSync, constants, statSync } from "node:fs";
import * as path from "node:path";

export type CliChoice = { readonly binary: string; readonly found: boolean; readonly note?: string };

export function chooseTerraformCli(env: NodeJS.ProcessEnv, onPath: (binary: string) => boolean): CliChoice {
  const skipped = "synth skips cdktf's CLI version checks (deploy needs Terraform 1.10+ or OpenTofu 1.10+";
  const chosen = env.TERRAFORM_BINARY_NAME?.trim();
  if (chosen) {
    return onPath(chosen)
      ? { binary: chosen, found: true }
      : {
          binary: chosen,
          found: false,
          note: `rds-privatelink: TERRAFORM_BINARY_NAME=${chosen} is not on the PATH; ${skipped}; fix the name or unset it)`,
        };
  }
  if (onPath("terraform")) return { binary: "terraform", found: true };
  if (onPath("tofu")) return { binary: "tofu", found: true };
  return {
    binary: "terraform",
    found: false,
    note: `rds-privatelink: no terraform or tofu on the PATH; ${skipped}; set TERRAFORM_BINARY_NAME to name another binary)`,
  };
}

/** An executable of that name in a PATH directory (or the path itself), without running it. */
export function isOnPath(binary: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const candidates = binary.includes(path.sep)
    ? [binary]
    : (env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, binary));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** Applies the choice to this process before cdktf is loaded; returns it for main.ts. */
export function selectTerraformCli(env: NodeJS.ProcessEnv = process.env): CliChoice {
  const choice = chooseTerraformCli(env, (b) => isOnPath(b, env));
  if (choice.found) env.TERRAFORM_BINARY_NAME = choice.binary;
  return choice;
}

/** Chosen once, when main.ts imports this module first, before anything loads cdktf. */
export const cliChoice: CliChoice = selectTerraformCli();
