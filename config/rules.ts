// Rules that no single field can check: exclusive choices, port clashes, principals, placement.
// They read the raw input defensively, so that they report alongside the schema's own errors.
import { isIpv4Cidr } from "../functions/failover-sync/ipv4";
import { auroraOf, Engine, ENGINES, isAurora } from "./engines";
import { DatabaseInput, isCluster, PortsInput, resolveMemberSlots, resolvePorts } from "./resolve";
import { AZ_ID, prefixOf, REGION } from "./schema";

export interface Problem {
  path: string;
  message: string;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function exactlyOne(value: unknown, path: string, a: string, b: string, out: Problem[]) {
  const o = obj(value);
  if (!o) return;
  const has = [a, b].filter((k) => o[k] !== undefined);
  if (has.length !== 1) {
    out.push({
      path,
      message: has.length === 0 ? `needs one of "${a}" or "${b}"` : `has both "${a}" and "${b}"; keep only one`,
    });
  }
}

/**
 * Checks that no single field can make: exclusive choices, port clashes, principal rules.
 * It reads the raw input defensively so that it can report alongside type errors.
 */
export function crossCheck(input: unknown): Problem[] {
  const out: Problem[] = [];
  const root = obj(input);
  if (!root) return out;
  const provider = obj(root.provider);
  if (provider) {
    exactlyOne(provider.network, "provider.network", "create", "existing", out);
    checkDatabase(provider, out);
    checkPorts(provider, out);
    checkSharing(provider, out);
  }
  const consumers = arr(root.consumers);
  const seen = new Map<string, number>();
  consumers.forEach((c, i) => {
    const consumer = obj(c);
    if (!consumer) return;
    const at = `consumers[${i}]`;
    exactlyOne(consumer.network, `${at}.network`, "create", "existing", out);
    if (typeof consumer.name === "string") {
      const first = seen.get(consumer.name);
      if (first !== undefined) out.push({ path: `${at}.name`, message: `"${consumer.name}" is already used by consumers[${first}]; consumer names must be unique` });
      else seen.set(consumer.name, i);
    }
    const cidrs = arr(consumer.allowedCidrs);
    const sgs = arr(consumer.allowedSecurityGroupIds);
    if (cidrs.length === 0 && sgs.length === 0) {
      out.push({ path: at, message: "needs allowedCidrs or allowedSecurityGroupIds: without them nothing can reach the endpoint" });
    }
    cidrs.forEach((c2, j) => {
      if (typeof c2 === "string" && isIpv4Cidr(c2) && prefixOf(c2) === 0) {
        out.push({ path: `${at}.allowedCidrs[${j}]`, message: `${c2} would open the endpoint to every address; list the client VPC or subnet CIDRs` });
      }
    });
    checkConsumerPlacement(provider, consumer, at, out);
    if (consumer.memberPorts === true && provider) {
      const db = obj(provider.database);
      const existing = obj(db?.existing);
      const engine = ENGINES.includes(db?.engine as Engine) ? (db!.engine as Engine) : undefined;
      if (engine && !isCluster({ engine, existing: existing ? { clusterIdentifier: existing.clusterIdentifier as string | undefined } : undefined })) {
        out.push({ path: `${at}.memberPorts`, message: "the provider shares a Multi-AZ DB instance, which has no member ports; remove memberPorts" });
      }
    }
  });
  return out;
}

function checkDatabase(provider: Raw, out: Problem[]) {
  const db = obj(provider.database);
  if (!db) return;
  exactlyOne(db, "provider.database", "create", "existing", out);
  const engine = ENGINES.includes(db.engine as Engine) ? (db.engine as Engine) : undefined;
  const existing = obj(db.existing);
  if (existing) {
    const ids = ["clusterIdentifier", "instanceIdentifier"].filter((k) => existing[k] !== undefined);
    if (ids.length !== 1) {
      out.push({
        path: "provider.database.existing",
        message: ids.length === 0 ? 'needs "clusterIdentifier" or "instanceIdentifier"' : 'has both "clusterIdentifier" and "instanceIdentifier"; keep only one',
      });
    }
    if (engine && isAurora(engine) && existing.instanceIdentifier !== undefined) {
      out.push({
        path: "provider.database.existing.instanceIdentifier",
        message: `${engine} is a cluster engine; use clusterIdentifier instead`,
      });
    }
  }
  const create = obj(db.create);
  if (create && engine && !isAurora(engine) && typeof create.readers === "number" && create.readers > 0) {
    out.push({
      path: "provider.database.create.readers",
      message: `${engine} creates a Multi-AZ instance, which has no reader instances; remove readers or use ${auroraOf(engine)}`,
    });
  }
}

function checkPorts(provider: Raw, out: Problem[]) {
  const db = obj(provider.database);
  const engine = db && ENGINES.includes(db.engine as Engine) ? (db.engine as Engine) : undefined;
  if (!db || !engine) return;
  const existing = obj(db.existing);
  const create = obj(db.create);
  const failover = obj(provider.failover) ?? {};
  const database: DatabaseInput = {
    engine,
    ...(create ? { create: { readers: typeof create.readers === "number" ? create.readers : undefined } } : {}),
    ...(existing ? { existing: { clusterIdentifier: existing.clusterIdentifier as string | undefined, instanceIdentifier: existing.instanceIdentifier as string | undefined } } : {}),
  };
  if (failover.memberSlots !== undefined && (create || !isCluster(database))) {
    out.push({
      path: "provider.failover.memberSlots",
      message: create
        ? "applies to an existing cluster only: a created cluster gets one slot per instance; remove it"
        : "applies to clusters only: a Multi-AZ DB instance has no members to keep warm; remove it",
    });
  }
  const raw = obj(provider.ports) ?? {};
  const valid = (v: unknown) => v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535);
  if (!valid(raw.writer) || !(raw.reader === null || valid(raw.reader)) || !valid(raw.firstMember)) return; // reported by the schema
  const slots = typeof failover.memberSlots === "number" ? failover.memberSlots : undefined;
  const ports = resolvePorts(engine, raw as PortsInput, resolveMemberSlots(database, create ? undefined : slots));
  if (ports.reader !== null && ports.writer === ports.reader) {
    out.push({ path: "provider.ports.reader", message: `${ports.reader} is already used by provider.ports.writer; choose another port` });
  }
  const block = [...ports.members, ...ports.readerSets];
  if (block.length === 0) return;
  const [first, last] = [block[0], block[block.length - 1]];
  const where = raw.firstMember === undefined ? "provider.ports (the default member block)" : "provider.ports.firstMember";
  if (last > 65535) {
    out.push({ path: where, message: `the member block ${first}-${last} (${ports.members.length} slots, with their reader sets) ends above 65535; set provider.ports.firstMember to at most ${65535 - block.length + 1}` });
    return;
  }
  for (const [name, port] of [["writer", ports.writer], ["reader", ports.reader]] as const) {
    if (port !== null && port >= first && port <= last) {
      out.push({ path: `provider.ports.${name}`, message: `${port} falls inside the member block ${first}-${last}; choose another port or move provider.ports.firstMember` });
    }
  }
}

