// npm run validate: every stack of the config matrix through a real Terraform CLI with real
// provider binaries (scripts/toolchain.sh). The stacks are validated together, each as a module
// of one root (validateTogether): one init and one load of the AWS provider's schema for the
// whole matrix. Two deliberately broken stacks ride along, so a pass means something.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type Json, synthesize, synthesizeConsumerOnly } from "../helpers";
import { CONSUMER_ONLY_EXAMPLES, EXAMPLES, MATRIX, RESOURCE_MATRIX } from "./matrix";
import { copyStack, type Diagnostic, toolchain, validateTogether, withoutArchive } from "./toolchain";

jest.setTimeout(600_000);

// Warnings that are understood and accepted, each with its reason. Anything else fails.
const ALLOWED_WARNINGS: Array<{ summary: string; reason: string }> = [];

/** The transport an example's config names (the default when it names none). */
function exampleTransport(example: { mutate: (c: Json) => void }): string {
  const c: Json = {};
  example.mutate(c);
  return c.provider?.transport ?? "endpoint-service";
}

const unexpected = (diagnostics: Diagnostic[]) =>
  diagnostics.filter((d) => d.severity === "error" || !ALLOWED_WARNINGS.some((w) => d.summary === w.summary));

/** Stacks that must fail, each with the error it must get. */
const BROKEN: Array<[string, (stack: Json) => void, RegExp]> = [
  [
    "an argument that does not exist",
    (stack) => (stack.resource.aws_lb.LoadBalancer_10456B95.no_such_argument = true),
    /No argument or block type is named "no_such_argument"/,
  ],
  [
    "a health check interval out of range",
    (stack) => (Object.values<Json>(stack.resource.aws_lb_target_group)[0].health_check.interval = 1),
    /interval/,
  ],
];

describe(`validate with ${toolchain().cliName}`, () => {
  const tc = toolchain();
  const archiveMissing = tc.missing.includes("archive");
  const stacks: Array<{ key: string; dir: string }> = [];
  let results: Map<string, Diagnostic[]>;
  const diagnostics = (key: string) => {
    const found = results.get(key);
    if (!found) throw new Error(`no stack ${key} was validated`);
    return unexpected(found);
  };
  /** A private copy of one synthesized stack, queued for the validation of them all. */
  const queue = (key: string, synthesized: ReturnType<typeof synthesize>, id: string) => {
    const dir = copyStack(path.join(synthesized.stacks.app.outdir, "stacks", id));
    if (archiveMissing && id === "provider") withoutArchive(dir);
    stacks.push({ key, dir });
    return dir;
  };
  const archiveFiles: Record<string, unknown> = {};

  beforeAll(() => {
    for (const { name, mutate } of MATRIX) {
      const s = synthesize(mutate);
      queue(`consumer ${name}`, s, "consumer-app");
      queue(`provider ${name}`, s, "provider");
    }
    for (const { name, mutate } of [...RESOURCE_MATRIX, ...EXAMPLES]) {
      const s = synthesize(mutate);
      for (const stack of [s.stacks.provider, ...s.stacks.consumers]) {
        const dir = queue(`${stack.node.id} ${name}`, s, stack.node.id);
        archiveFiles[`${stack.node.id} ${name}`] = JSON.parse(
          readFileSync(path.join(dir, "cdk.tf.json"), "utf8"),
        ).resource.archive_file;
      }
    }
    for (const { name, file } of CONSUMER_ONLY_EXAMPLES) {
      const { id, dir } = synthesizeConsumerOnly(file);
      stacks.push({ key: `${id} ${name}`, dir: copyStack(dir) });
    }
    const demo = synthesize();
    for (const [what, breakIt] of BROKEN) {
      const dir = queue(`broken: ${what}`, demo, "provider");
      const file = path.join(dir, "cdk.tf.json");
      const stack = JSON.parse(readFileSync(file, "utf8"));
      breakIt(stack);
      writeFileSync(file, JSON.stringify(stack));
    }
    results = validateTogether(stacks);
  });

  it.each(MATRIX)("consumer stack is valid: $name", ({ name }) => {
    expect(diagnostics(`consumer ${name}`)).toEqual([]);
  });

  const providerTitle = archiveMissing
    ? "provider stack's AWS resources are valid, archive_file left out (hashicorp/archive 2.7.1 cannot be installed here): $name"
    : "provider stack is valid, its archive_file with it: $name";
  it.each(MATRIX)(providerTitle, ({ name }) => {
    expect(diagnostics(`provider ${name}`)).toEqual([]);
  });

  // No function, so no archive_file: every resource of the provider stack is validated.
  it.each(RESOURCE_MATRIX)("provider and consumer stacks are valid: $name", ({ name }) => {
    for (const id of ["provider", "consumer-app"]) {
      expect({
        stack: id,
        archiveFile: archiveFiles[`${id} ${name}`],
        diagnostics: diagnostics(`${id} ${name}`),
      }).toEqual({ stack: id, archiveFile: undefined, diagnostics: [] });
    }
  });

  // Each example's title says what was left out: the resource transport has no archive_file at all.
  const examples = EXAMPLES.map((e) => ({
    ...e,
    note:
      exampleTransport(e) === "resource"
        ? "(no function, so no archive_file)"
        : archiveMissing
          ? "(provider without archive_file: hashicorp/archive 2.7.1 cannot be installed here)"
          : "",
  }));
  it.each(examples)("every stack of the $name is valid $note", ({ name }) => {
    const keys = stacks.map((s) => s.key).filter((k) => k.endsWith(` ${name}`));
    expect(keys).toContain(`provider ${name}`);
    for (const key of keys)
      expect({ stack: key, diagnostics: diagnostics(key) }).toEqual({ stack: key, diagnostics: [] });
  });

  it.each(CONSUMER_ONLY_EXAMPLES)("the one stack of the $name (a consumer-only config) is valid", ({ name }) => {
    const keys = stacks.map((s) => s.key).filter((k) => k.endsWith(` ${name}`));
    expect(keys).toEqual([expect.stringMatching(/^consumer-/)]);
    expect(diagnostics(keys[0])).toEqual([]);
  });

  it.each(BROKEN)("fails on %s, in that stack alone, so a pass means something", (what, _breakIt, message) => {
    const errors = (results.get(`broken: ${what}`) ?? []).filter((d) => d.severity === "error");
    expect(errors.map((e) => `${e.summary}: ${e.detail}`).join("\n")).toMatch(message);
    // The other broken stack's error is not attributed here.
    const other = BROKEN.find(([w]) => w !== what)![2];
    expect(errors.map((e) => `${e.summary}: ${e.detail}`).join("\n")).not.toMatch(other);
  });

  it("passes the cdktf matcher toBeValidTerraform on the demo's consumer stack", () => {
    const { stacks: app } = synthesize((c) => {
      c.consumers[0].serviceName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
    });
    // A copy of the synth output whose manifest lists only what this machine can initialize.
    const out = mkdtempSync(path.join(tmpdir(), "rds-privatelink-matcher-"));
    cpSync(app.app.outdir, out, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    if (archiveMissing) {
      withoutArchive(path.join(out, manifest.stacks.provider.workingDirectory));
    }
    writeFileSync(path.join(out, "manifest.json"), JSON.stringify(manifest));
    expect(out).toBeValidTerraform();
  });
});
