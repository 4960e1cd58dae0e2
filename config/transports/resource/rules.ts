// The resource transport's rules: principals a RAM share can take, where its consumers may sit
// (the provider's region, one zone in common with the resource gateway), and the consumer's
// resource configurations by resource definition. config/rules.ts runs them after the common
// rules for every share of this transport; the settings of another transport are refused there,
// from the schema slices.
import { arr, obj, type Problem, type Raw, regionsOf, sameRegionAzIds, sharesCluster } from "../../raw";
import { PRINCIPAL } from "../../schema";
import type { TransportRules } from "../rules";

/** Resource transport with DNS-type configurations (arn is the default). */
const byDns = (provider: Raw) => provider.resourceDefinition === "dns";

/** The principals a RAM share of resource configurations can take, each account once. */
function checkPrincipals(provider: Raw, out: Problem[]) {
  const sharing = obj(provider.sharing) ?? {};
  const accounts = new Map<string, number>();
  arr(sharing.allowedPrincipals).forEach((p, i) => {
    if (typeof p !== "string") return;
    const account = PRINCIPAL.accountId.test(p)
      ? p
      : PRINCIPAL.iam.test(p) && p.endsWith(":root")
        ? p.split(":")[4]
        : undefined;
    if (account !== undefined) {
      const first = accounts.get(account);
      if (first !== undefined) {
        out.push({
          path: `provider.sharing.allowedPrincipals[${i}]`,
          message: `names account ${account} again (provider.sharing.allowedPrincipals[${first}]); keep one of them`,
        });
      } else accounts.set(account, i);
    }
    if (p === "*" || (PRINCIPAL.iam.test(p) && !/:root$/.test(p))) {
      out.push({
        path: `provider.sharing.allowedPrincipals[${i}]`,
        message: `${p} cannot join a RAM share of resource configurations; list a 12-digit account id, an account root ARN, an OU ARN or the organization ARN`,
      });
    }
  });
}

/** The consumer's resource configurations and RAM share, by the provider's resource definition. */
function checkConfigurations(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  if (consumer.resourceShareArn !== undefined && consumer.acceptResourceShare !== true) {
    out.push({
      path: `${at}.resourceShareArn`,
      message:
        "names a share to accept, but acceptResourceShare is not true; set it to true or remove resourceShareArn",
    });
  }
  if (consumer.readerResourceConfigurationArn !== undefined && consumer.resourceConfigurationArn === undefined) {
    out.push({
      path: `${at}.readerResourceConfigurationArn`,
      message: "is set without resourceConfigurationArn; give both (the writer's and the readers') or neither",
    });
  }
  const cluster = sharesCluster(provider);
  if (!byDns(provider)) {
    if (consumer.readerResourceConfigurationArn !== undefined) {
      out.push({
        path: `${at}.readerResourceConfigurationArn`,
        message:
          'does not apply with "resourceDefinition": "arn" (one configuration of the database serves the writer and the readers); remove it, or set provider.resourceDefinition to "dns"',
      });
    }
    return;
  }
  if (consumer.databaseNames !== undefined) {
    out.push({
      path: `${at}.databaseNames`,
      message:
        'does not apply with "resourceDefinition": "dns" (the consumer reaches the database by its own names, which the RDS certificate does not carry); remove it, or use "arn" to get the database\'s names',
    });
  }
  if (
    cluster === true &&
    consumer.resourceConfigurationArn !== undefined &&
    consumer.readerResourceConfigurationArn === undefined
  ) {
    out.push({
      path: `${at}.resourceConfigurationArn`,
      message:
        "names the writer's configuration only; the provider shares a cluster, so add readerResourceConfigurationArn (its reader_resource_configuration_arn output) or remove both",
    });
  }
  if (cluster === false && consumer.readerResourceConfigurationArn !== undefined) {
    out.push({
      path: `${at}.readerResourceConfigurationArn`,
      message: "the provider shares a Multi-AZ DB instance, which has no reader endpoint; remove it",
    });
  }
}

/** The resource transport serves consumers in the provider's region only. */
function checkRegion(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  const regions = regionsOf(provider, consumer);
  if (!regions || regions.consumer === regions.provider) return;
  out.push({
    path: `${at}.account.region`,
    message: `${regions.consumer} differs from the provider's ${regions.provider}; the resource transport serves consumers in the provider's region only: use ${regions.provider}, or "transport": "endpoint-service" with provider.sharing.supportedRegions`,
  });
}

/** A resource endpoint needs one zone in common with the resource gateway, not all of them. */
function checkZones(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  const ids = sameRegionAzIds(provider, consumer);
  if (!ids || ids.consumer.some((id) => ids.provider.includes(id))) return;
  out.push({
    path: `${at}.network.create.azIds`,
    message: `none of ${ids.consumer.join(", ")} is among the provider's AZ IDs (${ids.provider.join(", ")}); a resource endpoint needs at least one zone in common with the resource gateway`,
  });
}

function checkInstanceNames(_provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  if (obj(consumer.databaseNames)?.instances !== undefined) {
    out.push({
      path: `${at}.databaseNames.instances`,
      message: 'does not apply with "transport": "resource" (a resource endpoint has no member ports); remove it',
    });
  }
}

/**
 * No AWS page says an RDS Proxy can stand behind a resource configuration: an ARN-type
 * configuration names "RDS databases", and a DNS-type one "Any domain name that is publicly
 * resolvable" (VPC Lattice User Guide, "Resource configurations for VPC resources").
 */
function checkNoProxy(provider: Raw, out: Problem[]) {
  if (obj(obj(provider.database)?.proxy) === undefined) return;
  out.push({
    path: "provider.database.proxy",
    message:
      'needs "transport": "endpoint-service": a resource configuration shares a database or a publicly resolvable name, and no AWS page says an RDS Proxy can be either (VPC Lattice User Guide, "Resource configurations for VPC resources"); remove proxy, or use the endpoint-service transport',
  });
}

export const RESOURCE_RULES: TransportRules = {
  share: [checkPrincipals, checkNoProxy],
  consumer: [checkRegion, checkZones, checkConfigurations, checkInstanceNames],
  organizationPrincipals: true,
  // No failover function: nothing watches the database.
  watches: () => false,
  shareRoles: [],
};
