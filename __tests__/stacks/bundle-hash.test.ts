import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { sourceHash } from "../../stacks/bundle";

describe("the bundle's source hash", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "bundle-hash-"));
    mkdirSync(path.join(dir, "plan"));
    writeFileSync(path.join(dir, "index.ts"), "export {};\n");
    writeFileSync(path.join(dir, "plan", "group.ts"), "export const a = 1;\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("changes when a source in a subfolder changes, so an edit to the planner rebuilds the bundle", () => {
    const before = sourceHash(dir);
    writeFileSync(path.join(dir, "plan", "group.ts"), "export const a = 2;\n");
    expect(sourceHash(dir)).not.toBe(before);
  });

  it("stays the same when nothing but a non-TypeScript file changes", () => {
    const before = sourceHash(dir);
    writeFileSync(path.join(dir, "plan", "notes.md"), "not a source\n");
    expect(sourceHash(dir)).toBe(before);
  });
});
