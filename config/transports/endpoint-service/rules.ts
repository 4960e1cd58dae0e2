// The endpoint-service transport's rules: its ports and member slots against the NLB's limits,
// its principals (IAM only), and where its consumers may sit (any region it supports, only in
// the provider's zones). config/rules.ts runs them after the common rules for every share of
// this transport; the settings of another transport are refused there, from the schema slices.
import {
  DEFAULT_WARM_READER_SETS,
  DEFAULT_WATCH_SECONDS,
  MAX_WATCH_SECONDS,
  NLB_LISTENERS,
  NLB_TARGETS,
  PORT_LISTENERS,
  readerSetCount,
} from "../../fields";
import { ENGINE_PORT } from "../../engines";
import { arr, engineOf, obj, type Problem, type Raw, regionsOf, sameRegionAzIds, sharesCluster } from "../../raw";
import {
  type DatabaseInput,
  isCluster,
  type PortsInput,
  resolveMemberSlots,
  resolvePorts,
  resolveReaders,
} from "../../resolve";
import { PRINCIPAL } from "../../schema";
import type { TransportRules } from "../rules";

/** The failover's member slots and the listener ports: against the database, each other and the NLB's limits. */
function checkListeners(provider: Raw, out: Problem[]) {
  const db = obj(provider.database);
  const engine = engineOf(provider);
  if (!db || !engine) return;
  const existing = obj(db.existing);
  const create = obj(db.create);
  const failover = obj(provider.failover) ?? {};
  const database: DatabaseInput = {
    engine,
    ...(create ? { create: { readers: typeof create.readers === "number" ? create.readers : undefined } } : {}),
    ...(existing
      ? {
          existing: {
            clusterIdentifier: existing.clusterIdentifier as string | undefined,
            instanceIdentifier: existing.instanceIdentifier as string | undefined,
          },
        }
      : {}),
  };
  if (failover.standbyDiscovery !== undefined && isCluster(database)) {
    out.push({
      path: "provider.failover.standbyDiscovery",
      message: "applies to a Multi-AZ DB instance only: a cluster's members each have their own slot; remove it",
    });
  }
  if (failover.memberSlots !== undefined && !isCluster(database)) {
    out.push({
      path: "provider.failover.memberSlots",
      message: "applies to clusters only: a Multi-AZ DB instance has no members to keep warm; remove it",
    });
  }
  const slots = typeof failover.memberSlots === "number" ? failover.memberSlots : undefined;
  const warm = typeof failover.warmReaderSets === "number" ? failover.warmReaderSets : DEFAULT_WARM_READER_SETS;
  const proxied = obj(db.proxy) !== undefined;
  const memberSlots = proxied ? 0 : resolveMemberSlots(database, slots);
  if (create && isCluster(database) && slots !== undefined) {
    const instances = 1 + resolveReaders(engine, typeof create.readers === "number" ? create.readers : undefined);
    if (slots < instances)
      out.push({
        path: "provider.failover.memberSlots",
        message: `${slots} is fewer than the ${instances} instances created (provider.database.create.readers + 1): a failover to a member without a slot registers it on the failover path; raise it to at least ${instances}, or remove it for the default`,
      });
  }
  if (memberSlots > 0) {
    // The NLB's own limits, checked here rather than at apply (fields.ts cites them).
    const listeners = memberSlots + PORT_LISTENERS + readerSetCount(memberSlots, warm);
    if (listeners > NLB_LISTENERS) {
      out.push({
        path: slots === undefined ? "provider.failover.warmReaderSets" : "provider.failover.memberSlots",
        message: `${memberSlots} member slots, ${readerSetCount(memberSlots, warm)} reader-set listeners and the writer and reader ports make ${listeners} listeners; an NLB takes at most ${NLB_LISTENERS} (not adjustable). Lower provider.failover.warmReaderSets or provider.failover.memberSlots`,
      });
    }
    const targets = memberSlots + warm * (memberSlots - 1);
    if (targets > NLB_TARGETS) {
      out.push({
        path: "provider.failover.warmReaderSets",
        message: `${warm} populated reader sets of up to ${memberSlots - 1} members each, with ${memberSlots} member slots, make up to ${targets} registered targets; an NLB with cross-zone load balancing takes ${NLB_TARGETS}. Lower it to at most ${Math.floor((NLB_TARGETS - memberSlots) / (memberSlots - 1))}`,
      });
    }
  }
  const raw = obj(provider.ports) ?? {};
  const valid = (v: unknown) =>
    v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535);
  if (!valid(raw.writer) || !(raw.reader === null || valid(raw.reader)) || !valid(raw.firstMember)) return; // reported by the schema
  const ports = resolvePorts(engine, raw as PortsInput, memberSlots, warm);
  // A message names the keys the config sets; a port it leaves out is named by its default.
  const set = (key: "writer" | "reader") => raw[key] !== undefined;
  const byDefault = {
    writer: `the ${engine} port, ${ENGINE_PORT[engine]}`,
    reader: `the ${engine} port + 1, ${ENGINE_PORT[engine] + 1}`,
  };
  if (ports.reader !== null && ports.writer === ports.reader) {
    if (!set("reader")) {
      out.push({
        path: "provider.ports.writer",
        message: `${ports.writer} is the reader listener's port: provider.ports.reader defaults to ${byDefault.reader}; choose another writer port, or set provider.ports.reader to another port (null for no reader listener)`,
      });
    } else if (!set("writer")) {
      out.push({
        path: "provider.ports.reader",
        message: `${ports.reader} is the writer listener's port: provider.ports.writer defaults to ${byDefault.writer}; choose another port`,
      });
    } else {
      out.push({
        path: "provider.ports.reader",
        message: `${ports.reader} is already used by provider.ports.writer; choose another port`,
      });
    }
  }
  const block = [...ports.members, ...ports.readerSets];
  if (block.length === 0) return;
  const [first, last] = [block[0], block[block.length - 1]];
  const where =
    raw.firstMember === undefined ? "provider.ports (the default member block)" : "provider.ports.firstMember";
  if (last > 65535) {
    out.push({
      path: where,
      message: `the member block ${first}-${last} (${ports.members.length} slots, with their reader sets) ends above 65535; set provider.ports.firstMember to at most ${65535 - block.length + 1}`,
    });
    return;
  }
  for (const [name, port] of [
    ["writer", ports.writer],
    ["reader", ports.reader],
  ] as const) {
    if (port === null || port < first || port > last) continue;
    if (set(name))
      out.push({
        path: `provider.ports.${name}`,
        message: `${port} falls inside the member block ${first}-${last}; choose another port or move provider.ports.firstMember`,
      });
    else
      out.push({
        path: where,
        message: `the member block ${first}-${last} takes ${port}, the default of provider.ports.${name} (${byDefault[name]}); move provider.ports.firstMember, or set provider.ports.${name} to a port outside the block`,
      });
  }
}

