import { App } from "cdktf";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { AURORA_MAX_MEMBERS, DEFAULT_WARM_READER_SETS, readerSetCount } from "../../config/fields";
import { validateConfig } from "../../config/load";
import { buildApp } from "../../stacks/app";
import { defaultStatePath } from "../../stacks/backend";
import { demoInput, type Json, resources, synthesize } from "../helpers";
import { EXAMPLES, MATRIX, RESOURCE_MATRIX } from "../terraform/matrix";

const BACKENDS: Record<string, Json> = {
  local: { type: "local" },
  s3: {
    type: "s3",
    bucket: "orders-tf-state",
    roleArn: "arn:aws:iam::111111111111:role/state",
    dynamodbTable: "tf-locks",
  },
  cloud: { type: "cloud", organization: "acme" },
};

describe("state backends", () => {
  it("writes local state next to the project by a relative path, or where the config says", () => {
    const { json } = synthesize((c) => (c.consumers[0].backend = { type: "local", path: "state/app.tfstate" }));
    expect(json.provider.terraform.backend).toEqual({ local: { path: "../../../terraform.orders.provider.tfstate" } });
    expect(json["consumer-app"].terraform.backend).toEqual({ local: { path: "state/app.tfstate" } });
  });

  it("encrypts S3 state and locks it natively, with an optional table and role", () => {
    const { json } = synthesize((c) => (c.provider.backend = BACKENDS.s3));
    expect(json.provider.terraform.backend.s3).toEqual({
      bucket: "orders-tf-state",
      key: "orders/provider.tfstate",
      region: "us-east-1",
      encrypt: true,
      use_lockfile: true,
      dynamodb_table: "tf-locks",
      // The account's profile gives the base credentials the backend's own role is assumed with.
      profile: "db-owner",
      assume_role: { role_arn: "arn:aws:iam::111111111111:role/state" },
    });
  });

  it("reaches S3 state with the stack's own account profile and role unless the backend names its own", () => {
    const { json } = synthesize((c) => {
      c.provider.account.assumeRoleArn = "arn:aws:iam::111111111111:role/deployer";
      c.provider.backend = { type: "s3", bucket: "orders-tf-state" };
      c.consumers[0].backend = { type: "s3", bucket: "app-tf-state", profile: "app-state" };
    });
    expect(json.provider.terraform.backend.s3).toMatchObject({
      profile: "db-owner",
      assume_role: { role_arn: "arn:aws:iam::111111111111:role/deployer" },
    });
    // A profile of the backend's own replaces the account's credentials, role included.
    expect(json["consumer-app"].terraform.backend.s3.profile).toBe("app-state");
    expect(json["consumer-app"].terraform.backend.s3.assume_role).toBeUndefined();
  });

  it("reads the provider's state from the consumer with the provider backend's credentials, and its own state with its own", () => {
    const { json } = synthesize((c) => {
      c.provider.backend = {
        type: "s3",
        bucket: "orders-tf-state",
        roleArn: "arn:aws:iam::111111111111:role/state-reader",
      };
      c.consumers[0].backend = { type: "s3", bucket: "app-tf-state" };
    });
    const consumer = json["consumer-app"];
    expect(consumer.terraform.backend.s3).toMatchObject({ bucket: "app-tf-state", profile: "app" });
    const remote = Object.values(consumer.data.terraform_remote_state) as Json[];
    expect(remote).toHaveLength(1);
    expect(remote[0]).toMatchObject({
      backend: "s3",
      config: {
        bucket: "orders-tf-state",
        key: "orders/provider.tfstate",
        region: "us-east-1",
        profile: "db-owner",
        assume_role: { role_arn: "arn:aws:iam::111111111111:role/state-reader" },
      },
    });
    // The read is the provider backend's, exactly, so it always finds the state the provider wrote.
    const { use_lockfile: _lock, ...providerBackend } = json.provider.terraform.backend.s3;
    expect(remote[0].config).toEqual(providerBackend);
  });

  it("reads no provider state at all when the consumer's entry gives serviceName, providerAzIds and databaseNames", () => {
    const { json } = synthesize((c) => {
      c.provider.backend = { type: "s3", bucket: "orders-tf-state" };
      c.consumers[0].serviceName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
      c.consumers[0].providerAzIds = ["use1-az1", "use1-az2"];
      c.consumers[0].databaseNames = {
        writer: "orders.cluster-c0example0.us-east-1.rds.amazonaws.com",
        reader: "orders.cluster-ro-c0example0.us-east-1.rds.amazonaws.com",
      };
    });
    expect(json["consumer-app"].data?.terraform_remote_state).toBeUndefined();
  });

  it("names one Terraform Cloud workspace per stack, <name>-<stack> by default", () => {
    const { json } = synthesize((c) => {
      c.provider.backend = BACKENDS.cloud;
      c.consumers[0].backend = {
        type: "cloud",
        organization: "acme",
        workspace: "app-db-link",
        hostname: "tfe.example.com",
      };
    });
    expect(json.provider.terraform.cloud).toEqual({ organization: "acme", workspaces: { name: "orders-provider" } });
    expect(json["consumer-app"].terraform.cloud).toEqual({
      organization: "acme",
      hostname: "tfe.example.com",
      workspaces: { name: "app-db-link" },
    });
  });
});

