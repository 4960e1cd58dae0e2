// checkov over every synthesized stack of the config matrix (its terraform_json framework
// reads cdk.tf.json). Zero failed checks; the only skips are security/checkov-skips.json,
// each with its reason, and security/checkov-resource-skips.json, one check on named resources. The e2e tier scans the plans of the emulated deploy the same way.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { synthesize, synthesizeConsumerOnly } from "../helpers";
import { checkov, RESOURCE_SKIPS, SKIPS } from "./checkov";
import { CONSUMER_ONLY_EXAMPLES, EXAMPLES, MATRIX, RESOURCE_MATRIX } from "./matrix";

jest.setTimeout(600_000);

describe("checkov", () => {
  it("passes every stack of the config matrix and of every example (the consumer-only ones too) with no failed check", () => {
    const root = mkdtempSync(path.join(tmpdir(), "rds-privatelink-checkov-"));
    let stacks = 0;
    [...MATRIX, ...RESOURCE_MATRIX, ...EXAMPLES].forEach(({ mutate }, i) => {
      const { stacks: app } = synthesize(mutate);
      for (const stack of [app.provider, ...app.consumers]) {
        // checkov 3.2's terraform_json parser expects every top-level block to be an object and
        // crashes on the list of `moved` blocks; they carry no setting to check, so the scanned
        // copy leaves them out (the plan scans of the e2e tier see the moves applied).
        const stackJson = JSON.parse(
          readFileSync(path.join(app.app.outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"),
        );
        delete stackJson.moved;
        mkdirSync(path.join(root, `${i}-${stack.node.id}`), { recursive: true });
        writeFileSync(path.join(root, `${i}-${stack.node.id}`, "cdk.tf.json"), JSON.stringify(stackJson));
        stacks++;
      }
    });
    CONSUMER_ONLY_EXAMPLES.forEach(({ file }, i) => {
      const { id, json } = synthesizeConsumerOnly(file);
      delete json.moved;
      mkdirSync(path.join(root, `own-${i}-${id}`), { recursive: true });
      writeFileSync(path.join(root, `own-${i}-${id}`, "cdk.tf.json"), JSON.stringify(json));
      stacks++;
    });
    const result = checkov(root, "terraform_json");
    writeFileSync(path.join(root, "summary.json"), JSON.stringify(result, null, 2));
    process.stdout.write(
      `checkov: ${stacks} stacks, ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped (${SKIPS.length} check ids skipped)\n`,
    );
    expect(result.failures).toEqual([]);
    expect(result.passed).toBeGreaterThan(stacks * 20);
    // Each resource skip still takes a failure: one that takes none is stale and goes.
    expect(Object.keys(result.resourceSkipped).sort()).toEqual(RESOURCE_SKIPS.map((s) => s.id).sort());
  });

  it("gives every skip a reason of its own, and every resource skip a pattern of whole resource addresses", () => {
    expect(new Set(SKIPS.map((s) => s.id)).size).toBe(SKIPS.length);
    for (const s of [...SKIPS, ...RESOURCE_SKIPS]) expect(s.reason.length).toBeGreaterThan(40);
    for (const s of RESOURCE_SKIPS) {
      expect(s.resource).toMatch(/^\^aws_\w+\\\..*\$$/);
      expect(SKIPS.map((k) => k.id)).not.toContain(s.id);
    }
  });
});