/** An endpoint service admits IAM principals only, and everyone only with acceptance. */
function checkPrincipals(provider: Raw, out: Problem[]) {
  const sharing = obj(provider.sharing);
  if (!sharing) return;
  const anyAllowed = sharing.allowAnyPrincipal === true;
  arr(sharing.allowedPrincipals).forEach((p, i) => {
    if (typeof p !== "string") return;
    const at = `provider.sharing.allowedPrincipals[${i}]`;
    if (PRINCIPAL.ou.test(p) || PRINCIPAL.organization.test(p)) {
      out.push({
        path: at,
        message: `${p} is an ${PRINCIPAL.ou.test(p) ? "organizational unit" : "organization"}: an endpoint service admits only IAM principals; list account ARNs, or set provider.transport to "resource" to share through AWS RAM, or admit "*" (allowAnyPrincipal, with acceptance) and give it the descriptor in provider.sharing.descriptorReaders`,
      });
    } else if (PRINCIPAL.accountId.test(p)) {
      out.push({
        path: at,
        message: `an endpoint service takes IAM ARNs: write "arn:aws:iam::${p}:root" (a bare account id is for "transport": "resource")`,
      });
    }
  });
  arr(sharing.allowedPrincipals).forEach((p, i) => {
    if (p === "*" && !anyAllowed) {
      out.push({
        path: `provider.sharing.allowedPrincipals[${i}]`,
        message:
          '"*" lets every AWS account request a connection; list account ARNs, or set provider.sharing.allowAnyPrincipal to true',
      });
    }
  });
  if (anyAllowed && sharing.acceptanceRequired === false) {
    out.push({
      path: "provider.sharing.acceptanceRequired",
      message: "must stay true while allowAnyPrincipal is true, or any AWS account could connect without review",
    });
  }
}

