// `npm run synth`: the app run by node itself, as cdktf.json's "app" is, without cdktf-cli.
// cdktf-cli 0.21 cannot start on Node 24 (its terminal module has no build past Node 22),
// while the app synthesizes on every Node the project supports. The two flags of
// `cdktf synth` that matter here are passed the way cdktf-cli passes them: as environment.
//   npm run synth                           cdktf.out/stacks/<stack>/cdk.tf.json
//   npm run synth -- --output cdktf.out/x   another output directory
//   npm run synth -- --hcl                  cdk.tf (HCL) instead of JSON
export function synthEnvironment(args: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--hcl") env.SYNTH_HCL_OUTPUT = "true";
    else if (arg === "--output" || arg === "-o") {
      const dir = args[++i];
      if (!dir) throw new Error(`${arg} needs a directory, such as --output cdktf.out/orders`);
      env.CDKTF_OUTDIR = dir;
    } else if (arg.startsWith("--output=")) env.CDKTF_OUTDIR = arg.slice("--output=".length);
    else throw new Error(`unknown option ${arg}: npm run synth takes --output DIR and --hcl; the config comes from RDS_PRIVATELINK_CONFIG`);
  }
  return env;
}

if (require.main === module) {
  try {
    Object.assign(process.env, synthEnvironment(process.argv.slice(2)));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  require("../main");
}
