// Each share's descriptor: the SSM parameter a consumer reads with its own account's credentials,
// checked field by field against the provider's outputs contract and the config it came from,
// and the AWS RAM share and key policy that let the share's principals, and no one else, read it.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DESCRIPTOR_SCHEMA_VERSION, descriptorParameterName, type ShareDescriptor } from "../../config/descriptor";
import { validateConfig } from "../../config/load";
import { rdsCaBundle } from "../../stacks/connection-strings";
import { PROVIDER_OUTPUTS, type ProviderOutput } from "../../stacks/outputs";
import { type Json, resources, synthesize } from "../helpers";
import { jsonencodeArgument } from "../support/hcl-object";
import { toResourceTransport } from "../terraform/matrix";

const CATALOGUE = path.join(__dirname, "..", "..", "examples", "platform-catalogue", "config.json");

/** The one descriptor parameter of a single-database provider stack, and its parsed value. */
function descriptorOf(provider: Json): { parameter: Json; value: ShareDescriptor } {
  const parameters = resources(provider, "aws_ssm_parameter");
  expect(parameters).toHaveLength(1);
  return { parameter: parameters[0], value: jsonencodeArgument(parameters[0].value) as ShareDescriptor };
}

/** An output's synthesized value (a literal, or the `${...}` of a token). */
const output = (provider: Json, o: ProviderOutput, prefix = ""): unknown =>
  provider.output[`${prefix}${o.name}`]?.value;

/** The key policy's statements that let other accounts read a descriptor. */
function descriptorStatements(provider: Json): Json[] {
  const key = Object.entries(provider.resource.aws_kms_key).find(([name]) =>
    name.startsWith("OperationsKey"),
  )![1] as Json;
  return JSON.parse(key.policy).Statement.filter((s: Json) => /^Read.*Descriptor/.test(s.Sid));
}

/** The ARN the key policy names for a parameter, as the stack builds it from its context. */
const parameterArn = (name: string) =>
  `arn:\${data.aws_partition.Context_Partition_5A933B24.partition}:ssm:\${data.aws_region.Context_Region_59B1B9EA.name}:\${data.aws_caller_identity.Context_Account_CC738EB3.account_id}:parameter${name}`;

/** The fields every transport writes alike, from the config and the outputs. */
function expectCommonFields(value: ShareDescriptor, provider: Json, input: Json): void {
  const config = validateConfig(input).shares[0].config.provider;
  const P = PROVIDER_OUTPUTS;
  expect(value.schemaVersion).toBe(DESCRIPTOR_SCHEMA_VERSION);
  expect(value.transport).toBe(config.transport);
  expect(value.region).toBe(config.account.region);
  expect(value.azIds).toEqual(output(provider, P.azIds));
  expect(value.ports.writer).toBe(output(provider, P.writerPort));
  expect(value.ports.reader).toBe(output(provider, P.readerPort) ?? null);
  expect(value.ports.members).toEqual(output(provider, P.memberPorts) ?? []);
  expect(value.database.engine).toBe(config.database.engine);
  expect(value.database.kind).toBe(config.database.kind);
  // The resource transport's DNS-type configurations have no writer_name output: see that case.
  if (output(provider, P.writerName) !== undefined)
    expect(value.database.names.writer).toBe(output(provider, P.writerName));
  expect(value.database.names.reader).toBe(output(provider, P.readerName) ?? null);
  const bundle = rdsCaBundle(config.account.region);
  expect(value.tls).toEqual({ caBundle: { file: bundle.file, url: bundle.url } });
}