/** Cross-region PrivateLink serves the regions the provider lists in sharing.supportedRegions. */
function checkRegion(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  const regions = regionsOf(provider, consumer);
  if (!regions || regions.consumer === regions.provider) return;
  if (arr(obj(provider.sharing)?.supportedRegions).includes(regions.consumer)) return;
  out.push({
    path: `${at}.account.region`,
    message: `${regions.consumer} differs from the provider's ${regions.provider}; add it to provider.sharing.supportedRegions for cross-region PrivateLink`,
  });
}

/** In the provider's region, every zone of the consumer's endpoint must be one the endpoint service serves. */
function checkZones(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  const ids = sameRegionAzIds(provider, consumer);
  if (!ids) return;
  const missing = ids.consumer.filter((id) => !ids.provider.includes(id));
  if (missing.length > 0) {
    out.push({
      path: `${at}.network.create.azIds`,
      message: `${missing.join(", ")} not among the provider's AZ IDs (${ids.provider.join(", ")}); PrivateLink only serves the provider's zones`,
    });
  }
}

function checkMemberPorts(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  if (consumer.memberPorts === true && sharesCluster(provider) === false) {
    out.push({
      path: `${at}.memberPorts`,
      message: "the provider shares a Multi-AZ DB instance, which has no member ports; remove memberPorts",
    });
  }
}

/** Instance names reach member ports: a cluster's, opened by memberPorts. */
function checkInstanceNames(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  const names = obj(consumer.databaseNames);
  if (names?.instances === undefined) return;
  const cluster = sharesCluster(provider);
  if (cluster === false)
    out.push({
      path: `${at}.databaseNames.instances`,
      message: "the provider shares a Multi-AZ DB instance, whose certificate names only the instance; remove it",
    });
  else if (cluster === true && consumer.memberPorts !== true) {
    out.push({
      path: `${at}.databaseNames.instances`,
      message:
        "instance names reach their member ports, which are closed without memberPorts; set memberPorts to true or remove instances",
    });
  }
}

/** Behind a proxy there are no member slots, reader sets or standby to keep: the proxy follows the writer. */
function checkProxyLayout(provider: Raw, out: Problem[]) {
  if (obj(obj(provider.database)?.proxy) === undefined) return;
  const failover = obj(provider.failover) ?? {};
  for (const key of ["memberSlots", "warmReaderSets", "standbyDiscovery", "watchSeconds"] as const)
    if (failover[key] !== undefined)
      out.push({
        path: `provider.failover.${key}`,
        message:
          "does not apply behind an RDS Proxy (provider.database.proxy): the proxy follows the writer itself, and the function only keeps the proxy's addresses registered; remove it",
      });
  if (obj(provider.ports)?.firstMember !== undefined)
    out.push({
      path: "provider.ports.firstMember",
      message:
        "behind an RDS Proxy there are no member listeners (the proxy picks the node); remove it, or remove provider.database.proxy",
    });
}

/** A consumer of a proxied share has no member ports, and no instance names to reach them. */
function checkProxyConsumer(provider: Raw, consumer: Raw, at: string, out: Problem[]) {
  if (obj(obj(provider.database)?.proxy) === undefined) return;
  if (consumer.memberPorts === true)
    out.push({
      path: `${at}.memberPorts`,
      message: "the provider shares its database through an RDS Proxy, which has no member ports; remove memberPorts",
    });
  if (obj(consumer.databaseNames)?.instances !== undefined)
    out.push({
      path: `${at}.databaseNames.instances`,
      message:
        "the provider shares its database through an RDS Proxy: clients reach the proxy's names, not the instances'; remove it",
    });
}

export const ENDPOINT_SERVICE_RULES: TransportRules = {
  share: [checkListeners, checkPrincipals, checkProxyLayout],
  consumer: [checkRegion, checkZones, checkMemberPorts, checkInstanceNames, checkProxyConsumer],
  organizationPrincipals: false,
  watches: (provider) => {
    // Behind a proxy a run reads the proxy's endpoints once and ends: nothing watches the database.
    if (obj(obj(provider.database)?.proxy) !== undefined) return false;
    const seconds = obj(provider.failover)?.watchSeconds;
    // An invalid value is reported by the schema; counting it would only repeat that.
    if (seconds === undefined) return DEFAULT_WATCH_SECONDS > 0;
    return typeof seconds === "number" && Number.isInteger(seconds) && seconds > 0 && seconds <= MAX_WATCH_SECONDS;
  },
  shareRoles: ["failover-sync"],
};
