// One lookup of account, partition and region per stack, made on first use and shared by every
// construct of the stack: each construct asks StackContext.of(this) instead of declaring its own.
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";

export class StackContext extends Construct {
  private account?: DataAwsCallerIdentity;
  private partitionLookup?: DataAwsPartition;
  private regionLookup?: DataAwsRegion;

  /** The stack's context, created under the stack the first time any construct asks. */
  static of(scope: Construct): StackContext {
    const stack = TerraformStack.of(scope);
    return (stack.node.tryFindChild("Context") as StackContext | undefined) ?? new StackContext(stack, "Context");
  }

  get accountId(): string {
    this.account ??= new DataAwsCallerIdentity(this, "Account");
    return this.account.accountId;
  }

  get partition(): string {
    this.partitionLookup ??= new DataAwsPartition(this, "Partition");
    return this.partitionLookup.partition;
  }

  /** The region's name (DataAwsRegion.name; it becomes .region with the AWS provider 6.x bindings). */
  get region(): string {
    this.regionLookup ??= new DataAwsRegion(this, "Region");
    return this.regionLookup.name;
  }

  /** arn:<partition>:<service>:<region>:<account>:<resource> of this stack's account and region. */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }
}
