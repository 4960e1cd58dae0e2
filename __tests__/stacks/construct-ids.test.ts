// Construct IDs are part of the state: renaming one makes Terraform destroy and recreate the
// resource, which for the database or the load balancer is an outage. The addresses of the
// default config are pinned here; change the fixture only for a deliberate, documented move
// (with a `moved` block or `terraform state mv` in the release notes).
import { readFileSync } from "fs";
import * as path from "path";
import { Json, synthesize } from "../helpers";

const pinned: Record<string, string[]> = JSON.parse(readFileSync(path.join(__dirname, "..", "fixtures", "default-addresses.json"), "utf8"));

function addresses(stack: Json): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {})) for (const name of Object.keys(byName as object)) out.push(`${type}.${name}`);
  for (const [type, byName] of Object.entries(stack.data ?? {})) for (const name of Object.keys(byName as object)) out.push(`data.${type}.${name}`);
  return out.sort();
}

describe("resource addresses of the default config", () => {
  const { json } = synthesize();

  it.each(Object.keys(pinned))("stay stable in the %s stack", (stackName) => {
    expect(addresses(json[stackName])).toEqual(pinned[stackName]);
  });

  it("cover every stack the app synthesizes", () => {
    expect(Object.keys(json).sort()).toEqual(Object.keys(pinned).sort());
  });
});