function checkSharing(provider: Raw, out: Problem[]) {
  const sharing = obj(provider.sharing);
  if (!sharing) return;
  const anyAllowed = sharing.allowAnyPrincipal === true;
  arr(sharing.allowedPrincipals).forEach((p, i) => {
    if (p === "*" && !anyAllowed) {
      out.push({
        path: `provider.sharing.allowedPrincipals[${i}]`,
        message: '"*" lets every AWS account request a connection; list account ARNs, or set provider.sharing.allowAnyPrincipal to true',
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

function checkConsumerPlacement(provider: Raw | undefined, consumer: Raw, at: string, out: Problem[]) {
  const pAccount = obj(provider?.account);
  const cAccount = obj(consumer.account);
  const sharing = obj(provider?.sharing) ?? {};
  // Compare only values that are valid on their own; invalid ones are reported by the schema.
  const validRegion = (r: unknown): r is string => typeof r === "string" && REGION.test(r);
  if (!pAccount || !cAccount || !validRegion(pAccount.region) || !validRegion(cAccount.region)) return;
  if (cAccount.region !== pAccount.region && !arr(sharing.supportedRegions).includes(cAccount.region)) {
    out.push({
      path: `${at}.account.region`,
      message: `${cAccount.region} differs from the provider's ${pAccount.region}; add it to provider.sharing.supportedRegions for cross-region PrivateLink`,
    });
  }
  const principals = arr(sharing.allowedPrincipals);
  if (typeof cAccount.accountId === "string" && sharing.allowAnyPrincipal !== true && !principals.includes("*")) {
    const id = cAccount.accountId;
    if (!principals.some((p) => typeof p === "string" && p.split(":")[4] === id)) {
      out.push({
        path: `${at}.account.accountId`,
        message: `${id} is not among provider.sharing.allowedPrincipals; add "arn:aws:iam::${id}:root" there`,
      });
    }
  }
  // Same-region consumers must sit in the provider's AZs; compare when both lists are in the config.
  const pIds = arr(obj(obj(provider?.network)?.create)?.azIds);
  const cIds = arr(obj(obj(consumer.network)?.create)?.azIds);
  const validIds = (ids: unknown[]) => ids.length > 0 && ids.every((id) => typeof id === "string" && AZ_ID.test(id));
  if (cAccount.region === pAccount.region && validIds(pIds) && validIds(cIds)) {
    const missing = cIds.filter((id) => !pIds.includes(id));
    if (missing.length > 0) {
      out.push({
        path: `${at}.network.create.azIds`,
        message: `${missing.join(", ")} not among the provider's AZ IDs (${pIds.join(", ")}); PrivateLink only serves the provider's zones`,
      });
    }
  }
}