describe("the share descriptor, endpoint-service transport", () => {
  describe("an Aurora cluster with a reader and member ports (the demo config)", () => {
    const input = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "config", "default.json"), "utf8"));
    const { json } = synthesize();
    const provider = json.provider;
    const { parameter, value } = descriptorOf(provider);

    it("holds the outputs' service name, AZ IDs, ports and RDS names, and the config's engine and region", () => {
      expectCommonFields(value, provider, input);
      expect(value.transport === "endpoint-service" && value.endpointService).toEqual({
        serviceName: output(provider, PROVIDER_OUTPUTS.serviceName),
      });
      expect(value.supportedRegions).toEqual(["us-east-1"]);
      expect(value.ports.members).toHaveLength(16);
      expect(value.ports.reader).toBe(3307);
      expect(value.database.names.instances).toBe(output(provider, PROVIDER_OUTPUTS.instanceNames));
      expect(value.tls.caBundle.url).toBe("https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem");
    });

    it("holds nothing but the contract's fields", () => {
      expect(Object.keys(value).sort()).toEqual(
        [
          "schemaVersion",
          "transport",
          "region",
          "supportedRegions",
          "azIds",
          "ports",
          "database",
          "tls",
          "endpointService",
        ].sort(),
      );
    });

    it("is an advanced SecureString under the operations key, named by the config, with its ARN and name as outputs", () => {
      expect(parameter.tier).toBe("Advanced");
      expect(parameter.type).toBe("SecureString");
      expect(parameter.key_id).toBe("${aws_kms_key.OperationsKey_6F06EB7E.arn}");
      expect(parameter.name).toBe("/rds-privatelink/orders/descriptor");
      expect(output(provider, PROVIDER_OUTPUTS.descriptorName)).toBe(parameter.name);
      expect(output(provider, PROVIDER_OUTPUTS.descriptorArn)).toBe(
        "${aws_ssm_parameter.Descriptor_Parameter_1662EA3B.arn}",
      );
    });

    it("is shared through its own RAM share with the principal's account, outside the organization too", () => {
      const [share] = resources(provider, "aws_ram_resource_share");
      expect(resources(provider, "aws_ram_resource_share")).toHaveLength(1);
      expect(share.allow_external_principals).toBe(true);
      expect(resources(provider, "aws_ram_principal_association").map((p) => p.principal)).toEqual(["222222222222"]);
      expect(resources(provider, "aws_ram_resource_association")).toEqual([
        expect.objectContaining({
          resource_share_arn: "${aws_ram_resource_share.Descriptor_Share_5C14E7DA.arn}",
          resource_arn: "${aws_ssm_parameter.Descriptor_Parameter_1662EA3B.arn}",
        }),
      ]);
    });

    it("lets the principal's account decrypt that parameter only, through SSM only", () => {
      expect(descriptorStatements(provider)).toEqual([
        {
          Sid: "ReadOrdersDescriptorAccounts",
          Effect: "Allow",
          Principal: { AWS: ["arn:${data.aws_partition.Context_Partition_5A933B24.partition}:iam::222222222222:root"] },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: {
            StringEquals: {
              "kms:ViaService": "ssm.${data.aws_region.Context_Region_59B1B9EA.name}.amazonaws.com",
              "kms:EncryptionContext:PARAMETER_ARN": parameterArn(parameter.name),
            },
          },
        },
      ]);
    });
  });

  describe("a Multi-AZ instance without a reader port", () => {
    const mutate = (c: Json) => {
      c.provider.database = { engine: "postgres", create: {} };
      c.provider.ports = { writer: 5432, reader: null };
    };
    const input = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "config", "default.json"), "utf8"));
    mutate(input);
    const { json } = synthesize(mutate);
    const { value } = descriptorOf(json.provider);

    it("has no reader port, no reader name, no members and no instance names", () => {
      expectCommonFields(value, json.provider, input);
      expect(value.database.kind).toBe("instance");
      expect(value.ports).toEqual({ writer: 5432, reader: null, members: [] });
      expect(value.database.names).toEqual({
        writer: output(json.provider, PROVIDER_OUTPUTS.writerName),
        reader: null,
        instances: [],
      });
    });
  });

  describe("principals that are roles and users of two accounts, and supported regions", () => {
    const { json } = synthesize((c) => {
      c.provider.sharing.allowedPrincipals = [
        "arn:aws:iam::222222222222:root",
        "arn:aws:iam::222222222222:role/app-deployer",
        "arn:aws:iam::333333333333:user/reporting",
        "arn:aws:iam::333333333333:role/analytics/reader",
      ];
      c.provider.sharing.supportedRegions = ["us-west-2"];
    });
    const provider = json.provider;

    it("shares the descriptor with each account once: RAM shares with accounts, never with a role", () => {
      expect(resources(provider, "aws_ram_principal_association").map((p) => p.principal)).toEqual([
        "222222222222",
        "333333333333",
      ]);
      expect(descriptorStatements(provider).map((s) => s.Principal.AWS)).toEqual([
        [
          "arn:${data.aws_partition.Context_Partition_5A933B24.partition}:iam::222222222222:root",
          "arn:${data.aws_partition.Context_Partition_5A933B24.partition}:iam::333333333333:root",
        ],
      ]);
    });

    it("lists the provider's region first, then the supported ones", () => {
      expect(descriptorOf(provider).value.supportedRegions).toEqual(["us-east-1", "us-west-2"]);
    });
  });

  describe('"*" (allowAnyPrincipal)', () => {
    const withAny = (extra: string[]) =>
      synthesize((c) => {
        c.provider.sharing.allowAnyPrincipal = true;
        c.provider.sharing.allowedPrincipals = ["*", ...extra];
      }).json.provider;

    it("alone: the descriptor is published but shared with no one, and the key grants no one", () => {
      const provider = withAny([]);
      expect(resources(provider, "aws_ssm_parameter")).toHaveLength(1);
      for (const type of ["aws_ram_resource_share", "aws_ram_principal_association", "aws_ram_resource_association"])
        expect({ type, count: resources(provider, type).length }).toEqual({ type, count: 0 });
      expect(descriptorStatements(provider)).toEqual([]);
    });

    it("with descriptorReaders: the organization and an OU read it through its RAM share, and the key lets them decrypt it only through SSM", () => {
      const provider = synthesize((c) => {
        c.provider.sharing.allowAnyPrincipal = true;
        c.provider.sharing.allowedPrincipals = ["*"];
        c.provider.sharing.descriptorReaders = [
          "arn:aws:organizations::111111111111:organization/o-abc123defg",
          "arn:aws:organizations::111111111111:ou/o-abc123defg/ou-ab12-cd34ef56",
        ];
      }).json.provider;
      expect(resources(provider, "aws_ram_resource_share")).toHaveLength(1);
      expect(resources(provider, "aws_ram_principal_association").map((p) => p.principal)).toEqual([
        "arn:aws:organizations::111111111111:organization/o-abc123defg",
        "arn:aws:organizations::111111111111:ou/o-abc123defg/ou-ab12-cd34ef56",
      ]);
      const statements = descriptorStatements(provider);
      expect(statements.map((s: Json) => s.Sid)).toEqual([
        "ReadOrdersDescriptorOrganization",
        "ReadOrdersDescriptorOUs",
      ]);
      expect(statements[0].Condition.StringEquals["aws:PrincipalOrgID"]).toBe("o-abc123defg");
    });

    it("beside named accounts: only those accounts are given the descriptor", () => {
      const provider = withAny(["arn:aws:iam::333333333333:root"]);
      expect(resources(provider, "aws_ram_principal_association").map((p) => p.principal)).toEqual(["333333333333"]);
    });
  });
});

