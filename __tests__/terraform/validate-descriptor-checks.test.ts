// The postconditions a consumer stack puts on the share's descriptor (consumers[].shareFacts
// "descriptor"), evaluated by this tier's CLI itself: each condition exactly as synthesized, with
// the data source's value (self.value, sensitive as the AWS provider marks it) replaced by a
// descriptor of the test's own. A good descriptor passes every check; each bad one fails exactly
// the check that names its field. Part of the validate tier, so it runs under Terraform and
// under OpenTofu; `console` needs no provider and no AWS.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ShareDescriptor } from "../../config/descriptor";
import { validateConfig } from "../../config/load";
import { type Json, dataSources, demoInput, synthesize } from "../helpers";
import { toResourceTransport } from "./matrix";
import { toolchain } from "./toolchain";

jest.setTimeout(120_000);

interface Postcondition {
  condition: string;
  error_message: string;
}

/** The consumer stack's postconditions on its descriptor, and the field each one names ("" for the version check). */
function postconditions(mutate: (c: Json) => void): Array<Postcondition & { field: string }> {
  const { json } = synthesize((c) => {
    mutate(c);
    c.consumers[0].shareFacts = "descriptor";
  });
  const [parameter] = dataSources(json["consumer-app"], "aws_ssm_parameter");
  return (parameter.lifecycle.postcondition as Postcondition[]).map((p) => ({
    ...p,
    field: /\/descriptor: ([\w.]+) /.exec(p.error_message)?.[1] ?? "",
  }));
}

/** What each condition evaluates to under the CLI, for a parameter value of `value`. */
function evaluate(checks: Postcondition[], value: string): boolean[] {
  const tc = toolchain();
  const literal = `sensitive(${JSON.stringify(value)})`;
  const expressions = checks.map((c) => {
    const m = /^\$\{([\s\S]*)\}$/.exec(c.condition);
    if (!m) throw new Error(`not an expression: ${c.condition}`);
    return m[1].replaceAll("self.value", literal);
  });
  // One expression for all of them: the console reads one from a pipe.
  const r = spawnSync(tc.cli, ["console"], {
    cwd: mkdtempSync(path.join(tmpdir(), "rds-privatelink-console-")),
    input: `jsonencode([${expressions.join(", ")}])\n`,
    encoding: "utf8",
    env: { ...process.env, TF_CLI_CONFIG_FILE: tc.configFile },
  });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  // The console prints the string as an HCL literal: "[true,false,...]".
  const results: unknown = JSON.parse(JSON.parse(r.stdout.trim()));
  if (!Array.isArray(results) || results.length !== checks.length || results.some((b) => typeof b !== "boolean"))
    throw new Error(`${tc.cliName} console printed ${r.stdout}`);
  return results as boolean[];
}

