// Every IAM document the app synthesizes, parsed and held to least privilege: no "*" or
// "service:*" actions, "*" resources only for the listed actions, iam:PassRole always scoped,
// and trust policies that admit one AWS service of this account.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ENGINES } from "../../config/engines";
import { toResourceTransport } from "../terraform/matrix";
import { EXISTING_NETWORK, type Json, synthesize } from "../helpers";

const allow: { resourceStar: Array<{ action: string; reason: string }> } = JSON.parse(
  readFileSync(path.join(__dirname, "..", "..", "security", "iam-wildcards.json"), "utf8"),
);
const STAR_OK = new Set(allow.resourceStar.map((a) => a.action));

interface Doc {
  where: string;
  kind: "identity" | "trust" | "key";
  statements: Json[];
}

function documents(stacks: Record<string, Json>): Doc[] {
  const docs: Doc[] = [];
  for (const [stackName, stack] of Object.entries(stacks)) {
    const add = (type: string, attr: string, kind: Doc["kind"]) => {
      for (const [name, r] of Object.entries<Json>(stack.resource?.[type] ?? {})) {
        const text = r[attr];
        expect(typeof text).toBe("string"); // a JSON document, never an opaque expression
        docs.push({
          where: `${stackName}: ${type}.${name}.${attr}`,
          kind,
          statements: [JSON.parse(text).Statement].flat(),
        });
      }
    };
    add("aws_iam_role_policy", "policy", "identity");
    add("aws_iam_policy", "policy", "identity");
    add("aws_iam_role", "assume_role_policy", "trust");
    add("aws_kms_key", "policy", "key");
    add("aws_sqs_queue_policy", "policy", "identity");
    add("aws_sns_topic_policy", "policy", "identity");
  }
  return docs;
}

const list = (v: unknown): string[] => (v === undefined ? [] : [v].flat().map(String));

function problems(doc: Doc): string[] {
  const out: string[] = [];
  for (const s of doc.statements) {
    if (s.Effect !== "Allow") continue;
    const actions = list(s.Action);
    if (s.NotAction || s.NotResource) out.push(`${doc.where}: NotAction/NotResource grant more than they name`);
    for (const a of actions) {
      if (a === "*" || /^[a-z0-9-]+:\*$/.test(a)) out.push(`${doc.where}: action ${a} grants a whole service`);
    }
    if (doc.kind === "identity") {
      const resources = list(s.Resource);
      if (resources.length === 0) out.push(`${doc.where}: statement ${s.Sid ?? ""} names no resource`);
      if (resources.includes("*")) {
        for (const a of actions)
          if (!STAR_OK.has(a)) out.push(`${doc.where}: ${a} on "*" is not in security/iam-wildcards.json`);
      }
      if (
        actions.some((a) => a === "iam:PassRole" || a === "iam:*") &&
        (resources.includes("*") || resources.length === 0)
      ) {
        out.push(`${doc.where}: iam:PassRole without a named role`);
      }
    }
    if (doc.kind === "trust") {
      const services = list(s.Principal?.Service);
      if (services.length !== 1 || Object.keys(s.Principal ?? {}).length !== 1)
        out.push(`${doc.where}: trust must admit exactly one service principal`);
      if (!s.Condition?.StringEquals?.["aws:SourceAccount"])
        out.push(`${doc.where}: trust without an aws:SourceAccount condition`);
      if (list(s.Action).join() !== "sts:AssumeRole") out.push(`${doc.where}: trust grants more than sts:AssumeRole`);
    }
    if (doc.kind === "key") {
      const principal = s.Principal ?? {};
      if ((principal === "*" || list(principal.AWS).includes("*")) && !orgScopedDecryptThroughSsm(s))
        out.push(`${doc.where}: key policy open to any principal`);
      if (principal.Service && !s.Condition) out.push(`${doc.where}: service statement ${s.Sid} without a condition`);
    }
  }
  return out;
}

