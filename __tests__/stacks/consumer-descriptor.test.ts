// A consumer stack that takes each share's facts from the share's descriptor (consumers[].shareFacts
// "descriptor"): the SSM parameter read by its ARN in the provider's region, postconditions that
// stop the plan on a descriptor this stack cannot use, and no reference to the provider's state.
// The postconditions' own logic is proven by both CLIs in the validate tier
// (__tests__/terraform/validate-descriptor-checks.test.ts).
import { descriptorParameterName } from "../../config/descriptor";
import { validateConfig } from "../../config/load";
import { descriptorArn } from "../../stacks/constructs/consumer-descriptor";
import { type Json, dataSources, demoInput, problems, resources, synthesize } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";

const ARN = `arn:aws:ssm:us-east-1:111111111111:parameter${descriptorParameterName({ share: "orders" })}`;

const fromDescriptor = (c: Json) => {
  c.consumers[0].shareFacts = "descriptor";
};

/** Every `${...}` reference to another stack's state in a stack: cdktf's cross-stack references. */
const remoteStates = (stack: Json) => Object.keys(stack.data?.terraform_remote_state ?? {});

describe("a consumer stack that reads the share's descriptor", () => {
  describe("the demo, endpoint-service transport", () => {
    const { json } = synthesize(fromDescriptor);
    const consumer = json["consumer-app"];
    const [parameter] = dataSources(consumer, "aws_ssm_parameter");
    const local = Object.keys(consumer.locals).find((k) => k.startsWith("Descriptor_descriptor"))!;

    it("reads the parameter by its ARN in the provider's account, decrypted, and nothing of the provider's state", () => {
      expect(dataSources(consumer, "aws_ssm_parameter")).toHaveLength(1);
      expect(parameter.name).toBe(ARN);
      expect(parameter.with_decryption).toBe(true);
      expect(remoteStates(consumer)).toEqual([]);
      expect(JSON.stringify(consumer)).not.toMatch(/terraform_remote_state/);
    });

    it("decodes it once, as a non-sensitive local, and connects with its service name, RDS names and AZ IDs", () => {
      expect(consumer.locals[local]).toMatch(
        /^\$\{nonsensitive\(jsondecode\(data\.aws_ssm_parameter\.Descriptor_Parameter_[0-9A-F]+\.value\)\)\}$/,
      );
      const [endpoint] = resources(consumer, "aws_vpc_endpoint");
      expect(endpoint.service_name).toBe(`\${local.${local}.endpointService.serviceName}`);
      const zoneNames = resources(consumer, "aws_route53_zone").map((z: Json) => z.name);
      expect(zoneNames).toContain(`\${local.${local}.database.names.writer}`);
      expect(zoneNames).toContain(`\${local.${local}.database.names.reader}`);
      expect(JSON.stringify(consumer.locals)).toContain(`local.${local}.azIds`);
    });

    it("stops the plan on a major version it does not read, and on each field it needs or was synthesized for", () => {
      const checks = parameter.lifecycle.postcondition as Array<{ condition: string; error_message: string }>;
      expect(checks[0].condition).toContain(`split(".", nonsensitive(jsondecode(self.value)).schemaVersion)[0] == "1"`);
      expect(checks[0].error_message).toMatch(
        /is not of schema version 1\.x, which this release of rds-privatelink reads/,
      );
      const fields = checks.slice(1).map((c) => /descriptor arn:[^:]+:ssm:[^ ]+: ([\w.]+) /.exec(c.error_message)?.[1]);
      expect(fields).toEqual([
        "transport",
        "region",
        "database.engine",
        "database.kind",
        "database.proxy",
        "ports.writer",
        "ports.reader",
        "ports.members",
        "azIds",
        "database.names.writer",
        "database.names.reader",
        "endpointService.serviceName",
      ]);
      // A field of a later minor version (1.1): a 1.0 descriptor without it means no proxy.
      const proxy = checks.find((c) => c.error_message.includes(": database.proxy "))!;
      expect(proxy.condition).toBe(
        '${try(jsonencode(lookup(nonsensitive(jsondecode(self.value)).database, "proxy", null)) == "null", false)}',
      );
      const writer = checks.find((c) => c.error_message.includes(": ports.writer "))!;
      expect(writer.condition).toBe("${try(nonsensitive(jsondecode(self.value)).ports.writer == 3306, false)}");
      expect(writer.error_message).toContain("differs from 3306, the value this stack was synthesized for");
      for (const c of checks) expect(c.error_message).toContain(ARN);
    });

    it("leaves the provider stack as the state path has it, but for the outputs cdktf adds for cross-stack references", () => {
      const state = synthesize().json.provider;
      const crossStack = (name: string) => name.startsWith("cross-stack-output-");
      expect(Object.keys(state.output).filter(crossStack)).not.toEqual([]);
      expect(Object.keys(json.provider.output).filter(crossStack)).toEqual([]);
      // The outputs, and cdktf's own list of them in the stack's metadata.
      const without = (stack: Json) =>
        JSON.parse(JSON.stringify(stack), (key, value) => (crossStack(key) ? undefined : value));
      expect(without(json.provider)).toEqual(without(state));
    });
  });

  it("keeps the state path by default: a cross-stack reference, and no parameter read", () => {
    const consumer = synthesize().json["consumer-app"];
    expect(remoteStates(consumer)).toHaveLength(1);
    expect(dataSources(consumer, "aws_ssm_parameter")).toEqual([]);
  });

  it("reads through a provider block of the provider's region when the consumer is in another region", () => {
    const { json } = synthesize((c) => {
      fromDescriptor(c);
      c.provider.sharing.supportedRegions = ["eu-west-1"];
      c.consumers[0].account.region = "eu-west-1";
      c.consumers[0].network.create.azIds = ["euw1-az1", "euw1-az2"];
    });
    const consumer = json["consumer-app"];
    const blocks = consumer.provider.aws as Json[];
    expect(blocks.map((b) => [b.alias, b.region])).toEqual([
      [undefined, "eu-west-1"],
      ["provider-region", "us-east-1"],
    ]);
    const [parameter] = dataSources(consumer, "aws_ssm_parameter");
    expect(parameter.provider).toBe("aws.provider-region");
    expect(parameter.name).toBe(ARN);
  });

  it("reads the configurations and the RAM share of the resource transport from it", () => {
    const { json } = synthesize((c) => {
      toResourceTransport(c);
      fromDescriptor(c);
    });
    const consumer = json["consumer-app"];
    expect(remoteStates(consumer)).toEqual([]);
    const [parameter] = dataSources(consumer, "aws_ssm_parameter");
    const fields = (parameter.lifecycle.postcondition as Json[]).map(
      (c) => /: ([\w.]+) /.exec(c.error_message.split(ARN)[1])?.[1],
    );
    expect(fields).toContain("resource.resourceShareArn");
    expect(JSON.stringify(resources(consumer, "aws_vpc_endpoint"))).toMatch(
      /local\.Descriptor_descriptor_[0-9A-F]+\.resource\./,
    );
  });

  it("reads one descriptor per share, each by its own ARN, with several shares", () => {
    const { json } = synthesize((c) => {
      const share = { ...c.provider };
      delete share.account;
      delete share.backend;
      delete share.network;
      delete c.consumers[0].privateZone;
      c.provider = {
        account: c.provider.account,
        backend: c.provider.backend,
        network: c.provider.network,
        shares: [
          { name: "orders", ...share },
          { name: "billing", ...share, ports: { writer: 3310, reader: 3311 } },
        ],
      };
      fromDescriptor(c);
    });
    const consumer = json["consumer-app"];
    expect(
      dataSources(consumer, "aws_ssm_parameter")
        .map((p: Json) => p.name)
        .sort(),
    ).toEqual([
      `arn:aws:ssm:us-east-1:111111111111:parameter${descriptorParameterName({ share: "orders", part: "billing" })}`,
      `arn:aws:ssm:us-east-1:111111111111:parameter${descriptorParameterName({ share: "orders", part: "orders" })}`,
    ]);
    expect(remoteStates(consumer)).toEqual([]);
  });
});