describe("one state per stack per share", () => {
  it("never points two stacks at the same state, across every example and the demo synthesized from one checkout", () => {
    const seen = new Map<string, string>();
    for (const { name, mutate } of [
      { name: "default", mutate: () => undefined },
      ...EXAMPLES,
      ...EXAMPLES.map((e) => ({ ...e, name: `${e.name} again` })),
    ]) {
      const { stacks, json } = synthesize(mutate);
      for (const [stackName, stack] of Object.entries(json)) {
        const b = stack.terraform.backend ?? {};
        const where = b.local
          ? `local:${path.resolve(stacks.app.outdir, "stacks", stackName, b.local.path).replace(stacks.app.outdir, "<out>")}`
          : b.s3
            ? `s3:${b.s3.bucket}/${b.s3.key}`
            : `cloud:${stack.terraform.cloud.hostname ?? "app.terraform.io"}/${stack.terraform.cloud.organization}/${stack.terraform.cloud.workspaces.name}`;
        const owner = `${name.replace(/ again$/, "")}: ${stackName}`;
        // The same share synthesized twice must find its own state again; another share never.
        expect([where, seen.get(where) ?? owner]).toEqual([where, owner]);
        seen.set(where, owner);
      }
    }
    expect(seen.size).toBeGreaterThan(15);
  });

  it("climbs out of a nested --output directory to the project root", () => {
    const project = mkdtempSync(path.join(tmpdir(), "rds-privatelink-project-"));
    mkdirSync(path.join(project, "cdktf.out"));
    const app = new App({ outdir: path.join(project, "cdktf.out", "orders") });
    const stacks = buildApp(validateConfig(demoInput()), app);
    const ctx = { name: "orders", stackName: "provider", region: "us-east-1" };
    expect(defaultStatePath(stacks.provider, ctx, project)).toBe("../../../../terraform.orders.provider.tfstate");
    // An output outside the project keeps the depth of cdktf.out.
    expect(defaultStatePath(stacks.provider, ctx, path.join(project, "elsewhere"))).toBe(
      "../../../terraform.orders.provider.tfstate",
    );
  });
});

