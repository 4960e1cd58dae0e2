// A consumer stack's read of one share's descriptor (config/descriptor.ts): the SSM parameter the
// provider stack publishes, read by its ARN with the consumer account's own credentials, in the
// consumer's plan. It replaces the cross-stack reference to the provider's state: the consumer's
// pipeline needs no access to the provider's backend (consumers[].shareFacts "descriptor").
//
// - By ARN: "You must specify the full parameter ARN as the `--name` in order to retrieve the
//   parameter from another account" (AWS Systems Manager User Guide, "Working with shared
//   parameters in Parameter Store"), in the provider's region, so a consumer in another region
//   reads it through a provider block of its own for that region.
// - The plan stops on a descriptor this release cannot read: an unknown major schema version, a
//   field missing, or a share whose shape (transport, engine, kind, ports, region) differs from the
//   config this stack was synthesized from. Each check is a postcondition of the data source, with
//   an error that names the field and the fix; both CLIs stop the plan on it.
// - The parameter is a SecureString under the provider's key, so the data source marks its value
//   sensitive. Nothing in it is secret (the provider stack publishes nothing else), and outputs
//   built from it (connection strings) must stay readable: nonsensitive() says so once, here.
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformLocal, Token } from "cdktf";
import { Construct } from "constructs";
import { DESCRIPTOR_SCHEMA_VERSION, DESCRIPTOR_SHAPE, descriptorParameterName } from "../../config/descriptor";
import type { Config, SharedView } from "../../config/resolve";
import type { DatabaseNames } from "./consumer-rds-names";

/** What a consumer stack takes from the descriptor instead of the provider's state: tokens of the decoded parameter. */
export interface DescriptorFacts {
  readonly azIds: string[];
  /** endpoint-service: the service the interface endpoint connects to. */
  readonly serviceName: string;
  readonly databaseNames: DatabaseNames;
  /** resource: the shared configurations and their RAM share. */
  readonly resource: {
    readonly databaseConfigurationArn: string;
    readonly writerConfigurationArn: string;
    readonly readerConfigurationArn: string;
    readonly resourceShareArn: string;
  };
}

/** The ARN of a share's descriptor in the provider's account: consumers in other accounts must read it by ARN. */
export function descriptorArn(config: Config): string {
  const account = config.provider.account;
  if (!account.accountId)
    throw new Error(
      `${config.name}: a consumer reads the share's descriptor by ARN, which needs provider.account.accountId`,
    );
  return `arn:${partitionOf(account.region)}:ssm:${account.region}:${account.accountId}:parameter${descriptorParameterName(config.nameScope)}`;
}

/** The partition a region belongs to, as ARNs name it. */
function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export interface ConsumerDescriptorProps {
  /** The share as this stack was synthesized for it: the descriptor must describe the same share. */
  readonly view: SharedView;
  /** The parameter's ARN: descriptorArn() of the provider's config, or the one a consumer-only config names. */
  readonly arn: string;
  /** A provider block for the provider's region, when the consumer's own region differs. */
  readonly regionProvider?: AwsProvider;
}

interface Check {
  readonly field: string;
  /** An HCL expression over `local.d`, the decoded descriptor, true when the field is right. */
  readonly condition: string;
  readonly message: string;
}

export class ConsumerDescriptor extends Construct {
  readonly parameter: DataAwsSsmParameter;
  readonly facts: DescriptorFacts;

