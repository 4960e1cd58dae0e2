// IAM documents as JSON strings (Terraform interpolates the references inside them), so that
// reviewers, scanners and the policy test read every policy as a document.

/** A trust policy for one AWS service, limited to this account by aws:SourceAccount. */
export function serviceTrustPolicy(service: string, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  });
}

export function policyDocument(statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
