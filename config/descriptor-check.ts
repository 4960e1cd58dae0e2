// Reads a share's descriptor as a consumer saved it: the output of `aws ssm get-parameter --name
// <descriptor ARN> --with-decryption`, whose Parameter holds the ARN and the value (AWS CLI
// Command Reference, ssm get-parameter: "Parameter" with "Name", "Type", "Value", "Version",
// "ARN", ...). Each problem names the field, in the file, and the fix.
import { z } from "zod";
import {
  DESCRIPTOR_SCHEMA_VERSION,
  parseDescriptorArn,
  type DescriptorAddress,
  type ShareDescriptor,
} from "./descriptor";
import { ENGINES } from "./engines";
import type { Raw } from "./raw";
import type { Problem } from "./rules";
import { TRANSPORTS } from "./schema";

const port = z.number().int().min(1).max(65535);
const names = z.array(z.string().min(1));

/**
 * What this release reads of a descriptor of schema 1. Not strict: a later minor version adds
 * fields, which this release ignores (config/descriptor.ts).
 */
const DescriptorSchema = z.object({
  schemaVersion: z.string(),
  transport: z.enum(TRANSPORTS),
  region: z.string().min(1),
  supportedRegions: names,
  azIds: names.min(1),
  ports: z.object({ writer: port, reader: port.nullable(), members: z.array(port) }),
  database: z.object({
    engine: z.enum(ENGINES),
    kind: z.enum(["cluster", "instance"]),
    names: z.object({ writer: z.string().min(1), reader: z.string().min(1).nullable(), instances: names }),
    proxy: z.object({ readOnlyEndpoint: z.boolean() }).nullable().optional(),
  }),
  tls: z.object({ caBundle: z.object({ file: z.string().min(1), url: z.string().nullable() }) }),
  endpointService: z.object({ serviceName: z.string().min(1) }).optional(),
  resource: z
    .object({
      definition: z.enum(["arn", "dns"]),
      databaseConfigurationArn: z.string().nullable(),
      writerConfigurationArn: z.string().nullable(),
      readerConfigurationArn: z.string().nullable(),
      resourceShareArn: z.string().min(1),
    })
    .optional(),
});

const SavedParameterSchema = z.object({
  Parameter: z.object({ ARN: z.string(), Value: z.string() }),
});

/** What schema 1 has at a field, in words. */
function expected(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & { input?: unknown; expected?: string; values?: unknown[]; minimum?: unknown };
  if (i.code === "invalid_type" && i.input === undefined) return "is missing";
  if (i.code === "invalid_type")
    return `is ${JSON.stringify(i.input)}, where schema 1 has ${i.expected === "array" ? "a list" : `a ${i.expected}`}`;
  if (i.code === "invalid_value" && i.values)
    return `is ${JSON.stringify(i.input)}, where schema 1 has one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}`;
  if (i.code === "too_small") return "is empty, where schema 1 has at least one";
  return `is ${JSON.stringify(i.input)}, which schema 1 does not have here`;
}

/** A field's path as the config's messages write it: a.b[0].c. */
function formatPath(segments: readonly PropertyKey[]): string {
  return segments.map((s, k) => (typeof s === "number" ? `[${s}]` : k === 0 ? String(s) : `.${String(s)}`)).join("");
}

export interface SavedDescriptor {
  readonly arn: string;
  readonly address: DescriptorAddress;
  readonly descriptor: ShareDescriptor;
}

const SAVE = "aws ssm get-parameter --name <descriptor ARN> --with-decryption --region <provider's region> > <file>";

/** The descriptor in `text` (a saved get-parameter output), or the problems with it, each at `at` and a field. */
export function readSavedDescriptor(text: string, at: string): SavedDescriptor | Problem[] {
  const whole = (message: string): Problem[] => [{ path: at, message }];
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return whole(`is not JSON; save the parameter as the AWS CLI prints it: ${SAVE}`);
  }
  const saved = SavedParameterSchema.safeParse(json);
  if (!saved.success)
    return whole(
      `holds no Parameter.ARN and Parameter.Value, which aws ssm get-parameter prints; save the parameter with: ${SAVE}`,
    );
  const { ARN: arn, Value: value } = saved.data.Parameter;
  const address = parseDescriptorArn(arn);
  if (!address)
    return whole(
      `Parameter.ARN ${arn} is not a share descriptor's (arn:aws:ssm:<region>:<account>:parameter/rds-privatelink/<config>[/<share>]/descriptor); save the parameter the provider's descriptor_arn output names`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return whole(`Parameter.Value is not JSON; was it saved without --with-decryption? ${SAVE}`);
  }
  const major = DESCRIPTOR_SCHEMA_VERSION.split(".")[0];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw) || typeof (raw as Raw).schemaVersion !== "string")
    return whole(
      `Parameter.Value is not a share descriptor (no schemaVersion); save the parameter the provider's descriptor_arn output names`,
    );
  const version = (raw as Raw).schemaVersion as string;
  if (version.split(".")[0] !== major)
    return whole(
      `Parameter.Value.schemaVersion is "${version}"; this release of rds-privatelink reads ${major}.x: ${Number(version.split(".")[0]) > Number(major) ? "upgrade rds-privatelink to the provider's release" : "the provider's team upgrades its stack to this release, or use the release it deployed"}`,
    );
  const parsed = DescriptorSchema.safeParse(raw, { reportInput: true });
  const problems: Problem[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({
        path: at,
        message: `Parameter.Value.${formatPath(i.path)} ${expected(i)}; save the parameter again (${SAVE}), or ask the provider's team to deploy its stack`,
      }));
  if (parsed.success) {
    const d = parsed.data;
    const field = (f: string, why: string) => problems.push({ path: at, message: `Parameter.Value.${f} ${why}` });
    if (d.transport === "endpoint-service" && !d.endpointService)
      field("endpointService", "is missing, which an endpoint-service descriptor holds");
    if (d.transport === "resource" && !d.resource) field("resource", "is missing, which a resource descriptor holds");
    if (d.region !== address.region)
      field("region", `is ${d.region}, but the parameter's ARN is in ${address.region}; save the parameter again`);
  }
  if (problems.length > 0) return problems;
  return { arn, address, descriptor: parsed.data as ShareDescriptor };
}
