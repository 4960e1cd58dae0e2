// Every member of an existing database must sit in an Availability Zone the NLB enables: a
// target in any other zone reads "unused" (Target.NotInUse) and never gets traffic (ELB API
// Reference, TargetHealth). A created database needs no check: its subnet group is the NLB's
// subnets. For an existing one the zones are known at plan time, so the plan stops there,
// naming the member and its zone, instead of the function finding out after the apply.
import { DataAwsDbInstance } from "@cdktf/provider-aws/lib/data-aws-db-instance";
import { DataAwsRdsCluster } from "@cdktf/provider-aws/lib/data-aws-rds-cluster";
import { Fn, TerraformIterator, TerraformLocal, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { Network } from "./network";

export interface DatabaseZonesProps {
  /** The existing database: a cluster (every member is checked) or one instance. */
  readonly existing: { readonly clusterIdentifier?: string; readonly instanceIdentifier?: string };
  /** The NLB's subnets, whose zones are the enabled ones. */
  readonly network: Network;
}

export class DatabaseZones extends Construct {
  constructor(scope: Construct, id: string, props: DatabaseZonesProps) {
    super(scope, id);
    // A named local keeps the condition short in the plan (the zones of the NLB's subnets).
    const zones = new TerraformLocal(TerraformStack.of(this), "nlb_zones", props.network.azNames).asList;
    const check = (what: string) => ({
      // self is the instance being read; a template, as in consumer-endpoint.ts.
      condition: `\${contains(${Token.asString(zones)}, self.availability_zone)}`,
      errorMessage: `${what} is in an Availability Zone the load balancer does not enable, so its targets would read "unused" and get no traffic. Add a provider subnet in that zone to provider.network, or move the instance.`,
    });
    if (props.existing.clusterIdentifier) {
      const cluster = new DataAwsRdsCluster(this, "Cluster", { clusterIdentifier: props.existing.clusterIdentifier });
      const members = TerraformIterator.fromList(Fn.tolist(cluster.clusterMembers));
      new DataAwsDbInstance(this, "Member", {
        forEach: members,
        dbInstanceIdentifier: members.value,
        lifecycle: { postcondition: [check(`Member \${self.db_instance_identifier} of cluster ${props.existing.clusterIdentifier} (zone \${self.availability_zone})`)] },
      });
    } else if (props.existing.instanceIdentifier) {
      new DataAwsDbInstance(this, "Instance", {
        dbInstanceIdentifier: props.existing.instanceIdentifier,
        lifecycle: { postcondition: [check(`Instance ${props.existing.instanceIdentifier} (zone \${self.availability_zone})`)] },
      });
    }
  }
}
