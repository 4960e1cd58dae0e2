// The one contract between the stacks that declare their outputs and `npm run status`, which
// reads them back from the deployed state: each output's name, value type and description (per
// transport where they differ). The stacks declare their TerraformOutputs only through
// outputsOf; status reads them only through OutputValues. Nothing else names these outputs.
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { shareOutputName } from "../config/resolve";
import type { TransportName } from "../config/schema";
import { ShareScope } from "./share-scope";

export type StackKind = "provider" | "consumer";

/** What an output's value is, once deployed (at synth time it may be a Terraform token). */
export interface ValueTypes {
  string: string;
  number: number;
  strings: string[];
  numbers: number[];
  object: Record<string, unknown>;
}
export type ValueType = keyof ValueTypes;
/** What a stack may declare for each type: a value, or a Terraform token standing for one. */
interface SynthTypes {
  string: string;
  number: number;
  strings: string[];
  numbers: number[];
  object: object;
}

/** A description, or one built from what only the stack knows (the database's kind, a role). */
type Description = string | ((...args: never[]) => string);
type Descriptions = { readonly [T in TransportName]?: Description };

export interface StackOutput<
  N extends string = string,
  T extends ValueType = ValueType,
  D extends Descriptions = Descriptions,
  S extends StackKind = StackKind,
> {
  readonly stack: S;
  readonly name: N;
  readonly type: T;
  /** Keyed by the transports whose stacks declare it: declaring it for another is a compile error. */
  readonly description: D;
}

const define =
  <S extends StackKind>(stack: S) =>
  <const N extends string, T extends ValueType, const D extends Descriptions>(
    name: N,
    type: T,
    description: D,
  ): StackOutput<N, T, D, S> => ({ stack, name, type, description });
const provider = define("provider");
const consumer = define("consumer");
const both = <const D extends Description>(d: D) => ({ "endpoint-service": d, resource: d }) as const;