describe("the share descriptor, resource transport", () => {
  describe("an ARN-type configuration of a cluster, shared with an account, an OU and the organization", () => {
    const input = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "config", "default.json"), "utf8"));
    toResourceTransport(input);
    const { json } = synthesize(toResourceTransport);
    const provider = json.provider;
    const { parameter, value } = descriptorOf(provider);

    it("holds the outputs' configuration and RAM share, and the database's ports and names", () => {
      expectCommonFields(value, provider, input);
      expect(value.transport === "resource" && value.resource).toEqual({
        definition: "arn",
        databaseConfigurationArn: output(provider, PROVIDER_OUTPUTS.databaseResourceConfigurationArn),
        writerConfigurationArn: null,
        readerConfigurationArn: null,
        resourceShareArn: output(provider, PROVIDER_OUTPUTS.resourceShareArn),
      });
      expect(value.supportedRegions).toEqual(["us-east-1"]);
      expect(value.ports).toEqual({ writer: 3306, reader: 3306, members: [] });
      expect(typeof value.database.names.instances).toBe("string");
    });

    it("joins the configurations' RAM share instead of making one", () => {
      expect(resources(provider, "aws_ram_resource_share")).toHaveLength(1);
      expect(resources(provider, "aws_ram_principal_association")).toHaveLength(3);
      const joined = resources(provider, "aws_ram_resource_association").filter((a) =>
        a.resource_arn.startsWith("${aws_ssm_parameter."),
      );
      expect(joined).toEqual([
        expect.objectContaining({ resource_share_arn: output(provider, PROVIDER_OUTPUTS.resourceShareArn) }),
      ]);
    });

    it("lets the account, the organization and the OU decrypt it through SSM only", () => {
      const through = {
        "kms:ViaService": "ssm.${data.aws_region.Context_Region_59B1B9EA.name}.amazonaws.com",
        "kms:EncryptionContext:PARAMETER_ARN": parameterArn(parameter.name),
      };
      const grant = { Effect: "Allow", Action: "kms:Decrypt", Resource: "*" };
      expect(descriptorStatements(provider)).toEqual([
        {
          Sid: "ReadOrdersDescriptorAccounts",
          ...grant,
          Principal: { AWS: ["arn:${data.aws_partition.Context_Partition_5A933B24.partition}:iam::222222222222:root"] },
          Condition: { StringEquals: through },
        },
        {
          Sid: "ReadOrdersDescriptorOrganization",
          ...grant,
          Principal: { AWS: "*" },
          Condition: { StringEquals: { ...through, "aws:PrincipalOrgID": "o-abc123defg" } },
        },
        {
          Sid: "ReadOrdersDescriptorOUs",
          ...grant,
          Principal: { AWS: "*" },
          Condition: {
            StringEquals: through,
            "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-abc123defg/*/ou-ab12-cd34ef56/*"] },
          },
        },
      ]);
    });
  });

  describe("DNS-type configurations of a Multi-AZ instance", () => {
    const mutate = (c: Json) => {
      toResourceTransport(c);
      c.provider.resourceDefinition = "dns";
      c.provider.database = { engine: "mysql", create: {} };
    };
    const input = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "config", "default.json"), "utf8"));
    mutate(input);
    const { json } = synthesize(mutate);
    const provider = json.provider;
    const { value } = descriptorOf(provider);

    it("holds the writer's configuration, no reader's, and no reader port or name", () => {
      expectCommonFields(value, provider, input);
      expect(value.transport === "resource" && value.resource).toEqual({
        definition: "dns",
        databaseConfigurationArn: null,
        writerConfigurationArn: output(provider, PROVIDER_OUTPUTS.writerResourceConfigurationArn),
        readerConfigurationArn: null,
        resourceShareArn: output(provider, PROVIDER_OUTPUTS.resourceShareArn),
      });
      expect(value.ports).toEqual({ writer: 3306, reader: null, members: [] });
      expect(value.database.names.reader).toBeNull();
      // The writer's name is the one its configuration reaches.
      const [writer] = resources(provider, "aws_vpclattice_resource_configuration");
      expect(value.database.names.writer).toBe(writer.resource_configuration_definition[0].dns_resource[0].domain_name);
    });
  });
});

