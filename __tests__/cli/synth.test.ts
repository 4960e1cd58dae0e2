// The app as users run it: a child process, the config from RDS_PRIVATELINK_CONFIG.
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "__tests__", "fixtures", "bad-configs");

function runApp(config: string | undefined, extraEnv: Record<string, string> = {}) {
  const cwd = mkdtempSync(path.join(tmpdir(), "rds-privatelink-synth-"));
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", ...extraEnv };
  delete env.RDS_PRIVATELINK_CONFIG;
  if (config) env.RDS_PRIVATELINK_CONFIG = config;
  const result = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), path.join(ROOT, "main.ts")], { cwd, env, encoding: "utf8" });
  return { ...result, cwd };
}

describe("synth from the command line", () => {
  it("writes both stacks of the embedded demo with no config named", () => {
    const { status, cwd, stderr } = runApp(undefined);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(readdirSync(path.join(cwd, "cdktf.out", "stacks")).sort()).toEqual(["consumer-app", "provider"]);
    expect(existsSync(path.join(cwd, "cdktf.out", "stacks", "provider", "cdk.tf.json"))).toBe(true);
  });

  it.each(["unparseable-json", "many-problems", "star-principal", "network-both"])(
    "exits non-zero on %s, lists the problems and writes nothing",
    (name) => {
      const { status, cwd, stderr } = runApp(path.join(FIXTURES, `${name}.json`));
      expect(status).toBe(1);
      expect(stderr).toMatch(/problems? in the config\n {2}- /);
      expect(existsSync(path.join(cwd, "cdktf.out"))).toBe(false);
    },
  );

  it("writes HCL when cdktf asks for it, and no stale JSON beside it", () => {
    const { status, cwd } = runApp(undefined, { SYNTH_HCL_OUTPUT: "true" });
    expect(status).toBe(0);
    expect(readdirSync(path.join(cwd, "cdktf.out", "stacks", "provider")).filter((f) => f.startsWith("cdk.tf"))).toEqual(["cdk.tf"]);
  });
});
