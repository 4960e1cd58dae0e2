// One share's descriptor: an SSM parameter in the provider's account that holds everything a
// consumer needs to connect (config/descriptor.ts) and nothing secret, shared through AWS RAM
// with the share's principals, so that a consumer's pipeline reads it with its own account's
// credentials instead of the provider's Terraform state.
//
// - Advanced tier: "To share a parameter, it must be in the advanced parameter tier" (AWS
//   Systems Manager User Guide, "Working with shared parameters in Parameter Store").
// - SecureString under the provider's operations key, as every other piece of data this project
//   stores: a shared SecureString "must be encrypted with a customer managed key, and you must
//   share the key separately" (same page). The key's policy lets the share's principals decrypt
//   this parameter only, through SSM only (OperationsKey.grantParameterRead).
// - RAM's default permission for parameters, AWSRAMDefaultPermissionSSMParameterReadOnly
//   (DescribeParameters, GetParameter, GetParameters): consumers read, never write.
import { RamPrincipalAssociation } from "@cdktf/provider-aws/lib/ram-principal-association";
import { RamResourceAssociation } from "@cdktf/provider-aws/lib/ram-resource-association";
import { RamResourceShare } from "@cdktf/provider-aws/lib/ram-resource-share";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { DESCRIPTOR_SCHEMA_VERSION, descriptorParameterName, type ShareDescriptor } from "../../config/descriptor";
import type { Config } from "../../config/resolve";
import { caBundleOf } from "../connection-strings";
import { StackContext } from "../stack-context";
import type { DescriptorPart } from "../transports/transport";
import type { DatabaseNames } from "./consumer-rds-names";
import type { OperationsKey } from "./operations-key";
import { ramPrincipalKey } from "./resource-share";

export interface ShareDescriptorProps {
  readonly config: Config;
  /** The provider's AZ IDs (the network's). */
  readonly azIds: string[];
  readonly databaseNames: DatabaseNames;
  /** The transport's fields of the descriptor and the RAM share it goes in. */
  readonly part: DescriptorPart;
  readonly key: OperationsKey;
}

export class ShareDescriptorParameter extends Construct {
  readonly parameter: SsmParameter;
  /** The parameter's ARN: consumers in other accounts must read it by ARN, not by name. */
  readonly arn: string;
  readonly name: string;
  /** The descriptor's own RAM share; absent when the transport's share carries it, or no account can be named. */
  readonly share?: RamResourceShare;

  constructor(scope: Construct, id: string, props: ShareDescriptorProps) {
    super(scope, id);
    const { config, part, key } = props;
    const ctx = StackContext.of(this);
    this.name = descriptorParameterName(config.nameScope);
    // Built, not read from the parameter: the key's policy names it, and the parameter names the key.
    const arn = ctx.arn("ssm", `parameter${this.name}`);
    this.parameter = new SsmParameter(this, "Parameter", {
      name: this.name,
      description: `What consumers of ${config.name} need to connect (schema ${DESCRIPTOR_SCHEMA_VERSION}); nothing secret`,
      type: "SecureString",
      tier: "Advanced",
      keyId: key.arn,
      value: Fn.jsonencode(descriptorOf(props)),
      tags: { Name: `${config.name}-descriptor` },
    });
    this.arn = this.parameter.arn;
    if (part.ramPrincipals.length > 0)
      key.grantParameterRead({ who: config.name, parameterArn: arn, principals: part.ramPrincipals });

    // The transport's own share already reaches the share's principals: the descriptor joins it.
    let resourceShareArn = part.resourceShareArn;
    if (resourceShareArn === undefined) {
      if (part.ramPrincipals.length === 0) return;
      this.share = new RamResourceShare(this, "Share", {
        name: `${config.name}-descriptor`,
        allowExternalPrincipals: part.allowExternalPrincipals,
        tags: { Name: `${config.name}-descriptor` },
      });
      resourceShareArn = this.share.arn;
      // One association per principal, keyed by it: adding an account adds one resource.
      for (const principal of part.ramPrincipals)
        new RamPrincipalAssociation(this, `Principal-${ramPrincipalKey(principal)}`, {
          resourceShareArn,
          principal,
        });
    }
    new RamResourceAssociation(this, "ParameterAssociation", { resourceShareArn, resourceArn: this.parameter.arn });
  }
}

/** The descriptor's fields, Terraform tokens where the value is known only at apply. */
function descriptorOf(props: ShareDescriptorProps): ShareDescriptor {
  const { config, azIds, databaseNames: names, part } = props;
  const provider = config.provider;
  const region = provider.account.region;
  const bundle = caBundleOf(config);
  const common = {
    schemaVersion: DESCRIPTOR_SCHEMA_VERSION,
    region,
    supportedRegions: [...new Set([region, ...part.supportedRegions])],
    azIds,
    ports: { writer: provider.ports.writer, reader: provider.ports.reader, members: provider.ports.members },
    database: {
      engine: provider.database.engine,
      kind: provider.database.kind,
      names: { writer: names.writer, reader: names.reader ?? null, instances: names.instances ?? [] },
      proxy: provider.database.proxy ? { readOnlyEndpoint: provider.database.proxy.readOnlyEndpoint } : null,
    },
    tls: { caBundle: { file: bundle.file, url: bundle.url ?? null } },
  };
  return { ...common, ...part.fields };
}
