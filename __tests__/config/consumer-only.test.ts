// A consumer-only config (config/consumer-only.ts): a consumer team's own config, with each share
// known by its saved descriptor. Its one stack is the stack the provider's config gives the same
// consumer under shareFacts "descriptor", byte for byte, so a team can move its consumer out of the
// provider's config (or into it) without a change to its resources or its state.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { descriptorParameterName } from "../../config/descriptor";
import {
  ConfigError,
  isConsumerOnlyConfig,
  loadAnyConfigFile,
  loadConfigFile,
  validateConfig,
} from "../../config/load";
import type { Config } from "../../config/resolve";
import { buildApp } from "../../stacks/app";
import { buildConsumerApp } from "../../stacks/consumer-app";
import { type Json, demoInput } from "../helpers";
import { toResourceTransport } from "../terraform/matrix";

const ROOT = path.join(__dirname, "..", "..");
const CONSUMER = {
  name: "reports",
  account: { region: "us-east-1", profile: "reports", accountId: "333333333333" },
  backend: { type: "local" },
  network: { create: { cidr: "10.40.0.0/16", azIds: ["use1-az1", "use1-az2"] } },
  allowedCidrs: ["10.40.0.0/16"],
};

/** What `aws ssm get-parameter --with-decryption` prints for a share's descriptor (AWS CLI Command Reference, ssm get-parameter, example 1's shape). */
function savedParameter(arn: string, value: Json): Json {
  return {
    Parameter: {
      Name: arn,
      Type: "SecureString",
      Value: JSON.stringify(value),
      Version: 3,
      LastModifiedDate: "2026-12-01T09:30:00.000000+00:00",
      ARN: arn,
      DataType: "text",
    },
  };
}

/** The descriptor the provider stack would publish for `config`, with made-up names and ids where its values are known only at apply. */
function descriptorOf(config: Config): Json {
  const p = config.provider;
  const region = p.account.region;
  const cluster = p.database.kind === "cluster";
  const proxy = p.database.proxy;
  // A share behind a proxy writes schema 1.1 (database.proxy); the others are saved as 1.0, without it, as older providers wrote them.
  if (proxy)
    return {
      schemaVersion: "1.1",
      transport: p.transport,
      region,
      supportedRegions: [region, ...(p.sharing.supportedRegions ?? [])],
      azIds: ["use1-az1", "use1-az2"],
      ports: { writer: p.ports.writer, reader: p.ports.reader, members: p.ports.members },
      database: {
        engine: p.database.engine,
        kind: p.database.kind,
        names: {
          writer: `${config.name}-proxy.proxy-abc.${region}.rds.amazonaws.com`,
          reader: proxy.readOnlyEndpoint
            ? `${config.name}-proxy-ro.endpoint.proxy-abc.${region}.rds.amazonaws.com`
            : null,
          instances: [],
        },
        proxy: { readOnlyEndpoint: proxy.readOnlyEndpoint },
      },
      tls: { caBundle: { file: "amazon-root-cas.pem", url: "https://www.amazontrust.com/repository/" } },
      endpointService: { serviceName: `com.amazonaws.vpce.${region}.vpce-svc-0123456789abcdef0` },
    };
  return {
    schemaVersion: "1.0",
    transport: p.transport,
    region,
    supportedRegions: [region, ...(p.sharing.supportedRegions ?? [])],
    azIds: ["use1-az1", "use1-az2"],
    ports: { writer: p.ports.writer, reader: p.ports.reader, members: p.ports.members },
    database: {
      engine: p.database.engine,
      kind: p.database.kind,
      names: {
        writer: `${config.name}.cluster-abc.${region}.rds.amazonaws.com`,
        reader: cluster ? `${config.name}.cluster-ro-abc.${region}.rds.amazonaws.com` : null,
        instances: cluster ? [`${config.name}-0.abc.${region}.rds.amazonaws.com`] : [],
      },
    },
    tls: { caBundle: { file: `${region}-bundle.pem`, url: null } },
    ...(p.transport === "endpoint-service"
      ? { endpointService: { serviceName: `com.amazonaws.vpce.${region}.vpce-svc-0123456789abcdef0` } }
      : {
          resource: {
            definition: p.resourceDefinition,
            databaseConfigurationArn:
              p.resourceDefinition === "arn" ? "arn:aws:vpc-lattice:x:1:resourceconfiguration/rcfg-1" : null,
            writerConfigurationArn:
              p.resourceDefinition === "dns" ? "arn:aws:vpc-lattice:x:1:resourceconfiguration/rcfg-2" : null,
            readerConfigurationArn:
              p.resourceDefinition === "dns" && p.ports.reader !== null
                ? "arn:aws:vpc-lattice:x:1:resourceconfiguration/rcfg-3"
                : null,
            resourceShareArn: "arn:aws:ram:us-east-1:111111111111:resource-share/0123",
          },
        }),
  };
}

