// status and cost take the config as synth does: an argument, else RDS_PRIVATELINK_CONFIG, else the
// embedded demo; a directory that holds config.json stands for it. A path that cannot be read is
// named with the place it came from, so the fix is where the user wrote it.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { parseCostArgs } from "../../scripts/cost";
import { parseStatusArgs } from "../../scripts/status";
import { HANG_GUARD_MS } from "../support/limits";

const ROOT = path.join(__dirname, "..", "..");

function run(script: "status" | "cost", args: string[], config?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.RDS_PRIVATELINK_CONFIG;
  if (config !== undefined) env.RDS_PRIVATELINK_CONFIG = config;
  const r = spawnSync(
    process.execPath,
    ["--require", require.resolve("tsx/cjs"), path.join(ROOT, "scripts", `${script}.ts`), ...args],
    { cwd: ROOT, env, encoding: "utf8", timeout: HANG_GUARD_MS },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.each([
  ["status", parseStatusArgs],
  ["cost", parseCostArgs],
] as const)("npm run %s: the config path", (name, parse) => {
  it("records whether the path came as an argument or from RDS_PRIVATELINK_CONFIG", () => {
    const env = { RDS_PRIVATELINK_CONFIG: "from-env.json" };
    expect(parse(["given.json"], env)).toMatchObject({
      configFile: path.resolve("given.json"),
      configOrigin: "argument",
    });
    expect(parse([], env)).toMatchObject({ configFile: path.resolve("from-env.json"), configOrigin: "env" });
    expect(parse([], {})).toMatchObject({ configOrigin: "default" });
  });

  it("takes an example's directory as its config.json, and has a note that says so", () => {
    expect(parse(["examples/minimal"], {})).toMatchObject({
      configFile: path.join(ROOT, "examples", "minimal", "config.json"),
      configNote: "examples/minimal is a directory: reading examples/minimal/config.json",
    });
  });

  it("names a missing path given as an argument as the command line's, not the variable's, in one line with exit 2", () => {
    const r = run(name, ["examples/minimal/confg.json"], "config/default.json");
    expect({ status: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({
      status: 2,
      stderr:
        "examples/minimal/confg.json: cannot read the file (ENOENT: no such file or directory); check the path given on the command line\n",
      stdout: "",
    });
  });
});

describe("a config path that cannot be read", () => {
  it("names RDS_PRIVATELINK_CONFIG when the path came from it", () => {
    const r = run("cost", [], "examples/minimal/confg.json");
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 2,
      stderr:
        "examples/minimal/confg.json: cannot read the file (ENOENT: no such file or directory); check RDS_PRIVATELINK_CONFIG\n",
    });
  });

  it("refuses a directory without config.json in one line with exit 2", () => {
    const r = run("status", ["examples"]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 2,
      stderr:
        "examples: is a directory with no config.json; name a config file, such as examples/minimal/config.json (check the path given on the command line)\n",
    });
  });

  it("estimates an example named by its directory, saying which file it read", () => {
    const r = run("cost", ["examples/minimal"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("note: examples/minimal is a directory: reading examples/minimal/config.json\n");
    expect(r.stdout).toMatch(/^Total: \$\d+\.\d\d a month/m);
  });
});
