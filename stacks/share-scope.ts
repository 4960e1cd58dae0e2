// The construct that holds one share's part of a stack: in the provider stack its database and
// transport (stacks/share.ts), in a consumer stack its way in. Of several shares, each is named by
// its share, and its outputs are <share>_<output>. The single-database form's share has the id
// cdktf leaves out of every logical id ("Default", as in the AWS CDK): its resources and outputs
// keep the top-level addresses that every release before shares gave them.
import { TerraformLocal, type TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { type ShareConfig, shareOutputName } from "../config/resolve";

/** What names a share's scope: its name, and whether it is one of several (scoped) or the single database. */
export type ShareIdentity = Pick<ShareConfig, "name" | "scoped">;

/** The id that cdktf's makeUniqueId drops from a logical id's path (HIDDEN_ID in cdktf/lib/private/unique.js). */
export const UNSCOPED_SHARE_ID = "Default";

export class ShareScope extends Construct {
  constructor(
    scope: Construct,
    readonly share: ShareIdentity,
  ) {
    super(scope, share.scoped ? share.name : UNSCOPED_SHARE_ID);
  }

  /** The share that holds a construct; undefined for what the stack holds for every share. */
  static of(construct: Construct): ShareScope | undefined {
    return [...construct.node.scopes].reverse().find((s): s is ShareScope => s instanceof ShareScope);
  }

  /** An output's name in the stack: the contract's own for the single-database form, <share>_<name> otherwise. */
  outputName(name: string): string {
    return this.share.scoped ? shareOutputName(this.share.name, name) : name;
  }
}

/** A local of the whole stack, created by the first share that needs it: its value must not depend on the share. */
export function stackLocal(stack: TerraformStack, id: string, value: unknown): TerraformLocal {
  return (stack.node.tryFindChild(id) as TerraformLocal | undefined) ?? new TerraformLocal(stack, id, value);
}
