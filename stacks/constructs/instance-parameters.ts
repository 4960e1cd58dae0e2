// The DB parameter group of a created MySQL-family database's instances. Its reason to exist is
// MySQL host blocking, prevented: a MySQL-family server counts every connection that closes
// before the handshake as a connect error of the client's address, and after max_connect_errors
// of them in a row refuses that address until FLUSH HOSTS. Each NLB node TCP-health-checks
// every registered target from its own address, the same address PrivateLink clients arrive
// from, so a blocked node address blocks real clients too. docs/health-checks.md has the sources.
import { DataAwsRdsEngineVersion } from "@cdktf/provider-aws/lib/data-aws-rds-engine-version";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import type { Engine } from "../../config/engines";

export const MAX_CONNECT_ERRORS_PARAMETER = "max_connect_errors";

/**
 * The value the created database ships with: 2^32 - 1, the highest value every server of the
 * family accepts (MariaDB's maximum; MySQL 8's is 2^64 - 1 on 64-bit builds). Health checks
 * from one NLB node reach an instance at (target groups holding it) / (10 s interval): at 16
 * groups, 1.6 probes/s, it takes 85 years without one successful login through that node to
 * reach it (docs/health-checks.md).
 */
export const MAX_CONNECT_ERRORS = 4_294_967_295;

/** MySQL's own default (5.6.6 and later, 8.0, 8.4): what an instance without the setting runs with. */
export const ENGINE_DEFAULT_MAX_CONNECT_ERRORS = 100;

/** The engines whose servers keep a host cache and block hosts: the MySQL family. */
export function blocksHosts(engine: Engine): boolean {
  return engine === "aurora-mysql" || engine === "mysql";
}

export interface InstanceParametersProps {
  /** Prefixes the group's name: the share's name. */
  readonly name: string;
  readonly engine: "aurora-mysql" | "mysql";
  /**
   * Aurora: the created cluster's engine_version_actual, known before its instances exist, so
   * the group's family is the one the cluster really runs. RDS for MySQL: the configured
   * version, or none for the engine's default.
   */
  readonly engineVersion?: string;
}

/**
 * A DB parameter group with a high max_connect_errors, for the created database's instances.
 * A DB parameter group, not a DB cluster parameter group, for both engines: Aurora MySQL lists
 * max_connect_errors among its instance-level parameters (modifiable), and a Multi-AZ DB
 * instance of RDS for MySQL takes its parameters from a DB parameter group (AWS: "Aurora MySQL
 * configuration parameters", "Overview of parameter groups").
 *
 * On RDS for MySQL the group also requires TLS: checkov's CKV2_AWS_69 asks it of every MySQL
 * instance with a group. (On Aurora MySQL require_secure_transport is a cluster-level
 * parameter, so it has no place here.)
 */
export class InstanceParameters extends Construct {
  /** The group's name, for the instances' db_parameter_group_name / parameter_group_name. */
  readonly groupName: string;

  constructor(scope: Construct, id: string, props: InstanceParametersProps) {
    super(scope, id);
    let family: string;
    let fromDefault = false;
    if (props.engine === "aurora-mysql") {
      if (!props.engineVersion)
        throw new Error("an Aurora parameter group follows the cluster's engine_version_actual; pass it");
      // 8.0.mysql_aurora.3.08.0 -> aurora-mysql8.0: the family is the major.minor of the version.
      family = Fn.format("aurora-mysql%s", [majorMinor(props.engineVersion)]);
    } else if (props.engineVersion) {
      family = `mysql${props.engineVersion.split(".").slice(0, 2).join(".")}`;
    } else {
      // No version in the config: the instance is created at the engine's default version, and
      // the group must match it before the instance exists, so RDS is asked for that default.
      family = new DataAwsRdsEngineVersion(this, "DefaultVersion", { engine: "mysql", defaultOnly: true })
        .parameterGroupFamily;
      fromDefault = true;
    }
    const group = new DbParameterGroup(this, "Group", {
      name: `${props.name}-database`,
      family,
      description: `${props.name}: max_connect_errors high enough that the load balancer's health checks never block its addresses${props.engine === "mysql" ? "; TLS required" : ""}`,
      parameter: [
        { name: MAX_CONNECT_ERRORS_PARAMETER, value: String(MAX_CONNECT_ERRORS), applyMethod: "immediate" },
        ...(props.engine === "mysql"
          ? [{ name: "require_secure_transport", value: "1", applyMethod: "immediate" }]
          : []),
      ],
      // RDS's default version moves on; the instance stays on the version it was created with,
      // and so must its group. A pinned engineVersion is followed as configured. (A major
      // upgrade needs a group of the new family: docs/health-checks.md.)
      lifecycle: fromDefault ? { ignoreChanges: ["family"] } : undefined,
    });
    this.groupName = group.name;
  }
}

function majorMinor(version: string): string {
  return Fn.join(".", Fn.slice(Fn.split(".", version), 0, 2));
}
