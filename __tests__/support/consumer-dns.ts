// What a synthesized consumer stack makes its VPC's resolver answer: every Route 53 record of
// a private zone attached to the stack's VPC, read from the stack's JSON as Terraform would
// evaluate it (literal names, a zone's name by reference, or a for_each over a zone per name
// from a local list), answered with the address of the interface endpoint that it aliases.
// Nothing here is written by hand: a wrong name or a record that aliases anything else in the
// stack gives a wrong or missing answer.
import type { Json } from "../helpers";

export interface ConsumerAnswers {
  /** name -> address, the table for the loopback DNS server. */
  readonly answers: Map<string, string>;
  /** The records read, for messages: name -> the resource that answers it. */
  readonly sources: Map<string, string>;
}

const REF = /^\$\{([\w-]+)\.([\w-]+)(?:\.(\w+))?\}$/;

/**
 * `endpoints` maps each aws_vpc_endpoint resource name of the stack to the address its DNS name
 * resolves to (on loopback in the tests). Records whose alias targets something else get no answer.
 */
export function answersFromConsumerStack(stack: Json, endpoints: Record<string, string>): ConsumerAnswers {
  const zones: Record<string, Json> = stack.resource?.aws_route53_zone ?? {};
  const records: Record<string, Json> = stack.resource?.aws_route53_record ?? {};
  const locals: Record<string, unknown> = stack.locals ?? {};
  const answers = new Map<string, string>();
  const sources = new Map<string, string>();

  /** The names a zone resource stands for: its literal name, or one per element of its for_each list. */
  const zoneNames = (zoneId: string): string[] => {
    const zone = zones[zoneId];
    if (!zone) throw new Error(`a record refers to aws_route53_zone.${zoneId}, which the stack does not declare`);
    if (zone.for_each === undefined) return [literal(zone.name, `aws_route53_zone.${zoneId}.name`)];
    const m = /^\$\{toset\(local\.(\w+)\)\}$/.exec(zone.for_each);
    if (!m || zone.name !== "${each.value}")
      throw new Error(`aws_route53_zone.${zoneId}: for_each ${zone.for_each} is not a set of names from a local`);
    const list = locals[m[1]];
    if (!Array.isArray(list))
      throw new Error(`local.${m[1]} is not a literal list in this stack: ${JSON.stringify(list)}`);
    return list.map((n) => literal(n, `local.${m[1]}`));
  };
  const isPrivateToTheStack = (zoneId: string) => {
    const vpcs: Json[] = zones[zoneId].vpc ?? [];
    return vpcs.some((v) => /^\$\{aws_vpc\.[\w-]+\.id\}$/.test(v.vpc_id));
  };

  for (const [recordId, record] of Object.entries(records)) {
    const alias = /^\$\{aws_vpc_endpoint\.([\w-]+)\.dns_entry\[0\]\.dns_name\}$/.exec(record.alias?.name ?? "");
    const address = alias ? endpoints[alias[1]] : undefined;
    if (!address || record.type !== "A") continue;
    let names: string[];
    let zoneId: string;
    if (record.for_each !== undefined) {
      // for_each over the zones themselves: each record sits at its zone's apex.
      const m = /^\$\{aws_route53_zone\.([\w-]+)\}$/.exec(record.for_each);
      if (!m || record.name !== "${each.value.name}" || record.zone_id !== "${each.value.zone_id}") continue;
      zoneId = m[1];
      names = zoneNames(zoneId);
    } else {
      const zoneRef = REF.exec(record.zone_id ?? "");
      if (zoneRef?.[1] !== "aws_route53_zone" || zoneRef[3] !== "zone_id") continue;
      zoneId = zoneRef[2];
      const nameRef = REF.exec(record.name);
      if (nameRef) {
        // The zone's own name: the record sits at the apex.
        if (nameRef[1] !== "aws_route53_zone" || nameRef[2] !== zoneId || nameRef[3] !== "name") continue;
        names = zoneNames(zoneId);
      } else {
        const zone = zoneNames(zoneId)[0];
        // A name outside its zone is never answered by it.
        if (record.name !== zone && !record.name.endsWith(`.${zone}`)) continue;
        names = [record.name];
      }
    }
    if (!isPrivateToTheStack(zoneId)) continue;
    for (const name of names) {
      answers.set(name.toLowerCase(), address);
      sources.set(name.toLowerCase(), `aws_route53_record.${recordId}`);
    }
  }
  return { answers, sources };
}

function literal(value: unknown, where: string): string {
  if (typeof value !== "string" || value.includes("${"))
    throw new Error(`${where} is not known in this stack (${JSON.stringify(value)}): give the names in the config`);
  return value;
}