/** The descriptor the demo's provider stack writes, with its apply-time values filled in. */
function demoDescriptor(): ShareDescriptor {
  const provider = validateConfig(demoInput()).shares[0].config.provider;
  return {
    schemaVersion: "1.0",
    transport: "endpoint-service",
    region: "us-east-1",
    supportedRegions: ["us-east-1"],
    azIds: ["use1-az1", "use1-az2"],
    ports: { writer: provider.ports.writer, reader: provider.ports.reader, members: provider.ports.members },
    database: {
      engine: "aurora-mysql",
      kind: "cluster",
      names: {
        writer: "orders.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com",
        reader: "orders.cluster-ro-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com",
        instances: ["orders-1.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com"],
      },
    },
    tls: {
      caBundle: {
        file: "us-east-1-bundle.pem",
        url: "https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem",
      },
    },
    endpointService: { serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" },
  };
}

/** The fields whose checks fail for `good` edited by `edit` ("" is the version check). */
function failingOf(checks: Array<Postcondition & { field: string }>, good: ShareDescriptor) {
  return (edit: (d: Json) => void): string[] => {
    const d = JSON.parse(JSON.stringify(good));
    edit(d);
    const results = evaluate(checks, JSON.stringify(d));
    return checks.filter((_, i) => !results[i]).map((c) => c.field);
  };
}

describe(`the consumer's checks of the share descriptor, under ${toolchain().cliName}`, () => {
  const checks = postconditions(() => undefined);
  const good = demoDescriptor();
  const failing = failingOf(checks, good);

  it("passes the descriptor the provider writes, and a later minor version of it", () => {
    expect(failing(() => undefined)).toEqual([]);
    expect(
      failing((d) => {
        d.schemaVersion = "1.7";
        d.addedInOneSeven = { anything: true };
      }),
    ).toEqual([]);
  });

  it("stops on another major version, on a value that is not JSON, and on no version at all", () => {
    expect(failing((d) => (d.schemaVersion = "2.0"))).toEqual([""]);
    expect(failing((d) => delete d.schemaVersion)).toEqual([""]);
    expect(evaluate(checks, "not json {").every((ok) => !ok)).toBe(true);
  });

  it("names each missing field, and only it", () => {
    expect(failing((d) => delete d.endpointService)).toEqual(["endpointService.serviceName"]);
    expect(failing((d) => (d.azIds = []))).toEqual(["azIds"]);
    expect(failing((d) => delete d.database.names.reader)).toEqual(["database.names.reader"]);
    expect(failing((d) => (d.database.names.writer = ""))).toEqual(["database.names.writer"]);
  });

  it("names each field that differs from what the stack was synthesized for, and only it", () => {
    expect(failing((d) => (d.ports.writer = 5432))).toEqual(["ports.writer"]);
    expect(failing((d) => (d.ports.reader = null))).toEqual(["ports.reader"]);
    expect(failing((d) => d.ports.members.pop())).toEqual(["ports.members"]);
    expect(failing((d) => (d.database.engine = "aurora-postgresql"))).toEqual(["database.engine"]);
    expect(failing((d) => (d.database.kind = "instance"))).toEqual(["database.kind"]);
    expect(failing((d) => (d.region = "eu-west-1"))).toEqual(["region"]);
    expect(failing((d) => (d.transport = "resource"))).toEqual(["transport"]);
    // Since 1.1: a share moved behind an RDS Proxy; a 1.1 descriptor without a proxy passes.
    expect(failing((d) => (d.database.proxy = { readOnlyEndpoint: true }))).toEqual(["database.proxy"]);
    expect(
      failing((d) => {
        d.schemaVersion = "1.1";
        d.database.proxy = null;
      }),
    ).toEqual([]);
  });
});

describe(`the consumer's checks of a proxied share's descriptor, under ${toolchain().cliName}`, () => {
  const checks = postconditions((c) => {
    c.provider.database.proxy = { create: {} };
    delete c.provider.ports;
  });
  const demo = demoDescriptor();
  const good: ShareDescriptor = {
    ...demo,
    schemaVersion: "1.1",
    ports: { writer: 3306, reader: 3307, members: [] },
    database: {
      ...demo.database,
      names: {
        writer: "orders-proxy.proxy-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com",
        reader: "orders-proxy-ro.endpoint.proxy-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com",
        instances: [],
      },
      proxy: { readOnlyEndpoint: true },
    },
  };
  const failing = failingOf(checks, good);

  it("passes the descriptor a proxied provider writes, and names a share moved off the proxy, or a 1.0 descriptor that has none", () => {
    expect(failing(() => undefined)).toEqual([]);
    expect(failing((d) => (d.database.proxy = null))).toEqual(["database.proxy"]);
    expect(failing((d) => delete d.database.proxy)).toEqual(["database.proxy"]);
    expect(failing((d) => (d.database.proxy.readOnlyEndpoint = false))).toEqual(["database.proxy"]);
  });
});

describe(`the consumer's checks of a resource share's descriptor, under ${toolchain().cliName}`, () => {
  const checks = postconditions(toResourceTransport);
  const demo = demoDescriptor();
  if (demo.transport !== "endpoint-service") throw new Error("the demo's descriptor is an endpoint service's");
  const { endpointService: _service, ...common } = demo;
  const good: ShareDescriptor = {
    ...common,
    transport: "resource",
    ports: { writer: 3306, reader: 3306, members: [] },
    resource: {
      definition: "arn",
      databaseConfigurationArn:
        "arn:aws:vpc-lattice:us-east-1:111111111111:resourceconfiguration/rcfg-0123456789abcdef0",
      writerConfigurationArn: null,
      readerConfigurationArn: null,
      resourceShareArn: "arn:aws:ram:us-east-1:111111111111:resource-share/0b1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
    },
  };
  const failing = failingOf(checks, good);

  it("passes the descriptor the provider writes, and names a share moved to DNS-type configurations", () => {
    expect(failing(() => undefined)).toEqual([]);
    expect(failing((d) => (d.resource.definition = "dns"))).toEqual(["resource.definition"]);
    expect(failing((d) => (d.resource.databaseConfigurationArn = null))).toEqual(["resource.databaseConfigurationArn"]);
  });
});
