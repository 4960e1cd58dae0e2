// The reviewer's offline path (docs/offline-review.md) against what the toolchain really writes:
// `npm run toolchain -- --mirror-only` fills the provider mirror without building OpenTofu, the
// documented `provider_installation` block finds both providers there under this tier's CLI,
// and a vendored archive source whose checksum differs is refused before anything is built.
// Part of the validate tier, so it runs under Terraform and under OpenTofu.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { synthesize } from "../helpers";
import { copyStack, run, toolchain } from "./toolchain";
import { HANG_GUARD_MS } from "../support/limits";

jest.setTimeout(300_000);

const ROOT = path.join(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "toolchain.sh");
const DOC = readFileSync(path.join(ROOT, "docs", "offline-review.md"), "utf8");
const VERSIONS: Record<string, string> = { aws: "5.100.0", archive: "2.7.1" };
const PLATFORM = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;

/** The doc's first hcl block, and the mirror path and include list it gives. */
function documentedBlock(): { text: string; mirror: string; include: string[] } {
  const text = /```hcl\n([\s\S]*?)```/.exec(DOC)?.[1];
  if (!text) throw new Error("docs/offline-review.md has no ```hcl block");
  const mirror = /path\s*=\s*"([^"]+)"/.exec(text)?.[1] ?? "";
  const include = [...(/include\s*=\s*\[([\s\S]*?)\]/.exec(text)?.[1].matchAll(/"([^"]+)"/g) ?? [])].map((m) => m[1]);
  return { text, mirror, include };
}