describe("config matrix: network x engine x backend", () => {
  it.each(MATRIX.filter((c) => c.engine))("synthesizes $name", ({ mutate, network, engine, backend }) => {
    const { json } = synthesize(mutate);
    const provider = json.provider;
    const backendKey = backend === "cloud" ? "cloud" : "backend";
    expect(provider.terraform[backendKey]).toBeDefined();
    expect(json["consumer-app"].terraform[backendKey]).toBeDefined();
    const aurora = engine!.startsWith("aurora");
    if (network === "create") {
      expect(resources(provider, aurora ? "aws_rds_cluster" : "aws_db_instance")).toHaveLength(1);
      expect(resources(provider, "aws_vpc")).toHaveLength(1);
    } else {
      expect(provider.data[aurora ? "aws_rds_cluster" : "aws_db_instance"]).toBeDefined();
      expect(resources(provider, "aws_vpc")).toHaveLength(0);
    }
    const port = engine!.endsWith("mysql") ? 3306 : 5432;
    // Clusters, created or existing: writer, reader, a member listener per slot (16, Aurora's
    // largest cluster) and a reader-set listener per populated set and its spare, from engine port + 10.
    const slots = aurora ? AURORA_MAX_MEMBERS : 0;
    const sets = aurora ? readerSetCount(slots, DEFAULT_WARM_READER_SETS) : 0;
    expect([slots, sets]).toEqual(aurora ? [16, 2] : [0, 0]);
    const expected = [port, port + 1, ...Array.from({ length: slots + sets }, (_, i) => port + 10 + i)];
    expect(
      resources(provider, "aws_lb_listener")
        .map((l) => l.port)
        .sort((a: number, b: number) => a - b),
    ).toEqual(expected);
    // Clusters: a member group per slot, the reader sets, and the fence group.
    expect(resources(provider, "aws_lb_target_group")).toHaveLength(aurora ? slots + sets + 1 : 2);
    expect(resources(provider, "aws_lambda_function")).toHaveLength(1);
    expect(resources(json["consumer-app"], "aws_vpc_endpoint")).toHaveLength(1);
  });
});

describe("config matrix of the resource transport: network x cluster/instance x backend", () => {
  it.each(RESOURCE_MATRIX)("synthesizes $name", ({ mutate, network, engine, backend, definition }) => {
    const { json } = synthesize(mutate);
    const provider = json.provider;
    const backendKey = backend === "cloud" ? "cloud" : "backend";
    expect(provider.terraform[backendKey]).toBeDefined();
    expect(json["consumer-app"].terraform[backendKey]).toBeDefined();
    const cluster = engine !== "mysql";
    expect(resources(provider, "aws_vpc")).toHaveLength(network === "create" ? 1 : 0);
    const configurations = resources(provider, "aws_vpclattice_resource_configuration")
      .map((r) => [r.name, r.type])
      .sort();
    const endpoints = resources(json["consumer-app"], "aws_vpc_endpoint").map((e) => e.private_dns_enabled);
    if (definition === "dns") {
      expect(configurations).toEqual(
        cluster
          ? [
              ["orders-reader", "SINGLE"],
              ["orders-writer", "SINGLE"],
            ]
          : [["orders-writer", "SINGLE"]],
      );
      expect(endpoints).toEqual(cluster ? [false, false] : [false]);
    } else {
      // One ARN-type configuration of the cluster or instance, one endpoint with private DNS.
      expect(configurations).toEqual([["orders-database", "ARN"]]);
      expect(endpoints).toEqual([true]);
    }
    expect(resources(provider, "aws_lb")).toHaveLength(0);
  });
});

describe("many consumers", () => {
  it("adds one stack per consumer and nothing else changes in the provider", () => {
    const one = synthesize();
    const three = synthesize((c) => {
      for (const name of ["billing", "reports"])
        c.consumers.push({ ...c.consumers[0], name, account: { region: "us-east-1" } });
    });
    expect(Object.keys(three.json).sort()).toEqual([
      "consumer-app",
      "consumer-billing",
      "consumer-reports",
      "provider",
    ]);
    const strip = (s: Json) => JSON.stringify({ ...s, output: undefined });
    expect(strip(three.json.provider)).toBe(strip(one.json.provider));
  });
});