  constructor(scope: Construct, id: string, props: ConsumerDescriptorProps) {
    super(scope, id);
    const { view, arn } = props;
    const major = DESCRIPTOR_SCHEMA_VERSION.split(".")[0];
    const fix = `The share's provider stack writes the descriptor (${arn}): deploy it from the same config as this stack, or synthesize this stack from the config the provider deployed (a consumer-only config: save the parameter again with aws ssm get-parameter, as docs/self-service.md shows, and synthesize).`;
    const checks = shapeChecks(view);
    // Each postcondition reads the parameter's value itself (self.value): a postcondition may
    // name only its own block's attributes and what the block already depends on.
    const decoded = "nonsensitive(jsondecode(self.value))";
    this.parameter = new DataAwsSsmParameter(this, "Parameter", {
      name: arn,
      withDecryption: true,
      provider: props.regionProvider,
      lifecycle: {
        postcondition: [
          {
            condition: `\${can(${decoded}.schemaVersion) && try(split(".", ${decoded}.schemaVersion)[0] == "${major}", false)}`,
            errorMessage: `The share descriptor ${arn} is not of schema version ${major}.x, which this release of rds-privatelink reads (or its value is not JSON). Upgrade rds-privatelink to the provider's release, or deploy the provider stack from this release.`,
          },
          ...checks.map((c) => ({
            condition: `\${try(${c.condition.replaceAll("local.d", decoded)}, false)}`,
            errorMessage: `The share descriptor ${arn}: ${c.field} ${c.message}. ${fix}`,
          })),
        ],
      },
    });
    const local = new TerraformLocal(this, "descriptor", Fn.nonsensitive(Fn.jsondecode(this.parameter.value)));
    const at = (...path: string[]): string => Token.asString(Fn.lookupNested(local.expression, path));
    const list = (...path: string[]): string[] => Token.asList(Fn.lookupNested(local.expression, path));
    const cluster = view.provider.database.kind === "cluster";
    const proxy = view.provider.database.proxy;
    this.facts = {
      azIds: list("azIds"),
      serviceName: at("endpointService", "serviceName"),
      databaseNames: {
        writer: at("database", "names", "writer"),
        reader: hasReaderName(view) ? at("database", "names", "reader") : undefined,
        // Behind a proxy clients reach the proxy's names only.
        instances: cluster && !proxy ? list("database", "names", "instances") : undefined,
      },
      resource: {
        databaseConfigurationArn: at("resource", "databaseConfigurationArn"),
        writerConfigurationArn: at("resource", "writerConfigurationArn"),
        readerConfigurationArn: at("resource", "readerConfigurationArn"),
        resourceShareArn: at("resource", "resourceShareArn"),
      },
    };
  }
}

/**
 * What the consumer stack was synthesized for, field by field: the descriptor must say the same,
 * and hold every value the stack takes from it.
 */
function shapeChecks(view: SharedView): Check[] {
  const p = view.provider;
  const hcl = (v: unknown) => JSON.stringify(v);
  const present = (path: string) => ({
    field: path,
    condition: `length(local.d.${path}) > 0`,
    message: "is missing or empty",
  });
  // A list is compared as its JSON: the decoded tuple and a list literal need not be of one type.
  // An object or null is compared as its JSON too; a field a descriptor of an earlier minor
  // version lacks reads as what its absence means.
  const equal = (path: string, value: unknown, absent?: unknown) => {
    // lookup, not try: a value that is not JSON must still fail every check.
    const parent = path.slice(0, path.lastIndexOf("."));
    const key = path.slice(path.lastIndexOf(".") + 1);
    const at = absent === undefined ? `local.d.${path}` : `lookup(local.d.${parent}, ${hcl(key)}, ${hcl(absent)})`;
    return {
      field: path,
      condition:
        Array.isArray(value) || value === null || typeof value === "object"
          ? `jsonencode(${at}) == ${hcl(hcl(value))}`
          : `${at} == ${hcl(value)}`,
      message: `differs from ${hcl(value)}, the value this stack was synthesized for`,
    };
  };
  const checks: Check[] = [
    // The share's shape, as the status of a consumer-only config compares it too; a field of
    // another transport is not there to compare.
    ...DESCRIPTOR_SHAPE.flatMap(({ field, ofView, absent }) => {
      const value = ofView(view);
      return value === undefined ? [] : [equal(field, value, absent)];
    }),
    present("azIds"),
    present("database.names.writer"),
  ];
  if (hasReaderName(view)) checks.push(present("database.names.reader"));
  if (p.transport === "endpoint-service") checks.push(present("endpointService.serviceName"));
  else {
    checks.push(present("resource.resourceShareArn"));
    if (p.resourceDefinition === "arn") checks.push(present("resource.databaseConfigurationArn"));
    else checks.push(present("resource.writerConfigurationArn"));
  }
  return checks;
}

/** A cluster's reader endpoint has a name of its own; behind a proxy, only a read-only endpoint does. */
function hasReaderName(view: SharedView): boolean {
  const { kind, proxy } = view.provider.database;
  return kind === "cluster" && (proxy === undefined || proxy.readOnlyEndpoint);
}