function arnOf(config: Config): string {
  const a = config.provider.account;
  return `arn:aws:ssm:${a.region}:${a.accountId}:parameter${descriptorParameterName(config.nameScope)}`;
}

/** Writes a consumer-only config and its saved descriptors into a new folder; returns the config's path. */
function writeConsumerOnly(config: Json, descriptors: Record<string, Json>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-self-service-"));
  for (const [file, body] of Object.entries(descriptors))
    writeFileSync(path.join(dir, file), typeof body === "string" ? body : JSON.stringify(body, null, 2));
  const file = path.join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** The consumer stack's cdk.tf.json of a whole app. */
function synthOf(build: (app: ReturnType<typeof Testing.app>) => void, stack: string): string {
  const app = Testing.app();
  build(app);
  app.synth();
  return readFileSync(path.join(app.outdir, "stacks", stack, "cdk.tf.json"), "utf8");
}

/** The provider's config with the consumer reading descriptors, and the consumer-only config of the same consumer. */
function bothForms(mutate: (c: Json) => void, settings: Json = {}) {
  const input = demoInput();
  mutate(input);
  input.tags = { team: "reports" };
  input.consumers = [{ ...CONSUMER, ...settings, shareFacts: "descriptor" }];
  for (const share of input.provider.shares ?? [input.provider])
    if (input.provider.transport !== "resource") share.sharing.allowedPrincipals = ["arn:aws:iam::333333333333:root"];
  const app = validateConfig(input);
  const files: Record<string, Json> = {};
  const shares = app.shares.map((share, i) => {
    files[`d${i}.json`] = savedParameter(arnOf(share.config), descriptorOf(share.config));
    return { descriptor: `d${i}.json`, ...settings };
  });
  const file = writeConsumerOnly({ tags: { team: "reports" }, consumer: { ...CONSUMER, shares } }, files);
  return { app, file };
}

describe("a consumer-only config", () => {
  it.each([
    [
      "the demo: endpoint service, Aurora MySQL, a private zone",
      (_c: Json) => undefined,
      { privateZone: { name: "orders.db.internal" } },
    ],
    ["member ports opened", (_c: Json) => undefined, { memberPorts: true }],
    [
      "a share behind an RDS Proxy without a read-only endpoint: the reader port uses the proxy's own name",
      (c: Json) => {
        c.provider.database.proxy = { create: { readOnlyEndpoint: false } };
        delete c.provider.ports;
      },
      {},
    ],
    [
      "a share behind an RDS Proxy with a read-only endpoint: the proxy's names, Amazon's root, the reader's chain check",
      (c: Json) => {
        c.provider.database.proxy = { create: {} };
        delete c.provider.ports;
      },
      { privateZone: { name: "orders.db.internal" } },
    ],
    ["the resource transport, one ARN-type configuration", toResourceTransport, {}],
    [
      "the resource transport, DNS-type configurations of a Multi-AZ instance, the RAM invitation accepted",
      (c: Json) => {
        toResourceTransport(c);
        c.provider.resourceDefinition = "dns";
        c.provider.database = { engine: "mysql", create: {} };
      },
      { acceptResourceShare: true },
    ],
    [
      "a share of a config of several, in another region than the consumer's",
      (c: Json) => {
        const { database, ports, loadBalancer, sharing, failover } = c.provider;
        for (const key of ["database", "ports", "loadBalancer", "sharing", "failover"]) delete c.provider[key];
        c.provider.shares = [{ name: "billing", database, ports, loadBalancer, sharing, failover }];
        c.provider.account.region = "us-west-2";
        c.provider.network.create.azIds = ["usw2-az1", "usw2-az2"];
        sharing.supportedRegions = ["us-east-1"];
      },
      {},
    ],
  ])("synthesizes the stack the provider's config gives the same consumer: %s", (_name, mutate, settings) => {
    const { app, file } = bothForms(mutate, settings);
    const loaded = loadAnyConfigFile(file);
    expect(isConsumerOnlyConfig(loaded)).toBe(true);
    if (!isConsumerOnlyConfig(loaded)) return;
    const fromProvider = synthOf((a) => buildApp(app, a), "consumer-reports");
    const fromOwn = synthOf((a) => buildConsumerApp(loaded, a), "consumer-reports");
    expect(fromOwn).toBe(fromProvider);
    // Nothing of the provider's state: the facts come from the parameter, read by its ARN.
    expect(fromOwn).not.toContain("terraform_remote_state");
    expect(fromOwn).toContain(`"name": "${loaded.shares[0].arn}"`);
  });

  it("takes its name and shares from the descriptors' ARNs, and its consumer from its own keys", () => {
    const loaded = loadAnyConfigFile(path.join(ROOT, "examples", "consumer-self-service"));
    if (!isConsumerOnlyConfig(loaded)) throw new Error("not consumer-only");
    expect({ name: loaded.name, provider: loaded.provider, shares: loaded.consumer.shares }).toEqual({
      name: "orders",
      provider: { accountId: "111111111111", region: "us-east-1", partition: "aws" },
      shares: ["orders"],
    });
    expect(loaded.consumer.shareFacts).toBe("descriptor");
  });

  it("is refused by a command that takes the provider's config, in one line", () => {
    expect(() =>
      loadConfigFile(path.join(ROOT, "examples", "consumer-self-service", "config.json"), "argument", "npm run cost"),
    ).toThrow(
      "examples/consumer-self-service/config.json: is a consumer-only config (it has consumer, not provider); npm run cost takes the provider's config",
    );
  });
});

describe("a consumer-only config's refusals name the field and the fix", () => {
  const { file } = bothForms(() => undefined);
  const good = JSON.parse(readFileSync(file, "utf8"));
  const saved = JSON.parse(readFileSync(path.join(path.dirname(file), "d0.json"), "utf8"));
  const value = JSON.parse(saved.Parameter.Value);

  /** The problems of the consumer-only config `config` with descriptor files `files`. */
  function problemsOf(config: Json, files: Record<string, Json> = { "d0.json": saved }): string[] {
    try {
      loadAnyConfigFile(writeConsumerOnly(config, files));
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems.map((p) => `${p.path}: ${p.message}`);
    }
  }
  const withValue = (v: Json) => ({ "d0.json": savedParameter(saved.Parameter.ARN, v) });
  const entry = (extra: Json) => ({
    ...good,
    consumer: { ...good.consumer, shares: [{ descriptor: "d0.json", ...extra }] },
  });

  it("accepts the good one", () => {
    expect(problemsOf(good)).toEqual([]);
  });

  it.each([
    [
      "a descriptor file that is not there",
      good,
      {},
      /^consumer\.shares\[0\]\.descriptor: cannot read d0\.json \(ENOENT\), relative to the config's folder; save the descriptor there with aws ssm get-parameter/,
    ],
    [
      "a file that is not JSON",
      good,
      { "d0.json": "{ nope" },
      /^consumer\.shares\[0\]\.descriptor: d0\.json: is not JSON; save the parameter as the AWS CLI prints it: aws ssm get-parameter --name <descriptor ARN> --with-decryption/,
    ],
    [
      "the value alone, not the CLI's output",
      good,
      { "d0.json": value },
      /d0\.json: holds no Parameter\.ARN and Parameter\.Value, which aws ssm get-parameter prints/,
    ],
    [
      "another parameter",
      good,
      {
        "d0.json": {
          Parameter: { ...saved.Parameter, ARN: "arn:aws:ssm:us-east-1:111111111111:parameter/app/db-url" },
        },
      },
      /Parameter\.ARN arn:aws:ssm:us-east-1:111111111111:parameter\/app\/db-url is not a share descriptor's .*; save the parameter the provider's descriptor_arn output names/,
    ],
    [
      "a value saved without --with-decryption",
      good,
      { "d0.json": { Parameter: { ...saved.Parameter, Value: "AQICAHh4encrypted" } } },
      /Parameter\.Value is not JSON; was it saved without --with-decryption\?/,
    ],
    [
      "a descriptor of schema 2",
      good,
      withValue({ ...value, schemaVersion: "2.0" }),
      /Parameter\.Value\.schemaVersion is "2\.0"; this release of rds-privatelink reads 1\.x: upgrade rds-privatelink to the provider's release/,
    ],
    [
      "a descriptor of an older major, which the provider's team upgrades",
      good,
      withValue({ ...value, schemaVersion: "0.9" }),
      /Parameter\.Value\.schemaVersion is "0\.9"; this release of rds-privatelink reads 1\.x: the provider's team upgrades its stack to this release, or use the release it deployed/,
    ],
    [
      "a value that is not a descriptor at all",
      good,
      withValue([1, 2]),
      /d0\.json: Parameter\.Value is not a share descriptor \(no schemaVersion\); save the parameter the provider's descriptor_arn output names$/,
    ],
    [
      "an engine schema 1 does not have, by its path and the values it has",
      good,
      withValue({ ...value, database: { ...value.database, engine: "oracle" } }),
      /Parameter\.Value\.database\.engine is "oracle", where schema 1 has one of "aurora-mysql", "aurora-postgresql", "mysql", "postgres"; save the parameter again/,
    ],
    [
      "a list entry of the wrong kind, by its index",
      good,
      withValue({ ...value, azIds: ["use1-az1", 7] }),
      /Parameter\.Value\.azIds\[1\] is 7, where schema 1 has a string; save the parameter again/,
    ],
    [
      "a descriptor without azIds",
      good,
      withValue({ ...value, azIds: undefined }),
      /Parameter\.Value\.azIds is missing; save the parameter again/,
    ],
    [
      "a descriptor whose region is not its ARN's",
      good,
      withValue({ ...value, region: "eu-west-1" }),
      /Parameter\.Value\.region is eu-west-1, but the parameter's ARN is in us-east-1; save the parameter again/,
    ],
    [
      "a copy of a fact the descriptor holds",
      entry({ serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" }),
      { "d0.json": saved },
      /^consumer\.shares\[0\]\.serviceName: comes from the share's descriptor in a consumer-only config; remove it/,
    ],
    [
      "a setting of the other transport",
      entry({ acceptResourceShare: true }),
      { "d0.json": saved },
      /^consumer\.shares\[0\]\.acceptResourceShare: does not apply to this share, whose transport is "endpoint-service" \(an endpoint service shares nothing through RAM; the provider accepts connections instead\); remove it$/,
    ],
    [
      "a misspelled key",
      entry({ privatZone: { name: "x.internal" } }),
      { "d0.json": saved },
      /^consumer\.shares\[0\]\.privatZone: unknown key; did you mean "privateZone"\?$/,
    ],
    [
      "no clients",
      { ...good, consumer: { ...good.consumer, allowedCidrs: [] } },
      { "d0.json": saved },
      /^consumer: needs allowedCidrs or allowedSecurityGroupIds/,
    ],
  ])("%s", (_name, config, files, message) => {
    const found = problemsOf(config, files as Record<string, Json>);
    expect(found).toEqual([expect.stringMatching(message)]);
  });

  it("checks the consumer against each share as its descriptor describes it, as the provider's config would", () => {
    const consumerWith = (consumer: Json, extra: Json = {}) => ({
      ...good,
      consumer: { ...good.consumer, ...consumer, shares: [{ descriptor: "d0.json", ...extra }] },
    });
    // Another region than the descriptor's supportedRegions.
    expect(
      problemsOf(
        consumerWith({
          account: { ...good.consumer.account, region: "eu-west-1" },
          network: { create: { cidr: "10.40.0.0/16" } },
        }),
      ),
    ).toEqual([
      "consumer.account.region: eu-west-1 differs from the provider's us-east-1; add it to the provider's sharing.supportedRegions (in its team's config) for cross-region PrivateLink",
    ]);
    // Zones the provider does not serve, in its region.
    expect(
      problemsOf(consumerWith({ network: { create: { cidr: "10.40.0.0/16", azIds: ["use1-az1", "use1-az6"] } } })),
    ).toEqual([
      "consumer.network.create.azIds: use1-az6 not among the provider's AZ IDs (use1-az1, use1-az2); PrivateLink only serves the provider's zones",
    ]);
    // Member ports of a Multi-AZ instance, which has none: the entry's own setting.
    const instance = {
      ...value,
      database: { ...value.database, kind: "instance", engine: "mysql" },
      ports: { ...value.ports, members: [] },
    };
    expect(problemsOf(consumerWith({}, { memberPorts: true }), withValue(instance))).toEqual([
      "consumer.shares[0].memberPorts: the provider shares a Multi-AZ DB instance, which has no member ports; remove memberPorts",
    ]);
  });

  it("refuses a descriptor path that is a folder or an oversized file, naming it", () => {
    const dir = path.dirname(writeConsumerOnly(good, { "d0.json": saved }));
    const big = path.join(dir, "big.json");
    writeFileSync(big, " ".repeat(70 * 1024));
    const at = (descriptor: string) => ({ ...good, consumer: { ...good.consumer, shares: [{ descriptor }] } });
    expect(problemsOf(at(dir))).toEqual([
      expect.stringMatching(
        /^consumer\.shares\[0\]\.descriptor: cannot read .* \(a directory\), relative to the config's folder/,
      ),
    ]);
    expect(problemsOf(at(big))).toEqual([
      expect.stringMatching(
        /^consumer\.shares\[0\]\.descriptor: cannot read .*big\.json \(71680 bytes; a saved descriptor is at most 65536\)/,
      ),
    ]);
  });

  it("refuses the same share twice, and shares of two provider configs", () => {
    const other = savedParameter(
      "arn:aws:ssm:us-east-1:111111111111:parameter/rds-privatelink/billing/descriptor",
      value,
    );
    const two = (second: string) => ({
      ...good,
      consumer: { ...good.consumer, shares: [{ descriptor: "d0.json" }, { descriptor: second }] },
    });
    expect(problemsOf(two("d0.json"))).toEqual([
      "consumer.shares[1].descriptor: is the same share as consumer.shares[0]; list each share once",
    ]);
    expect(problemsOf(two("d1.json"), { "d0.json": saved, "d1.json": other })).toEqual([
      expect.stringMatching(
        /^consumer\.shares\[1\]\.descriptor: describes a share of billing \(111111111111, us-east-1\), but consumer\.shares\[0\] one of orders .*keep another config for billing$/,
      ),
    ]);
  });
});