export const PROVIDER_OUTPUTS = {
  databaseIdentifier: provider(
    "database_identifier",
    "string",
    both((kind: "cluster" | "instance") => `Identifier of the shared ${kind}; npm run status asks RDS for its writer.`),
  ),
  dashboardName: provider("dashboard_name", "string", both("CloudWatch dashboard of the share.")),
  dashboardUrl: provider("dashboard_url", "string", both("Console address of the dashboard.")),
  descriptorArn: provider(
    "descriptor_arn",
    "string",
    both(
      "ARN of the share's descriptor (an SSM parameter shared through AWS RAM): consumers in other accounts read it by this ARN (aws ssm get-parameter --name <arn>).",
    ),
  ),
  descriptorName: provider(
    "descriptor_name",
    "string",
    both("Name of the share's descriptor parameter in the provider's account and region."),
  ),
  catalogueDashboardName: provider(
    "catalogue_dashboard_name",
    "string",
    both(
      "With provider.shares: the CloudWatch dashboard of every share (links to each share's, and their connections, function errors and alarms side by side).",
    ),
  ),
  catalogueDashboardUrl: provider(
    "catalogue_dashboard_url",
    "string",
    both("With provider.shares: console address of the dashboard of every share."),
  ),
  proxyName: provider("proxy_name", "string", {
    "endpoint-service":
      "The RDS Proxy in front of the database (provider.database.proxy): the load balancer forwards to its endpoints' addresses; npm run status asks it for its targets' health.",
  }),
  writerName: provider("writer_name", "string", {
    "endpoint-service":
      "The writer's RDS name (cluster endpoint or instance address; behind an RDS Proxy, the proxy's endpoint); its certificate carries it, so clients can verify it through PrivateLink.",
    resource:
      "The writer's RDS name, which consumers' resource endpoints answer through private DNS and its certificate carries.",
  }),
  readerName: provider(
    "reader_name",
    "string",
    both("The reader endpoint's RDS name (cluster-ro; behind an RDS Proxy, its read-only endpoint)."),
  ),
  instanceNames: provider("instance_names", "strings", {
    "endpoint-service":
      "Every member's instance endpoint name; each reaches its instance on the member port of the slot that holds it.",
  }),
  azIds: provider("az_ids", "strings", {
    "endpoint-service": "AZ IDs the NLB serves; consumer subnets must be in these.",
    resource: "AZ IDs of the resource gateway; a consumer endpoint needs at least one of them.",
  }),
  writerPort: provider("writer_port", "number", {
    "endpoint-service": "Listener port of the writer.",
    resource: "Port of the writer endpoint (the database's own).",
  }),
  readerPort: provider("reader_port", "number", {
    "endpoint-service": "Listener port of the readers.",
    resource: "Port of the reader endpoint (the database's own).",
  }),
  databasePort: provider("database_port", "number", {
    "endpoint-service": "Port of the database, used by the target groups.",
    resource: "Port of the database.",
  }),

  serviceName: provider("service_name", "string", {
    "endpoint-service": "Endpoint service name; consumers create their interface endpoint with it.",
  }),
  serviceId: provider("service_id", "string", {
    "endpoint-service": "Endpoint service id, for accepting connections.",
  }),
  nlbDnsName: provider("nlb_dns_name", "string", {
    "endpoint-service": "Internal DNS name of the NLB (provider VPC only).",
  }),
  nlbSecurityGroupId: provider("nlb_security_group_id", "string", {
    "endpoint-service": "Security group of the NLB; an existing database must admit its port from it.",
  }),
  writerListenerArn: provider("writer_listener_arn", "string", { "endpoint-service": "Listener of the writer port." }),
  readerListenerArn: provider("reader_listener_arn", "string", { "endpoint-service": "Listener of the reader port." }),
  memberPorts: provider("member_ports", "numbers", {
    "endpoint-service":
      "Cluster: slot i's member listener (instance-pinned endpoint); the function's report names the instance in each slot.",
  }),
  memberTargetGroupArns: provider("member_target_group_arns", "strings", {
    "endpoint-service": "Cluster: slot i's member group; the writer port forwards to the writer's.",
  }),
  fenceTargetGroupArn: provider("fence_target_group_arn", "string", {
    "endpoint-service":
      "Cluster: the group that never holds a target; the writer port forwards there while the cluster fails over.",
  }),
  readerSetTargetGroupArns: provider("reader_set_target_group_arns", "strings", {
    "endpoint-service":
      "Cluster: slot i's reader set (every member but slot i's); the reader port forwards to the writer's slot.",
  }),
  writerTargetGroupArn: provider("writer_target_group_arn", "string", {
    "endpoint-service": "Target group the failover function keeps on the writer.",
  }),
  readerTargetGroupArn: provider("reader_target_group_arn", "string", {
    "endpoint-service": "Target group the failover function keeps on the readers.",
  }),
  failoverFunctionName: provider("failover_function_name", "string", {
    "endpoint-service": "Failover function; invoke it to force a sync.",
  }),
  deadLetterQueueUrl: provider("dead_letter_queue_url", "string", {
    "endpoint-service": "Events that failed every retry land here.",
  }),
  alarmTopicArn: provider("alarm_topic_arn", "string", { "endpoint-service": "SNS topic of the failover alarms." }),
  privateDnsVerificationRecord: provider("private_dns_verification_record", "object", {
    "endpoint-service": "TXT record that proves ownership of the private DNS name.",
  }),

  databaseResourceConfigurationArn: provider("database_resource_configuration_arn", "string", {
    resource:
      "ARN-type resource configuration of the database; consumers create one resource endpoint with it, with private DNS.",
  }),
  writerResourceConfigurationArn: provider("writer_resource_configuration_arn", "string", {
    resource: "Resource configuration of the writer endpoint; consumers create a resource endpoint with it.",
  }),
  readerResourceConfigurationArn: provider("reader_resource_configuration_arn", "string", {
    resource: "Resource configuration of the reader endpoint.",
  }),
  resourceShareArn: provider("resource_share_arn", "string", {
    resource: "AWS RAM share of the resource configurations; accounts outside the organization accept its invitation.",
  }),
  resourceGatewaySecurityGroupId: provider("resource_gateway_security_group_id", "string", {
    resource: "Security group of the resource gateway; an existing database must admit its port from it.",
  }),
} as const;

