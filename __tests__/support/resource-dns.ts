// The resource transport as a consumer's VPC sees it, read from a synthesized app.
//
// A consumer stack reads the provider's values through its remote state. `providerWorld` says
// what AWS would fill in for the provider stack's data sources and resources (an existing
// cluster's attributes as RDS describes them, a configuration's ARN), and `resolveInConsumer`
// replaces each remote-state reference of a consumer value by the provider output it names,
// evaluated in that world. A reference the world does not hold throws: nothing is guessed.
//
// `answersFromResourceEndpoints` is what the VPC's resolver answers: a resource endpoint with
// private DNS on, whose configuration is of type ARN on an RDS database, answers that
// database's own endpoint names ("Any Group/Child relationship is automatically taken care of",
// VPC Lattice User Guide, resource configurations; the cluster and cluster-ro names answered in
// a consumer account: mizzy/playground cross-account-rds-pattern-a, Nov 2025). CNAME records of
// a private zone on the stack's VPC answer when their target does.
import type { Json } from "../helpers";

export interface WorldCluster {
  readonly arn: string;
  readonly endpoint: string;
  readonly reader_endpoint: string;
  readonly port: number;
}

/** Terraform address (data.aws_rds_cluster.X.endpoint, aws_vpclattice_resource_configuration.Y.arn) -> value. */
export type World = Map<string, string | number>;

/** The provider stack's looked-up clusters, by identifier, and an ARN for each of its resource configurations. */
export function providerWorld(provider: Json, clusters: Record<string, WorldCluster>, account = "111111111111"): World {
  const world: World = new Map();
  for (const [id, data] of Object.entries<Json>(provider.data?.aws_rds_cluster ?? {})) {
    const cluster = clusters[data.cluster_identifier];
    if (!cluster)
      throw new Error(`the provider looks up cluster ${data.cluster_identifier}, which the world does not hold`);
    for (const [attribute, value] of Object.entries(cluster))
      world.set(`data.aws_rds_cluster.${id}.${attribute}`, value);
  }
  Object.keys(provider.resource?.aws_vpclattice_resource_configuration ?? {}).forEach((id, i) => {
    world.set(
      `aws_vpclattice_resource_configuration.${id}.arn`,
      `arn:aws:vpc-lattice:us-east-1:${account}:resourceconfiguration/rcfg-${String(i).padStart(17, "0")}`,
    );
  });
  return world;
}

const REMOTE = /\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.([\w-]+)\}/g;
const WHOLE_REF = /^\$\{([\w.-]+)\}$/;

/** A provider-side expression's value: a literal, or one reference the world holds. */
function evaluate(value: Json, world: World, where: string): string | number {
  if (typeof value === "number") return value;
  if (typeof value !== "string") throw new Error(`${where}: ${JSON.stringify(value)} is not a single value`);
  const ref = WHOLE_REF.exec(value);
  if (!ref) {
    if (value.includes("${")) throw new Error(`${where}: ${value} is an expression this world does not evaluate`);
    return value;
  }
  if (!world.has(ref[1])) throw new Error(`${where}: ${ref[1]} is not in the world (${[...world.keys()].join(", ")})`);
  return world.get(ref[1])!;
}

/** A consumer value (string, list or object of strings) with its remote-state references and friendly records' fqdns filled in. */
export function resolveInConsumer(value: Json, consumer: Json, provider: Json, world: World): Json {
  const one = (s: string) =>
    s
      .replace(REMOTE, (_, output) => {
        const declared = provider.output?.[output];
        if (!declared)
          throw new Error(`the consumer reads provider output ${output}, which the provider stack does not declare`);
        return String(evaluate(declared.value, world, `provider output ${output}`));
      })
      .replace(/\$\{aws_route53_record\.([\w-]+)\.fqdn\}/g, (_, id) => consumer.resource.aws_route53_record[id].name);
  if (typeof value === "string") return one(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? one(v) : v));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? one(v) : v]));
  return value;
}

/**
 * name -> address for the consumer's VPC. `endpoints` maps each aws_vpc_endpoint resource name
 * to the address its private DNS names resolve to; `namesOf` maps an RDS resource's ARN to its
 * endpoint names, as RDS describes them.
 */
export function answersFromResourceEndpoints(
  consumer: Json,
  provider: Json,
  world: World,
  endpoints: Record<string, string>,
  namesOf: Record<string, string[]>,
): Map<string, string> {
  const answers = new Map<string, string>();
  const configurations: Record<string, Json> = provider.resource?.aws_vpclattice_resource_configuration ?? {};
  const byArn = new Map(
    Object.keys(configurations).map((id) => [
      world.get(`aws_vpclattice_resource_configuration.${id}.arn`),
      configurations[id],
    ]),
  );
  for (const [id, endpoint] of Object.entries<Json>(consumer.resource?.aws_vpc_endpoint ?? {})) {
    const address = endpoints[id];
    if (!address || endpoint.vpc_endpoint_type !== "Resource" || endpoint.private_dns_enabled !== true) continue;
    const configuration = byArn.get(resolveInConsumer(endpoint.resource_configuration_arn, consumer, provider, world));
    if (configuration?.type !== "ARN") continue;
    const resourceArn = evaluate(
      configuration.resource_configuration_definition?.[0]?.arn_resource?.[0]?.arn,
      world,
      `configuration ${id}`,
    );
    for (const name of namesOf[String(resourceArn)] ?? []) answers.set(name.toLowerCase(), address);
  }
  const zones: Record<string, Json> = consumer.resource?.aws_route53_zone ?? {};
  for (const record of Object.values<Json>(consumer.resource?.aws_route53_record ?? {})) {
    if (record.type !== "CNAME") continue;
    const zoneRef = /^\$\{aws_route53_zone\.([\w-]+)\.zone_id\}$/.exec(record.zone_id ?? "");
    const zone = zoneRef ? zones[zoneRef[1]] : undefined;
    const onTheVpc = (zone?.vpc ?? []).some((v: Json) => /^\$\{aws_vpc\.[\w-]+\.id\}$/.test(v.vpc_id));
    if (!zone || !onTheVpc || !(record.name === zone.name || record.name.endsWith(`.${zone.name}`))) continue;
    const target = answers.get(String(resolveInConsumer(record.records[0], consumer, provider, world)).toLowerCase());
    if (target) answers.set(record.name.toLowerCase(), target);
  }
  return answers;
}
