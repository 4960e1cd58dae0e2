// npm run validate: every stack of the config matrix through a real Terraform CLI with real
// provider binaries (scripts/toolchain.sh): init -backend=false, then validate.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Json, synthesize } from "../helpers";
import { EXAMPLES, MATRIX, RESOURCE_MATRIX } from "./matrix";
import { copyStack, Diagnostic, toolchain, validate, withoutArchive } from "./toolchain";

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

describe(`validate with ${toolchain().cliName}`, () => {
  const tc = toolchain();
  const archiveMissing = tc.missing.includes("archive");

  it.each(MATRIX)("consumer stack is valid: $name", ({ mutate }) => {
    const { stacks } = synthesize(mutate);
    const dir = copyStack(path.join(stacks.app.outdir, "stacks", "consumer-app"));
    expect(unexpected(validate(dir))).toEqual([]);
  });

  const providerTitle = archiveMissing
    ? "provider stack's AWS resources are valid, archive_file left out (hashicorp/archive 2.7.1 cannot be installed here): $name"
    : "provider stack is valid: $name";
  it.each(MATRIX)(providerTitle, ({ mutate }) => {
    const { stacks } = synthesize(mutate);
    const dir = copyStack(path.join(stacks.app.outdir, "stacks", "provider"));
    if (archiveMissing) withoutArchive(dir);
    expect(unexpected(validate(dir))).toEqual([]);
  });

  // No function, so no archive_file: every resource of the provider stack is validated.
  it.each(RESOURCE_MATRIX)("provider and consumer stacks are valid: $name", ({ mutate }) => {
    const { stacks } = synthesize(mutate);
    for (const stack of [stacks.provider, ...stacks.consumers]) {
      const dir = copyStack(path.join(stacks.app.outdir, "stacks", stack.node.id));
      expect(JSON.parse(readFileSync(path.join(dir, "cdk.tf.json"), "utf8")).resource.archive_file).toBeUndefined();
      expect({ stack: stack.node.id, diagnostics: unexpected(validate(dir)) }).toEqual({ stack: stack.node.id, diagnostics: [] });
    }
  });

  // Each example's title says what was left out: the resource transport has no archive_file at all.
  const examples = EXAMPLES.map((e) => ({
    ...e,
    note: exampleTransport(e) === "resource" ? "(no function, so no archive_file)" : archiveMissing ? "(provider without archive_file: hashicorp/archive 2.7.1 cannot be installed here)" : "",
  }));
  it.each(examples)("every stack of the $name is valid $note", ({ mutate }) => {
    const { stacks } = synthesize(mutate);
    for (const stack of [stacks.provider, ...stacks.consumers]) {
      const dir = copyStack(path.join(stacks.app.outdir, "stacks", stack.node.id));
      if (archiveMissing && stack === stacks.provider) withoutArchive(dir);
      expect({ stack: stack.node.id, diagnostics: unexpected(validate(dir)) }).toEqual({ stack: stack.node.id, diagnostics: [] });
    }
  });

  it("passes the cdktf matcher toBeValidTerraform on the demo's consumer stack", () => {
    const { stacks } = synthesize((c) => {
      c.consumers[0].serviceName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
    });
    // A copy of the synth output whose manifest lists only what this machine can initialize.
    const out = mkdtempSync(path.join(tmpdir(), "rds-privatelink-matcher-"));
    cpSync(stacks.app.outdir, out, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    if (archiveMissing) {
      withoutArchive(path.join(out, manifest.stacks.provider.workingDirectory));
    }
    writeFileSync(path.join(out, "manifest.json"), JSON.stringify(manifest));
    expect(out).toBeValidTerraform();
  });

  it.each([
    ["an argument that does not exist", (stack: Json) => (stack.resource.aws_lb.LoadBalancer_10456B95.no_such_argument = true), /No argument or block type is named "no_such_argument"/],
    ["a health check interval out of range", (stack: Json) => (Object.values<Json>(stack.resource.aws_lb_target_group)[0].health_check.interval = 1), /interval/],
  ])("fails on %s, so a pass means something", (_what, breakIt, message) => {
    const { stacks } = synthesize();
    const dir = copyStack(path.join(stacks.app.outdir, "stacks", "provider"));
    if (archiveMissing) withoutArchive(dir);
    const file = path.join(dir, "cdk.tf.json");
    const stack = JSON.parse(readFileSync(file, "utf8"));
    breakIt(stack);
    writeFileSync(file, JSON.stringify(stack));
    const errors = validate(dir).filter((d) => d.severity === "error");
    expect(errors.map((e) => `${e.summary}: ${e.detail}`).join("\n")).toMatch(message);
  });
});
