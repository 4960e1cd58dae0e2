// Every member of an existing database must sit in an Availability Zone the NLB enables: a
// target in any other zone reads "unused" (Target.NotInUse) and never gets traffic (ELB API
// Reference, TargetHealth). A created database needs no check: its subnet group is the NLB's
// subnets. For an existing one the zones are known at plan time, so the plan stops there,
// naming the member and its zone, instead of the function finding out after the apply.
import { DataAwsDbInstance } from "@cdktf/provider-aws/lib/data-aws-db-instance";
import { Fn, TerraformIterator, TerraformLocal, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { ShareScope } from "../share-scope";
import type { Database } from "./database";
import type { Network } from "./network";

export interface DatabaseZonesProps {
  /** The existing database: a cluster (every member is checked) or one instance. */
  readonly database: Database;
  /** The NLB's subnets, whose zones are the enabled ones. */
  readonly network: Network;
}

export class DatabaseZones extends Construct {
  constructor(scope: Construct, id: string, props: DatabaseZonesProps) {
    super(scope, id);
    const ref = props.database.ref;
    // A named local keeps the condition short in the plan (the zones of the NLB's subnets).
    const zones = new TerraformLocal(ShareScope.of(this) ?? TerraformStack.of(this), "nlb_zones", props.network.azNames)
      .asList;
    const check = (what: string) => ({
      // self is the instance being read; a template, as in consumer-endpoint.ts.
      condition: `\${contains(${Token.asString(zones)}, self.availability_zone)}`,
      errorMessage: `${what} is in an Availability Zone the load balancer does not enable, so its targets would read "unused" and get no traffic. Add a provider subnet in that zone to provider.network, or move the instance.`,
    });
    if (ref.kind === "cluster") {
      // The members come from the database's own lookup of the cluster: one read of it per plan.
      const members = TerraformIterator.fromList(Fn.tolist(ref.memberIdentifiers));
      new DataAwsDbInstance(this, "Member", {
        forEach: members,
        dbInstanceIdentifier: members.value,
        lifecycle: {
          postcondition: [
            check(
              `Member \${self.db_instance_identifier} of cluster ${ref.identifier} (zone \${self.availability_zone})`,
            ),
          ],
        },
      });
    } else {
      // A second read of the instance, beside the database's own (Database/Instance), on purpose:
      // a postcondition belongs to the block that declares it, and this check belongs to the
      // NLB's zones. On the database's lookup it would move the check's address (the one a
      // failed plan names, data.aws_db_instance.DatabaseZones_Instance) and make the lookup,
      // which the resource transport shares without any NLB, know about the NLB's zones.
      new DataAwsDbInstance(this, "Instance", {
        dbInstanceIdentifier: ref.identifier,
        lifecycle: { postcondition: [check(`Instance ${ref.identifier} (zone \${self.availability_zone})`)] },
      });
    }
  }
}
