// Construct IDs are part of the state: renaming one makes Terraform destroy and recreate the
// resource, which for the database or the load balancer is an outage. The addresses of the
// default config are pinned here, with the moved blocks that carry older addresses over. An
// address may leave the pinned list only with a moved block from it (or, where Terraform cannot
// move a resource, a documented upgrade step in the README).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { type Json, synthesize } from "../helpers";

const fixture: { addresses: Record<string, string[]>; moved: Record<string, Array<{ from: string; to: string }>> } =
  JSON.parse(readFileSync(path.join(__dirname, "..", "fixtures", "default-addresses.json"), "utf8"));
const pinned = fixture.addresses;

function addresses(stack: Json): string[] {
  const out: string[] = [];
  for (const [type, byName] of Object.entries(stack.resource ?? {}))
    for (const name of Object.keys(byName as object)) out.push(`${type}.${name}`);
  for (const [type, byName] of Object.entries(stack.data ?? {}))
    for (const name of Object.keys(byName as object)) out.push(`data.${type}.${name}`);
  return out.sort();
}

describe("resource addresses of the default config", () => {
  const { json } = synthesize();

  it.each(Object.keys(pinned))("stay stable in the %s stack", (stackName) => {
    expect(addresses(json[stackName])).toEqual(pinned[stackName]);
  });

  it.each(Object.keys(pinned))(
    "move older addresses of the %s stack to resources that exist, and only those",
    (stackName) => {
      const moved: Array<{ from: string; to: string }> = json[stackName].moved ?? [];
      expect(moved).toEqual(fixture.moved[stackName] ?? []);
      const current = new Set(addresses(json[stackName]));
      for (const m of moved) {
        expect({ from: m.from, stillDeclared: current.has(m.from) }).toEqual({ from: m.from, stillDeclared: false });
        expect({ to: m.to, declared: current.has(m.to) }).toEqual({ to: m.to, declared: true });
      }
    },
  );

  it("carry the consumer endpoint's older, position-keyed addresses over to the construct", () => {
    const from = (fixture.moved["consumer-app"] ?? []).map((m) => m.from);
    expect(from).toEqual(
      expect.arrayContaining([
        "aws_security_group.EndpointSecurityGroup",
        "aws_vpc_security_group_ingress_rule.Ingress3306Cidr0",
        "aws_vpc_security_group_ingress_rule.Ingress3307Cidr0",
        "aws_vpc_endpoint.Endpoint",
        "aws_route53_zone.PrivateZone",
        "aws_route53_record.WriterRecord",
        "aws_route53_record.ReaderRecord",
      ]),
    );
  });

  it("cover every stack the app synthesizes", () => {
    expect(Object.keys(json).sort()).toEqual(Object.keys(pinned).sort());
  });
});