const SAME_PORT = "The port may differ from the database's own: TLS checks the name, not the port.";
const UNVERIFIED = "Encrypted but unverified, for clients that cannot verify the server.";
/** Resource transport: an RDS name when the configuration names the database (arn), else a name its certificate does not carry (dns). */
const resourceAddress = (role: "writer" | "reader") => (verified: boolean) =>
  verified
    ? `host:port of the ${role}: the database's own RDS name, which the resource endpoint's private DNS answers.`
    : `host:port of the ${role}, by a name the RDS certificate does not carry (resourceDefinition dns).`;
const resourceConnection = (role: "writer" | "reader") =>
  `Connection strings for the ${role} that verify the server (verify-full / VERIFY_IDENTITY) against the RDS CA bundle.`;

/** The provider stack's own outputs of a config with several shares: never prefixed, and absent from the single-database form. */
export const WHOLE_CONFIG_OUTPUTS: readonly StackOutput[] = [
  PROVIDER_OUTPUTS.catalogueDashboardName,
  PROVIDER_OUTPUTS.catalogueDashboardUrl,
];

export const CONSUMER_OUTPUTS = {
  endpointId: consumer("endpoint_id", "string", {
    "endpoint-service": "Interface endpoint id; the provider accepts this connection.",
  }),
  endpointDnsName: consumer("endpoint_dns_name", "string", {
    "endpoint-service": "Regional DNS name of the endpoint.",
  }),
  databaseEndpointId: consumer("database_endpoint_id", "string", {
    resource:
      "Resource endpoint of the database, with private DNS: it answers the database's own RDS names in this VPC.",
  }),
  writerEndpointId: consumer("writer_endpoint_id", "string", { resource: "Resource endpoint of the writer." }),
  readerEndpointId: consumer("reader_endpoint_id", "string", { resource: "Resource endpoint of the readers." }),
  caBundle: consumer(
    "ca_bundle",
    "object",
    both(
      "The CA bundle the connection strings name: the RDS CA bundle of the database's region, or, behind an RDS Proxy, Amazon Trust Services' roots (concatenate the root PEMs listed at url into file). Download it from url to file, where the connection strings look for it.",
    ),
  ),
  writerAddress: consumer("writer_address", "string", {
    "endpoint-service": `host:port of the writer: its own RDS name, answered with this endpoint inside the VPC. ${SAME_PORT}`,
    resource: resourceAddress("writer"),
  }),
  writerConnection: consumer("writer_connection", "object", {
    "endpoint-service": `Connection strings for the writer that verify the server (verify-full / VERIFY_IDENTITY) against the CA bundle (ca_bundle). ${SAME_PORT}`,
    resource: resourceConnection("writer"),
  }),
  writerConnectionUnverified: consumer("writer_connection_unverified", "object", {
    "endpoint-service":
      "Encrypted but unverified, for clients that cannot verify the server: the friendly or endpoint name, which the RDS certificate does not carry.",
    resource: UNVERIFIED,
  }),
  readerAddress: consumer("reader_address", "string", {
    "endpoint-service": `host:port of the readers: the reader endpoint's RDS name. ${SAME_PORT}`,
    resource: resourceAddress("reader"),
  }),
  readerConnection: consumer("reader_connection", "object", {
    "endpoint-service": `Connection strings for the readers that verify the server (behind an RDS Proxy's read-only endpoint, its chain only: verify-ca / VERIFY_CA, since the proxy's certificate does not carry that endpoint's name). ${SAME_PORT}`,
    resource: resourceConnection("reader"),
  }),
  readerConnectionUnverified: consumer("reader_connection_unverified", "object", both(UNVERIFIED)),
  friendlyWriterAddress: consumer(
    "friendly_writer_address",
    "string",
    both("writer.<zone>:port, for clients that do not verify the server."),
  ),
  friendlyReaderAddress: consumer(
    "friendly_reader_address",
    "string",
    both("reader.<zone>:port, for clients that do not verify the server."),
  ),
  memberPorts: consumer("member_ports", "numbers", {
    "endpoint-service":
      "Instance-pinned ports, one per member slot; the provider's failover function reports which instance holds each slot.",
  }),
  instanceNames: consumer("instance_names", "strings", {
    "endpoint-service": `Instance endpoint names that resolve to this endpoint: connect to an instance's name on the member port of its slot, with verification on (a name on another slot's port is refused). ${SAME_PORT}`,
  }),
  memberAddresses: consumer("member_addresses", "strings", {
    "endpoint-service":
      "Instance-pinned host:port per member slot, by the friendly or endpoint name (unverified clients).",
  }),
} as const;