describe("the share descriptors of several shares", () => {
  const input = JSON.parse(readFileSync(CATALOGUE, "utf8"));
  const { json } = synthesize((c) => {
    for (const k of Object.keys(c)) delete c[k];
    Object.assign(c, JSON.parse(readFileSync(CATALOGUE, "utf8")));
  });
  const provider = json.provider;
  const app = validateConfig(input);

  it("publishes one per share, named by the config and the share, with <share>_descriptor_arn and _name outputs", () => {
    const names = resources(provider, "aws_ssm_parameter")
      .map((p) => p.name)
      .sort();
    expect(names).toEqual(app.shares.map((s) => descriptorParameterName(s.config.nameScope)).sort());
    expect(names).toEqual(app.shares.map((s) => `/rds-privatelink/${app.name}/${s.name}/descriptor`).sort());
    for (const share of app.shares) {
      const prefix = `${share.name.replace(/-/g, "_")}_`;
      expect(output(provider, PROVIDER_OUTPUTS.descriptorName, prefix)).toBe(
        descriptorParameterName(share.config.nameScope),
      );
      expect(output(provider, PROVIDER_OUTPUTS.descriptorArn, prefix)).toMatch(/^\$\{aws_ssm_parameter\..+\.arn\}$/);
    }
  });

  it("keeps the key policy's statement ids apart for share names that read alike (s-1, s1)", () => {
    const renamed = synthesize((c) => {
      for (const k of Object.keys(c)) delete c[k];
      const input = JSON.parse(readFileSync(CATALOGUE, "utf8"));
      const rename: Record<string, string> = { orders: "s-1", billing: "s1" };
      for (const share of input.provider.shares) share.name = rename[share.name] ?? share.name;
      for (const consumer of input.consumers)
        if (consumer.shares)
          consumer.shares = consumer.shares.map((e: Json) =>
            typeof e === "string" ? (rename[e] ?? e) : { ...e, name: rename[e.name] ?? e.name },
          );
      Object.assign(c, input);
    }).json.provider;
    const sids = descriptorStatements(renamed).map((st) => st.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids.slice(0, 2)).toEqual(["ReadPlatformS1DescriptorAccounts", "ReadPlatformS1Descriptor2Accounts"]);
  });

  it("gives each share's descriptor its share's transport and ports", () => {
    for (const parameter of resources(provider, "aws_ssm_parameter")) {
      const value = jsonencodeArgument(parameter.value) as ShareDescriptor;
      const share = app.shares.find((s) => descriptorParameterName(s.config.nameScope) === parameter.name)!;
      expect({ share: share.name, transport: value.transport, writer: value.ports.writer }).toEqual({
        share: share.name,
        transport: share.config.provider.transport,
        writer: share.config.provider.ports.writer,
      });
    }
  });
});
