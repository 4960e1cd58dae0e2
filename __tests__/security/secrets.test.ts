// No secret in what the app writes: synthesized JSON, its outputs, or (in the integration
// tier) the function's logs. The database password lives only in Secrets Manager.
import { ENGINES } from "../../config/engines";
import { toResourceTransport } from "../terraform/matrix";
import { EXISTING_NETWORK, type Json, synthesize } from "../helpers";

const SECRET_KEY = /(password|passwd|secret|token|private_key|access_key|secret_key|credentials)/i;
// Keys that name a secret's settings, never its value.
const SETTINGS = new Set(["manage_master_user_password", "master_user_secret_kms_key_id"]);

/** Every attribute whose name suggests a secret and whose value is a literal, with its path. */
function literalSecrets(value: unknown, at = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => literalSecrets(v, `${at}[${i}]`));
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const here = at ? `${at}.${k}` : k;
    if (SECRET_KEY.test(k) && !SETTINGS.has(k) && typeof v === "string" && v !== "" && !v.includes("${"))
      return [`${here} = ${v}`];
    if (SECRET_KEY.test(k) && !SETTINGS.has(k) && (typeof v === "number" || typeof v === "boolean"))
      return [`${here} = ${v}`];
    return literalSecrets(v, here);
  });
}

describe("secrets", () => {
  const configs: Array<[string, (c: Json) => void]> = [
    ["the demo", () => undefined],
    ["the resource transport", toResourceTransport],
    ...ENGINES.map((engine): [string, (c: Json) => void] => [
      `a created ${engine}`,
      (c) => {
        c.provider.database = { engine, create: {} };
        c.provider.ports = {};
      },
    ]),
    [
      "s3 state with a role",
      (c) =>
        (c.provider.backend = { type: "s3", bucket: "state-bucket", roleArn: "arn:aws:iam::111111111111:role/state" }),
    ],
    [
      "an existing network",
      (c) => {
        c.provider.network = EXISTING_NETWORK;
        c.consumers[0].providerAzIds = ["use1-az1", "use1-az2"];
      },
    ],
  ];

  it.each(configs)("none appears as a literal in the synthesized JSON of %s", (_name, mutate) => {
    const { json } = synthesize(mutate);
    expect(literalSecrets(json)).toEqual([]);
  });

  it("lets RDS manage the master password, and no output exposes the secret", () => {
    const { json } = synthesize();
    const cluster = Object.values<Json>(json.provider.resource.aws_rds_cluster)[0];
    expect(cluster.manage_master_user_password).toBe(true);
    expect(cluster.master_password).toBeUndefined();
    for (const stack of Object.values<Json>(json)) {
      for (const [name, out] of Object.entries<Json>(stack.output ?? {})) {
        const text = JSON.stringify(out.value);
        if (/master_user_secret|secret_string|password/.test(text))
          expect(`${name} sensitive=${out.sensitive}`).toBe(`${name} sensitive=true`);
      }
    }
  });

  it("would catch a literal password", () => {
    expect(
      literalSecrets({
        resource: { aws_db_instance: { x: { password: "hunter2", manage_master_user_password: true } } },
      }),
    ).toEqual(["resource.aws_db_instance.x.password = hunter2"]);
  });
});