export type ProviderOutput = (typeof PROVIDER_OUTPUTS)[keyof typeof PROVIDER_OUTPUTS];
export type ConsumerOutput = (typeof CONSUMER_OUTPUTS)[keyof typeof CONSUMER_OUTPUTS];
export const OUTPUTS: Record<StackKind, readonly StackOutput[]> = {
  provider: Object.values(PROVIDER_OUTPUTS),
  consumer: Object.values(CONSUMER_OUTPUTS),
};

type ArgsOf<D> = D extends (...args: infer A) => string ? A : [];

/**
 * How a stack of one kind and transport declares its outputs: only the contract's outputs of
 * that stack and transport compile, with a value of the contract's type and the description's
 * arguments.
 */
export function outputsOf<K extends StackKind, Tr extends TransportName>(scope: Construct, stack: K, transport: Tr) {
  return <O extends StackOutput<string, ValueType, Descriptions, K>>(
    output: O,
    value: SynthTypes[O["type"]],
    ...args: [Tr] extends [keyof O["description"]] ? ArgsOf<O["description"][Tr]> : never
  ): TerraformOutput => {
    const d = output.description[transport] as Description | undefined;
    if (output.stack !== stack || d === undefined)
      throw new Error(`${output.name} is not a ${stack} output of the ${transport} transport (stacks/outputs.ts)`);
    const description = typeof d === "function" ? (d as (...a: unknown[]) => string)(...args) : d;
    const declared = new TerraformOutput(scope, output.name, { value, description });
    // One of several shares names its outputs <share>_<output>; the single-database form's keep the contract's names.
    const share = ShareScope.of(scope);
    if (share?.share.scoped) declared.overrideLogicalId(share.outputName(output.name));
    return declared;
  };
}

/** Which outputs a reader may read: required ones it refuses to go without, optional ones it reads when there. */
export interface OutputReads<R extends StackOutput = StackOutput, O extends StackOutput = StackOutput> {
  readonly required: readonly R[];
  readonly optional: readonly O[];
}
export const reads = <const R extends StackOutput = never, const O extends StackOutput = never>(r: {
  required?: readonly R[];
  optional?: readonly O[];
}): OutputReads<R, O> => ({
  required: r.required ?? [],
  optional: r.optional ?? [],
});

/** A deployed stack's outputs, as its state holds them: every read names the output and the stack. */
export class OutputValues {
  constructor(
    /** The stack's name (provider, consumer-<name>), for the errors. */
    readonly stack: string,
    readonly values: Readonly<Record<string, unknown>>,
    /** Of several shares, the one whose outputs this reads (under <share>_<output>); undefined: the contract's own names. */
    readonly share?: string,
  ) {}

