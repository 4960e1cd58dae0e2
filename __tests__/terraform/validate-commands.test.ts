// Every cdktf command the README and `help` give, run as written in a copy of the project, up
// to the point where it needs AWS: it must fail there (no profile, no credentials) and never
// earlier (a usage error, a missing flag, a bad config, an init that cannot work). Part of the
// validate tier, so it runs under Terraform and under OpenTofu (scripts/terraform-tier.sh).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { toolchain } from "./toolchain";

const ROOT = path.join(__dirname, "..", "..");
const STACKS = ["provider", "consumer-app"]; // the demo's, which config/orders.json copies

/** How the docs run cdktf-cli: through npm run deploy and npm run cdktf, or npx cdktf as such. */
const CDKTF =
  /(?:npx cdktf (?:deploy|destroy|diff|output)|npm run cdktf -- (?:deploy|destroy|diff|output)|npm run deploy --)(?= )/;
const CDKTF_WITH_COMMAND = new RegExp(`^.*?${CDKTF.source}`);

/** The cdktf commands of a document: code lines and `help` lines that start with one. */
function documentedCommands(text: string): string[] {
  const found = new Set<string>();
  for (const line of text.split("\n")) {
    const m = new RegExp(`((?:RDS_PRIVATELINK_CONFIG=\\S+ )?${CDKTF.source}[^\`#\\n]*)`).exec(line.trim());
    if (!m || !/^(?:RDS_|npx |npm run )/.test(line.trim())) continue;
    // help's usage lines name placeholders (STACK..., COMMAND), not commands to run.
    if (/\bSTACK\b|\.\.\./.test(m[1])) continue;
    // help pads a command and its description with two spaces or more.
    const command = m[1].split(/ {2,}/)[0].trim();
    for (const stack of STACKS) found.add(command.replace(/\[stack\]|<stack>/g, stack));
  }
  return [...found];
}

// The README and the docs/ pages it links, where the deploy steps live.
const README = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
]
  .map((f) => readFileSync(path.join(ROOT, f), "utf8"))
  .join("\n");
const HELP = readFileSync(path.join(ROOT, "help"), "utf8");
const COMMANDS = [...new Set([...documentedCommands(README), ...documentedCommands(HELP)])];
const ARCHIVE_MISSING = toolchain().missing.includes("archive");
const stacksOf = (command: string) =>
  command
    .replace(CDKTF_WITH_COMMAND, "")
    .split(" ")
    .filter((w) => !w.startsWith("-") && !w.includes("/"));
const CASES = COMMANDS.map((c) => [
  ARCHIVE_MISSING && stacksOf(c).includes("provider")
    ? `${c} (to init: hashicorp/archive cannot be installed here)`
    : c,
  c,
]);

/** Terminal colour codes: ESC, then [, parameters and a letter. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");
const strip = (s: string) => s.replace(ANSI, "");
/** Terraform's error summaries ("Error: ...") and cdktf's usage errors, without the box drawing. */
const errorsOf = (out: string) => [...new Set([...strip(out).matchAll(/Error: ([^\n│]+)/g)].map((m) => m[1].trim()))];

// Where a command without AWS access must stop: reading the account's named profile, or finding
// no credentials at all.
const CREDENTIALS = [/failed to get shared config profile, \S+/, /No valid credential sources found/];

let project: string;
let home: string;

beforeAll(() => {
  toolchain();
  const work = mkdtempSync(path.join(tmpdir(), "rds-privatelink-commands-"));
  project = path.join(work, "project");
  home = path.join(work, "home"); // no ~/.aws: no profile of the demo exists
  mkdirSync(home);
  cpSync(ROOT, project, {
    recursive: true,
    filter: (src) =>
      !/(^|\/)(node_modules|cdktf\.out|\.git|terraform\.[^/]*\.tfstate[^/]*)$/.test(path.relative(ROOT, src)),
  });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
  // The README's own config path, as a user would have it: a copy of the demo.
  cpSync(path.join(ROOT, "config", "default.json"), path.join(project, "config", "orders.json"));
  // A deployed provider, as far as the consumer can tell: its state holds the outputs the
  // consumer reads, so the consumer's commands get past the remote-state read to the provider.
  const synth = spawnSync("node", ["--require", "tsx/cjs", "main.ts"], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: path.join(work, "probe") },
  });
  expect(synth.status).toBe(0);
  const provider = JSON.parse(readFileSync(path.join(work, "probe", "stacks", "provider", "cdk.tf.json"), "utf8"));
  const outputs = Object.fromEntries(
    Object.keys(provider.output)
      .filter((k) => k.startsWith("cross-stack-output-"))
      .map((k) => [
        k,
        { value: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", type: "string", sensitive: true },
      ]),
  );
  expect(Object.keys(outputs).length).toBeGreaterThan(0);
  writeFileSync(
    path.join(project, "terraform.orders.provider.tfstate"),
    JSON.stringify({
      version: 4,
      terraform_version: "1.10.0",
      serial: 1,
      lineage: "00000000-0000-0000-0000-000000000000",
      outputs,
      resources: [],
      check_results: null,
    }),
  );
}, 120_000);

