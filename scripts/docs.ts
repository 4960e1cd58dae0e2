// npm run docs: rewrites every generated section of the README and docs/ from the code itself,
// so the figures cannot drift (a test compares each section with what this would write):
//   the diagram in README.md (from config/default.json), the config reference in
//   docs/configuration.md (from the schema), and the resources and deploy permissions of each
//   stack in docs/resources-and-permissions.md (from the synthesized demo and the
//   resource-transport example).
import { App } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DEFAULT_CONFIG, loadConfigFile } from "../config/load";
import { buildApp } from "../stacks/app";
import { BEGIN as REF_BEGIN, END as REF_END, PAGE as REF_PAGE, configReference } from "./config-reference";
import { BEGIN as DIAGRAM_BEGIN, END as DIAGRAM_END, readmeDiagram } from "./readme-diagram";
import { docsPage, writeSection } from "./readme-section";
import { helpIfAsked } from "./usage";

export const RESOURCES_BEGIN = "<!-- stack-resources:begin -->";
export const RESOURCES_END = "<!-- stack-resources:end -->";
/** The page that holds the resources and permissions of each stack. */
export const RESOURCES_PAGE = docsPage("resources-and-permissions.md");

/** The IAM service namespace that manages each Terraform resource or data source type. */
const SERVICE: Array<[RegExp, string]> = [
  [/^aws_(lb|lb_listener|lb_target_group|lb_target_group_attachment)$/, "elasticloadbalancing"],
  [
    /^aws_(vpc|subnet|subnets|security_group|vpc_security_group_\w+|route_table|route_table_association|flow_log|vpc_endpoint\w*|availability_zones|network_interface|ec2_\w+|default_security_group|network_acl\w*)$/,
    "ec2",
  ],
  [/^aws_db_\w+|^aws_rds_\w+$/, "rds"],
  [/^aws_lambda_\w+$/, "lambda"],
  [/^aws_iam_\w+$/, "iam"],
  [/^aws_kms_\w+$/, "kms"],
  [/^aws_sqs_\w+$/, "sqs"],
  [/^aws_sns_\w+$/, "sns"],
  [/^aws_cloudwatch_log_\w+$/, "logs"],
  [/^aws_cloudwatch_event_\w+$/, "events"],
  [/^aws_cloudwatch_(metric_alarm|dashboard|composite_alarm)$/, "cloudwatch"],
  [/^aws_route53_\w+$/, "route53"],
  [/^aws_ram_\w+$/, "ram"],
  [/^aws_vpclattice_\w+$/, "vpc-lattice"],
  [/^aws_secretsmanager_\w+$/, "secretsmanager"],
  [/^aws_ssm_\w+$/, "ssm"],
  [/^aws_(caller_identity|partition)$/, "sts"],
  [/^aws_region$/, "(none: provider metadata)"],
  [/^archive_file$/, "(none: archive provider, local)"],
  [/^terraform_remote_state$/, "(the provider's state backend)"],
];

export function serviceOf(type: string): string {
  const hit = SERVICE.find(([re]) => re.test(type));
  if (!hit) throw new Error(`${type}: no IAM service known for it; add it to SERVICE in scripts/docs.ts`);
  return hit[1];
}

type Counts = Record<string, Record<string, number>>;

/** Resource types and counts per stack, from a real synth of the config. */
export function synthCounts(configFile: string): { resources: Counts; data: Counts } {
  const outdir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-docs-"));
  try {
    const app = new App({ outdir, skipValidation: true });
    const { provider, consumers } = buildApp(loadConfigFile(configFile), app);
    app.synth();
    const resources: Counts = {};
    const data: Counts = {};
    for (const id of [provider.node.id, ...consumers.map((c) => c.node.id)]) {
      const json = JSON.parse(readFileSync(path.join(outdir, "stacks", id, "cdk.tf.json"), "utf8"));
      const count = (block: Record<string, object> = {}) =>
        Object.fromEntries(Object.entries(block).map(([t, byName]) => [t, Object.keys(byName).length]));
      resources[id] = count(json.resource);
      data[id] = count(json.data);
    }
    return { resources, data };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export const RESOURCE_EXAMPLE = path.join(__dirname, "..", "examples", "resource-share-organization", "config.json");
export const PROXY_EXAMPLE = path.join(__dirname, "..", "examples", "proxy", "config.json");

export function stackResources(): string {
  const out: string[] = [];
  for (const [label, file] of [
    ["the demo (`config/default.json`, endpoint-service transport)", DEFAULT_CONFIG],
    ["the resource transport (`examples/resource-share-organization`)", RESOURCE_EXAMPLE],
    ["a share behind an RDS Proxy (`examples/proxy`)", PROXY_EXAMPLE],
  ] as const) {
    const { resources, data } = synthCounts(file);
    out.push(`Resources of ${label}:`, "", "| stack | resource | count | IAM service |", "| --- | --- | --- | --- |");
    for (const [stack, types] of Object.entries(resources)) {
      for (const [type, n] of Object.entries(types).sort())
        out.push(`| ${stack} | \`${type}\` | ${n} | ${serviceOf(type)} |`);
    }
    out.push("");
    const total = Object.entries(resources).map(
      ([stack, types]) => `${stack} ${Object.values(types).reduce((a, b) => a + b, 0)}`,
    );
    out.push(`Total: ${total.join(", ")}.`, "");
    out.push(
      "Deploy permissions per stack: the IAM services the deploying principal acts in (create, read, update, tag and delete the resources above; read the data sources):",
      "",
    );
    out.push("| stack | IAM services | data sources read |", "| --- | --- | --- |");
    for (const stack of Object.keys(resources)) {
      const services = new Set(
        [...Object.keys(resources[stack]), ...Object.keys(data[stack])]
          .map(serviceOf)
          .filter((s) => !s.startsWith("(")),
      );
      out.push(
        `| ${stack} | ${[...services].sort().join(", ")} | ${
          Object.keys(data[stack])
            .sort()
            .map((t) => `\`${t}\``)
            .join(", ") || "none"
        } |`,
      );
    }
    out.push("");
  }
  return out.join("\n").trim();
}

if (require.main === module) {
  helpIfAsked(__filename);
  writeSection(DIAGRAM_BEGIN, DIAGRAM_END, readmeDiagram());
  writeSection(REF_BEGIN, REF_END, configReference(), REF_PAGE);
  writeSection(RESOURCES_BEGIN, RESOURCES_END, stackResources(), RESOURCES_PAGE);
  process.stdout.write(
    "updated the diagram in README.md, the config reference in docs/configuration.md and the stack resources in docs/resources-and-permissions.md\n",
  );
}