  /**
   * The outputs of one share of the stack, as outputsOf named them: <share>_<output> for one of
   * several shares, the contract's own names for the single-database form's. The state is read
   * once; each share reads its part of it.
   */
  forShare(share: { readonly name: string; readonly scoped: boolean }): OutputValues {
    if (this.share !== undefined)
      throw new Error(`the outputs of ${this.stack} are already those of share ${this.share}`);
    return share.scoped ? new OutputValues(this.stack, this.values, share.name) : this;
  }

  /** The output's name in the stack's state. */
  nameOf(output: StackOutput): string {
    return this.share === undefined ? output.name : shareOutputName(this.share, output.name);
  }

  /** A reader that reads only what `declared` lists: reading anything else does not compile. */
  reader<R extends StackOutput, O extends StackOutput>(declared: OutputReads<R, O>): OutputReader<R, O> {
    return new OutputReader(this, declared);
  }

  /** The output's value, checked against the contract's type; undefined when the stack has none (or it is empty). */
  value<T extends ValueType>(output: StackOutput<string, T>): ValueTypes[T] | undefined {
    const name = this.nameOf(output);
    const raw = this.values[name];
    if (raw === undefined || raw === null || raw === "") return undefined;
    const checked = checkValue(output.type, raw);
    if (checked === undefined)
      throw new OutputError(
        this.stack,
        `its ${name} output is ${JSON.stringify(raw).slice(0, 80)}, not ${TYPE_TEXT[output.type]}`,
      );
    return checked as ValueTypes[T];
  }
}

/** An output a stack's state lacks or holds in another shape: its stack is older than this code, or not this share's. */
export class OutputError extends Error {
  constructor(
    readonly stack: string,
    /** What is wrong, after the stack's name: "its database_port output is missing from its state". */
    problem: string,
  ) {
    super(`${stack}: ${problem}`);
  }
}

export class OutputReader<R extends StackOutput, O extends StackOutput> {
  constructor(
    private readonly outputs: OutputValues,
    private readonly declared: OutputReads<R, O>,
  ) {}

  get<X extends R | O>(output: X): ValueTypes[X["type"]] | undefined {
    this.check(output, [...this.declared.required, ...this.declared.optional]);
    return this.outputs.value(output) as ValueTypes[X["type"]] | undefined;
  }

  /** Throws an OutputError naming the output and the stack when the state has none. */
  require<X extends R>(output: X): ValueTypes[X["type"]] {
    this.check(output, this.declared.required);
    const v = this.outputs.value(output);
    if (v === undefined)
      throw new OutputError(this.outputs.stack, `its ${this.outputs.nameOf(output)} output is missing from its state`);
    return v as ValueTypes[X["type"]];
  }

  // The types already refuse this; a cast would get here.
  private check(output: StackOutput, among: readonly StackOutput[]): void {
    if (!among.includes(output))
      throw new Error(`${output.name} is read without being declared among the reads (stacks/outputs.ts)`);
  }
}

const TYPE_TEXT: Record<ValueType, string> = {
  string: "a string",
  number: "a number",
  strings: "a list of strings",
  numbers: "a list of numbers",
  object: "an object",
};

function checkValue(type: ValueType, raw: unknown): unknown {
  switch (type) {
    case "string":
      return typeof raw === "string" ? raw : undefined;
    case "number":
      // A state holds a number; `output -json` of a value Terraform typed as a string, its text.
      return typeof raw === "number" ? raw : typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : undefined;
    case "strings":
      return Array.isArray(raw) && raw.every((x) => typeof x === "string") ? raw : undefined;
    case "numbers":
      return Array.isArray(raw) && raw.every((x) => typeof x === "number") ? raw : undefined;
    case "object":
      return typeof raw === "object" && !Array.isArray(raw) ? raw : undefined;
  }
}
