// The failover function's code: the esbuild bundle as a cdktf asset, zipped at apply time.
import { File as ArchiveFile } from "@cdktf/provider-archive/lib/file";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { bundleFailoverFunction } from "../../bundle";

/** Where the function's zip is and the hash that tells Lambda (and the first run) the code changed. */
export interface FunctionPackage {
  readonly filename: string;
  readonly sourceCodeHash: string;
}

/** Adds the archive provider, the bundle asset and its archive to `scope`, under the ids they have always had. */
export function functionPackage(scope: Construct): FunctionPackage {
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