afterAll(() => {
  if (project) rmSync(path.dirname(project), { recursive: true, force: true });
});

describe("the documented cdktf commands", () => {
  it("finds the deploy, diff, destroy and output commands of the README and help, for the provider, a consumer and both", () => {
    expect(COMMANDS).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/deploy (?:-- )?provider$/),
        expect.stringMatching(/deploy (?:-- )?consumer-app --ignore-missing-stack-dependencies/),
        expect.stringMatching(/deploy (?:-- )?provider consumer-app/),
      ]),
    );
    expect(
      COMMANDS.some((c) => /destroy/.test(c)) &&
        COMMANDS.some((c) => /diff/.test(c)) &&
        COMMANDS.some((c) => /output/.test(c)),
    ).toBe(true);
  });

  it.each(CASES)("%s gets as far as the AWS credentials", (_name, command) => {
    const tc = toolchain();
    // The machine takes providers from a mirror: the docs say to add --skip-provider-lock there.
    // `output` needs it too: under OpenTofu, without it cdktf runs `providers lock` on the provider
    // stack, which asks the registry ("Could not retrieve providers for locking").
    const mirrored =
      CDKTF.test(command) && !command.includes("--skip-provider-lock") ? `${command} --skip-provider-lock` : command;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      TF_CLI_CONFIG_FILE: tc.configFile,
      TERRAFORM_BINARY_NAME: tc.cli,
      CI: "1",
    };
    // npm run deploy and npm run cdktf turn HashiCorp's checkpoint call off themselves: the
    // test leaves it to them, and an offline machine must not see the call fail.
    if (command.includes("npx cdktf")) env.CHECKPOINT_DISABLE = "1";
    const r = spawnSync("bash", ["-c", mirrored], { cwd: project, encoding: "utf8", env, timeout: 480_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    const errors = errorsOf(out);
    expect(strip(out)).not.toMatch(/checkpoint-api/);
    expect(strip(out)).not.toMatch(
      /are not included in the stacks to run|Unknown argument|problems? in the config|Unable to find remote state/,
    );
    const stacks = stacksOf(command);
    // hashicorp/archive cannot be installed where the toolchain reports it missing: there the
    // provider stack stops at init, which says so, and the consumer's commands still run.
    const archiveMissing = tc.missing.includes("archive") && stacks.includes("provider");
    // cdktf's own wrappers around the error that stopped it.
    const wrapper = /Invoking Terraform CLI failed|non-zero exit code|Stack failed to (plan|deploy|destroy)/;
    // Terraform and OpenTofu word the missing provider differently.
    const archiveStop = (e: string) =>
      archiveMissing &&
      /Failed to install provider|Failed to query available provider packages|(terraform|tofu) init failed|init failed with exit code/.test(
        e,
      );
    if (archiveMissing) {
      expect(r.status).not.toBe(0);
      expect(strip(out)).toMatch(/hashicorp\/archive/);
      expect(
        errors.filter((e) => !wrapper.test(e) && !archiveStop(e) && !CREDENTIALS.some((re) => re.test(e))),
      ).toEqual([]);
      return;
    }
    // Outputs come from the state alone, and a destroy of a stack with an empty state has nothing
    // to ask AWS: both succeed. Every other command stops at the credentials.
    if (/(?:npx cdktf|npm run cdktf --) (output|destroy)/.test(command) && r.status === 0) {
      expect(errors).toEqual([]);
      return;
    }
    expect(r.status).not.toBe(0);
    expect(errors.filter((e) => !wrapper.test(e) && !CREDENTIALS.some((re) => re.test(e)))).toEqual([]);
    expect(errors.some((e) => CREDENTIALS.some((re) => re.test(e)))).toBe(true);
  });
});
