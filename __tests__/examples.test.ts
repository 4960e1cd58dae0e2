// examples/: one runnable config per scenario. Each loads, synthesizes the stacks its README
// promises, and has that README. The Terraform tiers validate and scan the same configs.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { loadConfigFile } from "../config/load";
import { dataSources, resources, synthesize, synthesizeConsumerOnly } from "./helpers";
import { CONSUMER_ONLY_EXAMPLES, EXAMPLES, EXAMPLES_DIR } from "./terraform/matrix";

const scenario = (name: string) => name.replace(/^example /, "");

describe("examples", () => {
  it("cover the scenarios users start from", () => {
    expect(CONSUMER_ONLY_EXAMPLES.map((e) => scenario(e.name))).toEqual(["consumer-self-service"]);
    expect(EXAMPLES.map((e) => scenario(e.name))).toEqual([
      "aurora-postgresql-existing-vpc",
      "cross-region-consumers",
      "minimal",
      "multi-az-mysql-instance",
      "platform-catalogue",
      "proxy",
      "resource-share-organization",
      "s3-backend",
      "terraform-cloud",
      "two-consumers-two-accounts",
    ]);
  });

  it.each(EXAMPLES)("$name loads, synthesizes, and its README shows how to run it", ({ name, mutate }) => {
    const dir = path.join(EXAMPLES_DIR, scenario(name));
    const config = loadConfigFile(path.join(dir, "config.json"));
    const readme = readFileSync(path.join(dir, "README.md"), "utf8");
    expect(readme).toContain(`npm run synth -- examples/${scenario(name)}/config.json`);
    const { json } = synthesize(mutate);
    expect(Object.keys(json).sort()).toEqual(["provider", ...config.consumers.map((c) => `consumer-${c.name}`)].sort());
    // Per share: an endpoint service over an NLB; or, with the resource transport, one
    // configuration of the database (arn) or two (dns: writer, reader). Each consumer has one
    // interface endpoint (its private DNS off: private zones answer the RDS names) per
    // endpoint-service share it reaches, and one resource endpoint with
    // private DNS (arn) or two without (dns) per resource share.
    const endpointService = config.shares.filter((s) => s.config.provider.transport === "endpoint-service");
    const byArn = (s: (typeof config.shares)[number]) => s.config.provider.resourceDefinition === "arn";
    const resource = config.shares.filter((s) => s.config.provider.transport === "resource");
    expect(resources(json.provider, "aws_vpc_endpoint_service")).toHaveLength(endpointService.length);
    expect(resources(json.provider, "aws_lb")).toHaveLength(endpointService.length);
    expect(resources(json.provider, "aws_vpclattice_resource_configuration")).toHaveLength(
      resource.reduce((n, s) => n + (byArn(s) ? 1 : 2), 0),
    );
    for (const c of config.consumers) {
      const expected = config.shares
        .filter((s) => c.shares.includes(s.name))
        .flatMap((s) =>
          s.config.provider.transport === "endpoint-service"
            ? [["Interface", false]]
            : byArn(s)
              ? [["Resource", true]]
              : [
                  ["Resource", false],
                  ["Resource", false],
                ],
        );
      const got = resources(json[`consumer-${c.name}`], "aws_vpc_endpoint").map((e) => [
        e.vpc_endpoint_type,
        e.private_dns_enabled ?? true,
      ]);
      expect(got.sort()).toEqual(expected.sort());
    }
    // Editors find the project's JSON Schema from each example, where npm ci writes it.
    expect(path.resolve(dir, JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8")).$schema)).toBe(
      path.join(EXAMPLES_DIR, "..", "config", "schema.json"),
    );
  });

  it.each(CONSUMER_ONLY_EXAMPLES)(
    "$name (a consumer-only config) synthesizes its one consumer stack, reading each descriptor by ARN",
    ({ name, file }) => {
      const readme = readFileSync(path.join(path.dirname(file), "README.md"), "utf8");
      expect(readme).toContain(`npm run synth -- examples/${scenario(name)}/config.json`);
      const config = JSON.parse(readFileSync(file, "utf8"));
      const { id, json } = synthesizeConsumerOnly(file);
      expect(id).toBe(`consumer-${config.consumer.name}`);
      const arns = config.consumer.shares.map(
        (s: { descriptor: string }) =>
          JSON.parse(readFileSync(path.resolve(path.dirname(file), s.descriptor), "utf8")).Parameter.ARN,
      );
      expect(dataSources(json, "aws_ssm_parameter").map((p) => p.name)).toEqual(arns);
      expect(JSON.stringify(json)).not.toContain("terraform_remote_state");
      expect(path.resolve(path.dirname(file), config.$schema)).toBe(
        path.join(EXAMPLES_DIR, "..", "config", "consumer-schema.json"),
      );
    },
  );
});
