// The failover function's code: the esbuild bundle as a cdktf asset, zipped at apply time.
import { File as ArchiveFile } from "@cdktf/provider-archive/lib/file";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AssetType, TerraformAsset, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { bundleFailoverFunction } from "../../bundle";
import { ShareScope } from "../../share-scope";

/** Where the function's zip is and the hash that tells Lambda (and the first run) the code changed. */
export interface FunctionPackage {
  readonly filename: string;
  readonly sourceCodeHash: string;
}

/** One package per stack: several shares' functions run the same code, from one zip. */
const packages = new WeakMap<TerraformStack, FunctionPackage>();

/**
 * The archive provider, the bundle asset and its archive: in the single-database form under
 * `scope`, with the ids they have always had; with several shares once in the stack, which every
 * share's function uses (one archive provider per stack, one zip per output path).
 */
export function functionPackage(scope: Construct): FunctionPackage {
  if (!ShareScope.of(scope)?.share.scoped) return packageIn(scope);
  const stack = TerraformStack.of(scope);
  const known = packages.get(stack);
  if (known) return known;
  const made = packageIn(stack);
  packages.set(stack, made);
  return made;
}

function packageIn(scope: Construct): FunctionPackage {
  new ArchiveProvider(scope, "archive");
  const bundle = new TerraformAsset(scope, "Bundle", { path: bundleFailoverFunction(), type: AssetType.DIRECTORY });
  // The archive *resource*, not the data source. A data source zips at plan time, and a
  // plan applied from a fresh copy of the stack (Terraform Cloud runs plan and apply in
  // separate working copies) no longer has that zip. The resource zips at apply time, in
  // the copy that applies, and on every refresh. Its output path carries the bundle's hash,
  // so new code replaces the archive and the zip exists wherever the function is updated.
  const archive = new ArchiveFile(scope, "Archive", {
    type: "zip",
    sourceDir: `\${path.module}/${bundle.path}`,
    outputPath: `\${path.module}/dist/failover-sync-${bundle.assetHash.slice(0, 16)}.zip`,
    outputFileMode: "0644",
  });
  return { filename: archive.outputPath, sourceCodeHash: archive.outputBase64Sha256 };
}