it("names the partition of the provider's region in the ARN (China and GovCloud have their own)", () => {
  const config = validateConfig(demoInput()).shares[0].config;
  const inRegion = (region: string) =>
    descriptorArn({ ...config, provider: { ...config.provider, account: { ...config.provider.account, region } } });
  expect(inRegion("eu-west-1")).toBe("arn:aws:ssm:eu-west-1:111111111111:parameter/rds-privatelink/orders/descriptor");
  expect(inRegion("cn-north-1")).toMatch(/^arn:aws-cn:ssm:cn-north-1:111111111111:parameter\//);
  expect(inRegion("us-gov-west-1")).toMatch(/^arn:aws-us-gov:ssm:us-gov-west-1:111111111111:parameter\//);
});

describe("consumers[].shareFacts refusals", () => {
  it("refuses a value other than state or descriptor", () => {
    const input = demoInput();
    input.consumers[0].shareFacts = "parameter";
    expect(problems(input)).toEqual([
      'consumers[0].shareFacts: must be "state" (a cross-stack reference to the provider\'s state) or "descriptor" (the share\'s SSM parameter, read by ARN): "parameter" is not one',
    ]);
  });

  it("refuses descriptor without the provider's account id, which its ARN names", () => {
    const input = demoInput();
    fromDescriptor(input);
    delete input.provider.account.accountId;
    expect(problems(input)).toEqual([
      'consumers[0].shareFacts: is "descriptor", which reads the share\'s descriptor by its ARN (arn:aws:ssm:<region>:<account>:parameter/...): set provider.account.accountId, or use "state"',
    ]);
  });

  it("refuses the consumer's own copies of the facts the descriptor holds", () => {
    const input = demoInput();
    fromDescriptor(input);
    input.consumers[0].serviceName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
    input.consumers[0].providerAzIds = ["use1-az1"];
    expect(problems(input)).toEqual([
      'consumers[0].providerAzIds: comes from the share\'s descriptor under shareFacts "descriptor"; remove it, or use shareFacts "state"',
      'consumers[0].serviceName: comes from the share\'s descriptor under shareFacts "descriptor"; remove it, or use shareFacts "state"',
    ]);
  });

  it('refuses a consumer account that the descriptor\'s RAM share does not reach (admitted through "*" alone)', () => {
    const input = demoInput();
    fromDescriptor(input);
    input.provider.sharing.allowedPrincipals = ["*"];
    input.provider.sharing.allowAnyPrincipal = true;
    expect(problems(input)).toEqual([
      'consumers[0].shareFacts: is "descriptor", but the descriptor\'s RAM share reaches only the accounts of provider.sharing.allowedPrincipals\' IAM ARNs and provider.sharing.descriptorReaders, and none is 222222222222; add "arn:aws:iam::222222222222:root" to allowedPrincipals, or use shareFacts "state"',
    ]);
  });

  it('accepts a consumer admitted through "*" whose account, OU or organization reads the descriptor (sharing.descriptorReaders)', () => {
    for (const reader of [
      "222222222222",
      "arn:aws:organizations::111111111111:ou/o-abc123defg/ou-ab12-cd34ef56",
      "arn:aws:organizations::111111111111:organization/o-abc123defg",
    ]) {
      const input = demoInput();
      fromDescriptor(input);
      input.provider.sharing.allowedPrincipals = ["*"];
      input.provider.sharing.allowAnyPrincipal = true;
      input.provider.sharing.descriptorReaders = [reader];
      expect({ reader, problems: problems(input) }).toEqual({ reader, problems: [] });
    }
  });

  it("refuses a descriptor reader that RAM cannot share with, and descriptorReaders under the resource transport", () => {
    const input = demoInput();
    input.provider.sharing.descriptorReaders = ["arn:aws:iam::222222222222:root"];
    expect(problems(input)).toEqual([
      expect.stringMatching(
        /^provider\.sharing\.descriptorReaders\[0\]: must be a 12-digit account id, an OU ARN .* or the organization's ARN/,
      ),
    ]);
    const resource = demoInput();
    toResourceTransport(resource);
    resource.provider.sharing.descriptorReaders = ["222222222222"];
    expect(problems(resource)).toEqual([
      expect.stringMatching(
        /^provider\.sharing\.descriptorReaders: does not apply with "transport": "resource" \(the resource transport's RAM share of the configurations \(allowedPrincipals\) carries the descriptor\); remove it$/,
      ),
    ]);
  });

  it("accepts a consumer in the provider's own account, which reads the parameter without RAM", () => {
    const input = demoInput();
    fromDescriptor(input);
    input.consumers[0].account.accountId = "111111111111";
    input.provider.sharing.allowedPrincipals = ["arn:aws:iam::111111111111:root"];
    expect(problems(input)).toEqual([]);
  });
});