/**
 * The one way a key policy may name any principal: a share descriptor's readers in an
 * organization or OU, which a key policy cannot name otherwise. Such a statement must allow
 * kms:Decrypt alone, only through SSM, only for one parameter's encryption context, and only
 * for principals of the named organization or OU.
 */
function orgScopedDecryptThroughSsm(s: Json): boolean {
  const equals = s.Condition?.StringEquals ?? {};
  const org = equals["aws:PrincipalOrgID"] ?? s.Condition?.["ForAnyValue:StringLike"]?.["aws:PrincipalOrgPaths"];
  return (
    list(s.Action).join() === "kms:Decrypt" &&
    /^ssm\./.test(equals["kms:ViaService"] ?? "") &&
    /:parameter\//.test(equals["kms:EncryptionContext:PARAMETER_ARN"] ?? "") &&
    org !== undefined &&
    list(org).every((o: string) => /^o-[a-z0-9]+(\/|$)/.test(o))
  );
}

const configs: Array<[string, (c: Json) => void]> = [
  ["the demo", () => undefined],
  ["the function in a VPC", (c) => (c.provider.failover.vpcSubnetIds = ["subnet-0123456789abcdef0"])],
  ["the resource transport", toResourceTransport],
  ...ENGINES.map((engine): [string, (c: Json) => void] => [
    `an existing ${engine} database`,
    (c) => {
      c.provider.network = EXISTING_NETWORK;
      c.provider.database = {
        engine,
        existing: engine.startsWith("aurora") ? { clusterIdentifier: "db" } : { instanceIdentifier: "db" },
      };
      c.provider.ports = {};
      c.consumers[0].providerAzIds = ["use1-az1", "use1-az2"];
    },
  ]),
];

describe("IAM least privilege", () => {
  it.each(configs)("holds for every policy of %s", (_name, mutate) => {
    const docs = documents(synthesize(mutate).json);
    expect(docs.length).toBeGreaterThanOrEqual(5);
    expect(docs.flatMap(problems)).toEqual([]);
  });

  it("would catch a wildcard action, an unlisted '*' resource, an open PassRole and a loose trust", () => {
    const bad: Doc[] = [
      { where: "a", kind: "identity", statements: [{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b" }] },
      {
        where: "b",
        kind: "identity",
        statements: [{ Effect: "Allow", Action: "rds:DescribeDBClusters", Resource: "*" }],
      },
      { where: "c", kind: "identity", statements: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }] },
      {
        where: "d",
        kind: "trust",
        statements: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: "*" } }],
      },
      {
        where: "e",
        kind: "key",
        statements: [{ Effect: "Allow", Action: "kms:Decrypt", Principal: "*", Resource: "*" }],
      },
      {
        // An organization's principals, but not through SSM only.
        where: "f",
        kind: "key",
        statements: [
          {
            Effect: "Allow",
            Action: "kms:Decrypt",
            Principal: { AWS: "*" },
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123defg" } },
          },
        ],
      },
      {
        // Through SSM for an OU's principals, but more than decrypt.
        where: "g",
        kind: "key",
        statements: [
          {
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:Encrypt"],
            Principal: { AWS: "*" },
            Resource: "*",
            Condition: {
              StringEquals: {
                "kms:ViaService": "ssm.us-east-1.amazonaws.com",
                "kms:EncryptionContext:PARAMETER_ARN": "arn:aws:ssm:us-east-1:111111111111:parameter/x",
              },
              "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-abc123defg/*/ou-ab12-cd34ef56/*"] },
            },
          },
        ],
      },
    ];
    const found = bad.flatMap(problems);
    for (const where of ["a:", "b:", "c:", "d:", "e:", "f:", "g:"])
      expect(found.some((p) => p.startsWith(where))).toBe(true);
  });

  it("lists a reason for every allowed '*' resource", () => {
    for (const entry of allow.resourceStar) expect(entry.reason.length).toBeGreaterThan(10);
  });
});
