// The database's own RDS names, answered inside the consumer's VPC with its interface endpoint,
// so that a client connects by the name the server certificate carries and can verify it.
//
// Layout: one private hosted zone per exact name, with one alias record at its apex.
// - A zone for rds.amazonaws.com or <region>.rds.amazonaws.com would answer for every RDS
//   database in the region: inside this VPC, the consumer's own databases and any other share
//   would stop resolving (Route 53 answers from the most specific private zone and does not
//   fall back to public DNS for names the zone lacks).
// - A zone named exactly <cluster>.cluster-<id>.<region>.rds.amazonaws.com shadows that one
//   name only. The reader (cluster-ro) and instance names are siblings, not children, of the
//   cluster name, so each needs its own zone.
// - Aliases, not CNAMEs: an alias to the endpoint's regional DNS name is allowed at a zone
//   apex, where a CNAME is not.
// Which names the certificates carry (the CN and beyond) and how the names are built: see
// docs/tls.md.
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { TerraformIterator, TerraformLocal, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ShareScope } from "../share-scope";

/** The names a client uses: the writer's, the reader endpoint's (clusters) and the members' instance endpoints. */
export interface DatabaseNames {
  /** The cluster endpoint, or a Multi-AZ instance's address. */
  readonly writer: string;
  /** Clusters: the reader endpoint (cluster-ro). */
  readonly reader?: string;
  /** Clusters: every member's instance endpoint (a token list when it comes from the provider). */
  readonly instances?: string[];
}

export interface RdsNameZonesProps {
  readonly names: DatabaseNames;
  readonly shareName: string;
  readonly vpcId: string;
  /** The interface endpoint's regional DNS entry, which every record aliases. */
  readonly target: { readonly name: string; readonly zoneId: string };
}

export class RdsNameZones extends Construct {
  readonly writerZone: Route53Zone;
  readonly readerZone?: Route53Zone;
  /** One zone per instance name (for_each, keyed by the name). */
  readonly instanceZones?: Route53Zone;

  constructor(scope: Construct, id: string, props: RdsNameZonesProps) {
    super(scope, id);
    const { names, target } = props;
    const zone = (zoneId: string, name: string, what: string, forEach?: TerraformIterator) =>
      new Route53Zone(this, zoneId, {
        forEach,
        name,
        comment: `${what} of the ${props.shareName} database, answered with this VPC's endpoint so that TLS clients can verify it`,
        vpc: [{ vpcId: props.vpcId }],
      });
    const alias = { name: target.name, zoneId: target.zoneId, evaluateTargetHealth: false };
    const apexRecord = (recordId: string, z: Route53Zone) =>
      new Route53Record(this, recordId, { zoneId: z.zoneId, name: z.name, type: "A", alias });

    this.writerZone = zone("WriterZone", names.writer, "The writer's RDS name");
    apexRecord("WriterRecord", this.writerZone);
    if (names.reader) {
      this.readerZone = zone("ReaderZone", names.reader, "The reader endpoint's RDS name");
      apexRecord("ReaderRecord", this.readerZone);
    }
    if (names.instances) {
      // Keyed by the name, not by position: a member added or removed touches no other zone.
      // A named local keeps the list readable in the plan (and in the tests that read it).
      const list = new TerraformLocal(
        ShareScope.of(this) ?? TerraformStack.of(this),
        "rds_instance_names",
        names.instances,
      );
      const it = TerraformIterator.fromList(list.asList);
      this.instanceZones = zone("InstanceZones", it.value, "An instance's RDS name", it);
      const each = TerraformIterator.fromResources(this.instanceZones);
      new Route53Record(this, "InstanceRecords", {
        forEach: each,
        zoneId: each.getString("zone_id"),
        name: each.getString("name"),
        type: "A",
        alias,
      });
    }
  }
}