/** toolchain.sh with its own cache root: what it prints, and that root. */
function toolchainIn(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cache = mkdtempSync(path.join(tmpdir(), "rds-privatelink-toolchain-"));
  const r = spawnSync("bash", [SCRIPT, ...args], {
    encoding: "utf8",
    env: { ...process.env, RDS_PRIVATELINK_CACHE: cache, ...env },
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, cache };
}

describe(`the offline review path with ${toolchain().cliName}`, () => {
  const tc = toolchain();
  // The real toolchain's mirror lends its binaries (by link), so nothing is built here.
  const lent = { RDS_PRIVATELINK_TF_PLUGINS: path.join(path.dirname(tc.configFile), "mirror") };
  let mirrorOnly: ReturnType<typeof toolchainIn>;
  let mirror: string;

  beforeAll(() => {
    mirrorOnly = toolchainIn(["--mirror-only"], lent);
    const configFile = mirrorOnly.stdout.trim().split("\n").pop()!;
    mirror = /path\s*=\s*"([^"]+)"/.exec(readFileSync(configFile, "utf8"))?.[1] ?? "";
  });

  it("fills the mirror and writes a CLI config file for it, without building OpenTofu", () => {
    expect({ status: mirrorOnly.status, stderr: mirrorOnly.stderr }).toEqual({ status: 0, stderr: "" });
    expect(mirrorOnly.stdout).not.toMatch(/^\s+tofu\s/m);
    const [root] = readdirSync(mirrorOnly.cache).filter((d) => d.startsWith("toolchain-"));
    expect(existsSync(path.join(mirrorOnly.cache, root, "bin", "tofu"))).toBe(false);
    expect(mirror).toBe(path.join(mirrorOnly.cache, root, "mirror"));
  });

  it("documents an include list for both providers under both registry hosts, each where the toolchain put it", () => {
    const { include } = documentedBlock();
    expect([...include].sort()).toEqual([
      "registry.opentofu.org/hashicorp/archive",
      "registry.opentofu.org/hashicorp/aws",
      "registry.terraform.io/hashicorp/archive",
      "registry.terraform.io/hashicorp/aws",
    ]);
    for (const source of include) {
      const type = source.split("/")[2];
      const binary = path.join(
        mirror,
        source,
        VERSIONS[type],
        PLATFORM,
        `terraform-provider-${type}_v${VERSIONS[type]}_x5`,
      );
      expect({ source, exists: existsSync(binary) }).toEqual({ source, exists: true });
    }
  });

  it("initializes the demo's provider stack, aws and archive both, with the documented block pointed at that mirror", () => {
    const { text, mirror: documented } = documentedBlock();
    const rc = path.join(mkdtempSync(path.join(tmpdir(), "rds-privatelink-offline-")), "offline.tfrc");
    writeFileSync(rc, text.replace(documented, mirror));
    const dir = copyStack(path.join(synthesize().stacks.app.outdir, "stacks", "provider"));
    // The documented file alone: no plugin cache, nothing from the network.
    const r = run(dir, ["init", "-backend=false", "-input=false", "-no-color"], {
      TF_CLI_CONFIG_FILE: rc,
      TF_PLUGIN_CACHE_DIR: "",
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const lock = readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8");
    for (const type of Object.keys(VERSIONS))
      expect(lock).toMatch(
        new RegExp(
          `provider "registry\\.(terraform|opentofu)\\.(io|org)/hashicorp/${type}" \\{\\s*version\\s*=\\s*"${VERSIONS[type]}"`,
        ),
      );
  });

  it("refuses a vendored archive source whose sha256 differs, in one line, before building anything", () => {
    const vendor = mkdtempSync(path.join(tmpdir(), "rds-privatelink-vendor-"));
    writeFileSync(path.join(vendor, "terraform-provider-archive-v2.7.1.tar.gz"), "not the tagged source");
    const r = toolchainIn(["--mirror-only"], {
      RDS_PRIVATELINK_VENDOR: vendor,
      RDS_PRIVATELINK_TF_PLUGINS: "",
      HOME: mkdtempSync(path.join(tmpdir(), "rds-privatelink-home-")),
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^toolchain: refusing .*terraform-provider-archive-v2\.7\.1\.tar\.gz: its sha256 is [0-9a-f]{64}, not 6330530b41dc932037554775638635a23bb574ec5a13e739873fd6b1fcbb97f4 \(the v2\.7\.1 tag's\); replace it with the tagged source$/,
    );
    const [root] = readdirSync(r.cache).filter((d) => d.startsWith("toolchain-"));
    expect(existsSync(path.join(r.cache, root, "archive.build.log"))).toBe(false);
  });
});

// npm test starts the tiers under terraform while OpenTofu still builds: a run without OpenTofu
// takes only the mirror's lock, and a run with it waits on OpenTofu's lock.
describe("the toolchain's two locks", () => {
  const root = path.dirname(toolchain().configFile);
  let holder: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    // Another run building OpenTofu, as far as the locks can tell, in a process group of its own
    // so that killing it ends the sleep that holds the lock too. It is ready once the lock is taken.
    const lock = path.join(root, ".lock-tofu");
    holder = spawn("flock", [lock, "sleep", "900"], { stdio: "ignore", detached: true });
    while (spawnSync("flock", ["-n", lock, "true"]).status === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(() => {
    if (holder?.pid) process.kill(-holder.pid);
  });

  it("lets a --no-tofu run finish while OpenTofu's lock is held, with the same toolchain.env", () => {
    const r = spawnSync("bash", [SCRIPT, "--quiet", "--no-tofu"], { encoding: "utf8", timeout: HANG_GUARD_MS });
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    // The other CLI's run of this tier may hold the mirror's lock for a moment; never OpenTofu's.
    expect(r.stderr).not.toContain(".lock-tofu");
    expect(r.stdout.trim()).toBe(path.join(root, "toolchain.env"));
  });

  it(
    "makes a run that wants OpenTofu wait for that lock, and say so",
    async () => {
      // It says so and waits; the lock is held for 900 s, so a run that ended before the holder let
      // go did not wait. How soon it says so depends on the machine's load, so the test waits for the line.
      const waiting = `toolchain: waiting for another run to finish (${path.join(root, ".lock-tofu")})`;
      const child = spawn("bash", [SCRIPT, "--quiet"], { stdio: ["ignore", "ignore", "pipe"], detached: true });
      let stderr = "";
      const outcome = await new Promise<string>((resolve) => {
        child.stderr?.on("data", (chunk) => {
          stderr += chunk;
          if (stderr.includes(waiting)) resolve("waiting");
        });
        child.on("exit", (code) => resolve(`exited ${code} before the holder let go`));
      });
      if (child.pid) process.kill(-child.pid);
      expect({ outcome, stderr }).toEqual({ outcome: "waiting", stderr: expect.stringContaining(waiting) });
    },
    HANG_GUARD_MS,
  );
});
