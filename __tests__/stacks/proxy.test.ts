// provider.database.proxy: an RDS Proxy in front of the database. The load balancer forwards to
// the proxy's port, holds no member slots, and the failover function follows the proxy's
// endpoint addresses; consumers resolve the proxy's names. Every engine, created and existing,
// and every refusal, each naming the field and the fix.
import { DbProxy } from "@cdktf/provider-aws/lib/db-proxy";
import { DbProxyEndpoint } from "@cdktf/provider-aws/lib/db-proxy-endpoint";
import { DbProxyTarget } from "@cdktf/provider-aws/lib/db-proxy-target";
import { ENV } from "../../functions/failover-sync/environment";
import { jsonencodeArgument } from "../support/hcl-object";
import { dataSources, EXISTING_NETWORK, type Json, problems, resources, synthesize } from "../helpers";

const SECRET = "arn:aws:secretsmanager:us-east-1:111111111111:secret:orders-db-AbCdEf";

const withProxy =
  (engine: string, proxy: Json, database: Json = { create: { instanceClass: "db.r6g.large" } }) =>
  (c: Json) => {
    c.provider.database = { engine, ...database, proxy };
    delete c.provider.ports;
  };

const env = (stack: Json) =>
  Object.values(stack.resource.aws_lambda_function as Record<string, Json>)[0].environment.variables;
const policyOf = (stack: Json, name: string) =>
  JSON.parse(resources(stack, "aws_iam_role_policy").find((p: Json) => p.name === name).policy);

describe.each([
  ["aurora-mysql", "MYSQL", 3306, true],
  ["aurora-postgresql", "POSTGRESQL", 5432, true],
  ["mysql", "MYSQL", 3306, false],
  ["postgres", "POSTGRESQL", 5432, false],
] as const)("%s with proxy.create", (engine, family, port, cluster) => {
  const { text, json } = synthesize(withProxy(engine, { create: {} }));
  const provider = json.provider;

  it("creates the proxy with TLS required, the database's own secret and its engine family", () => {
    expect(text.provider).toHaveResourceWithProperties(DbProxy, {
      name: "orders-proxy",
      engine_family: family,
      require_tls: true,
      debug_logging: false,
      idle_client_timeout: 1800,
    });
    const proxy = resources(provider, "aws_db_proxy")[0];
    expect(proxy.auth[0]).toMatchObject({ auth_scheme: "SECRETS", iam_auth: "DISABLED" });
    expect(proxy.auth[0].secret_arn).toMatch(/master_user_secret\[0\]\.secret_arn/);
    // A bare address, as Terraform's JSON syntax reads replace_triggered_by (a template is an error at init).
    expect(resources(provider, "aws_db_proxy_target")[0].lifecycle.replace_triggered_by).toEqual([
      expect.stringMatching(/^aws_db_proxy\.Proxy_\w+$/),
    ]);
    expect(text.provider).toHaveResourceWithProperties(DbProxyTarget, {
      [cluster ? "db_cluster_identifier" : "db_instance_identifier"]: expect.stringContaining("Database"),
    });
  });

  it(`forwards both ports to the proxy's port ${port}, with no member slot, reader set or fence group`, () => {
    const groups = resources(provider, "aws_lb_target_group");
    expect(groups.map((g: Json) => [g.name, g.port]).sort()).toEqual([
      ["orders-reader", port],
      ["orders-writer", port],
    ]);
    expect(resources(provider, "aws_lb_listener")).toHaveLength(2);
  });

  it("gives the function the proxy's name as a reference, and a role that reads the proxy, not the database", () => {
    const vars = env(provider);
    expect(vars[ENV.proxyName]).toMatch(/^\$\{aws_db_proxy\.Proxy_\w+\.name\}$/);
    expect(vars[ENV.writerTargetGroupArn]).toBeDefined();
    expect(vars[ENV.memberTargetGroups]).toBeUndefined();
    expect(vars[ENV.watchSeconds]).toBeUndefined();
    expect(vars[ENV.standbyDiscovery]).toBeUndefined();
    const statements = policyOf(provider, "orders-failover-sync").Statement;
    const actions = statements.flatMap((s: Json) => [s.Action].flat());
    expect(actions).toContain("rds:DescribeDBProxies");
    expect(actions).not.toContain("rds:DescribeDBClusters");
    expect(actions).not.toContain("rds:DescribeDBInstances");
  });

  it(
    cluster
      ? "adds a read-only endpoint for the reader port"
      : "has no read-only endpoint: the reader port uses the proxy's own",
    () => {
      expect(resources(provider, "aws_db_proxy_endpoint")).toHaveLength(cluster ? 1 : 0);
      if (cluster) {
        expect(text.provider).toHaveResourceWithProperties(DbProxyEndpoint, {
          target_role: "READ_ONLY",
          db_proxy_endpoint_name: "orders-proxy-ro",
        });
        expect(env(provider)[ENV.proxyReaderEndpoint]).toMatch(/db_proxy_endpoint_name/);
      }
    },
  );

  it("lets the proxy's role read only the secret, and decrypt it only through Secrets Manager", () => {
    const { Statement } = policyOf(provider, "orders-proxy");
    expect(Statement).toEqual([
      expect.objectContaining({
        Action: "secretsmanager:GetSecretValue",
        Resource: expect.stringMatching(/master_user_secret/),
      }),
      expect.objectContaining({
        Action: "kms:Decrypt",
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
      }),
    ]);
  });

  it("admits the proxy's port from the load balancer only, and the database's from the proxy only", () => {
    const ingress = resources(provider, "aws_vpc_security_group_ingress_rule");
    const fromProxy = ingress.filter((r: Json) => /Proxy_SecurityGroup/.test(r.referenced_security_group_id ?? ""));
    expect(fromProxy).toHaveLength(1);
    expect(fromProxy[0].security_group_id).toMatch(/Database_SecurityGroup/);
    const toProxy = ingress.filter((r: Json) => /Proxy_SecurityGroup/.test(r.security_group_id));
    expect(toProxy.map((r: Json) => [r.from_port, r.to_port])).toEqual([[port, port]]);
    expect(toProxy[0].referenced_security_group_id).toMatch(/LoadBalancer_SecurityGroup/);
    expect(ingress.some((r: Json) => r.cidr_ipv4 === "0.0.0.0/0")).toBe(false);
  });

  it("keeps the proxy's log group for the function's retention, encrypted", () => {
    const group = resources(provider, "aws_cloudwatch_log_group").find(
      (g: Json) => g.name === "/aws/rds/proxy/orders-proxy",
    );
    expect(group).toMatchObject({ retention_in_days: 30, kms_key_id: expect.stringContaining("OperationsKey") });
  });

  it("gives consumers the proxy's names and outputs the proxy's name", () => {
    expect(provider.output.proxy_name.value).toBe("orders-proxy");
    expect(provider.output.writer_name.value).toMatch(/aws_db_proxy\.Proxy_\w+\.endpoint/);
    if (cluster) expect(provider.output.reader_name.value).toMatch(/aws_db_proxy_endpoint\.\w+\.endpoint/);
    expect(provider.output.instance_names).toBeUndefined();
    expect(provider.output.member_ports).toBeUndefined();
  });
});

describe.each([
  ["aurora-mysql", 3306, { clusterIdentifier: "ledger" }],
  ["aurora-postgresql", 5432, { clusterIdentifier: "ledger" }],
  ["mysql", 3306, { instanceIdentifier: "ledger" }],
  ["postgres", 5432, { instanceIdentifier: "ledger" }],
] as const)("%s behind an existing proxy", (engine, port, existing) => {
  const { json } = synthesize(withProxy(engine, { existing: { name: "shared-proxy" } }, { existing }));
  const provider = json.provider;

  it(`looks the proxy up, forwards both ports to its port ${port}, and reads it, not the database, from the function`, () => {
    expect(dataSources(provider, "aws_db_proxy").map((d: Json) => d.name)).toEqual(["shared-proxy"]);
    expect(resources(provider, "aws_db_proxy")).toHaveLength(0);
    expect(resources(provider, "aws_lb_target_group").map((g: Json) => g.port)).toEqual([port, port]);
    expect(env(provider)[ENV.proxyName]).toMatch(/^\$\{data\.aws_db_proxy\.\w+\.name\}$/);
    expect(env(provider)[ENV.proxyReaderEndpoint]).toBeUndefined();
    const actions = policyOf(provider, "orders-failover-sync").Statement.flatMap((st: Json) => [st.Action].flat());
    expect(actions).toContain("rds:DescribeDBProxies");
    expect(actions).not.toContain("rds:DescribeDBProxyEndpoints");
  });
});

describe("proxy.existing", () => {
  const { json } = synthesize(
    withProxy(
      "aurora-postgresql",
      {
        existing: {
          name: "shared-proxy",
          readOnlyEndpoint: "shared-proxy-ro",
          securityGroupId: "sg-0123456789abcdef0",
        },
      },
      { existing: { clusterIdentifier: "ledger", securityGroupId: "sg-0fedcba9876543210" } },
    ),
  );
  const provider = json.provider;

  it("looks the proxy up, and stops the plan when it is outside the load balancer's VPC", () => {
    const [proxy] = dataSources(provider, "aws_db_proxy");
    expect(proxy.name).toBe("shared-proxy");
    expect(proxy.lifecycle.postcondition[0].condition).toMatch(/self\.vpc_id == aws_vpc\./);
    expect(proxy.lifecycle.postcondition[0].error_message).toMatch(/not the load balancer's VPC \(provider\.network\)/);
    expect(resources(provider, "aws_db_proxy")).toHaveLength(0);
  });

  it("names the read-only endpoint beside the proxy's, and reads both by name", () => {
    expect(provider.output.reader_name.value).toMatch(
      /replace\(data\.aws_db_proxy\.\w+\.endpoint, "\/\^\[\^\.\]\+\[\.\]\/", "shared-proxy-ro\.endpoint\."\)/,
    );
    expect(env(provider)[ENV.proxyReaderEndpoint]).toBe("shared-proxy-ro");
    const read = policyOf(provider, "orders-failover-sync").Statement.find((s: Json) => s.Sid === "ReadProxyEndpoints");
    expect(read.Resource[1]).toMatch(/:db-proxy-endpoint:\*$/);
  });

  it("admits the load balancer into the proxy's group, and touches not the database's", () => {
    const ingress = resources(provider, "aws_vpc_security_group_ingress_rule");
    expect(ingress.filter((r: Json) => r.security_group_id === "sg-0123456789abcdef0")).toHaveLength(1);
    expect(ingress.filter((r: Json) => r.security_group_id === "sg-0fedcba9876543210")).toHaveLength(0);
  });
});

describe("refusals of provider.database.proxy", () => {
  const base = (mutate: (c: Json) => void) => (c: Json) => {
    withProxy("aurora-mysql", { create: {} }, { create: { readers: 1 } })(c);
    mutate(c);
  };
  it.each<[string, (c: Json) => void, string]>([
    [
      "both ways",
      (c) => (c.provider.database.proxy = { create: {}, existing: { name: "p" } }),
      "provider.database.proxy:",
    ],
    [
      "a created proxy of an existing database without a secret",
      (c) =>
        (c.provider.database = {
          engine: "aurora-mysql",
          existing: { clusterIdentifier: "ledger" },
          proxy: { create: {} },
        }),
      "provider.database.proxy.create.secretArn: is required for an existing database",
    ],
    [
      "a read-only endpoint of a Multi-AZ DB instance",
      (c) => (c.provider.database = { engine: "postgres", create: {}, proxy: { create: { readOnlyEndpoint: true } } }),
      "provider.database.proxy.create.readOnlyEndpoint: a proxy of a Multi-AZ DB instance has no read-only endpoint",
    ],
    [
      "a read-only endpoint of a cluster without readers",
      (c) => {
        c.provider.database.create.readers = 0;
        c.provider.database.proxy.create.readOnlyEndpoint = true;
      },
      "provider.database.proxy.create.readOnlyEndpoint: the cluster is created without readers",
    ],
    [
      "an Aurora MySQL version RDS Proxy does not take",
      (c) => (c.provider.database.create.engineVersion = "5.7.mysql_aurora.2.09.2"),
      "provider.database.create.engineVersion: Aurora MySQL 2.09 is not among the versions RDS Proxy supports",
    ],
    [
      "member slots",
      (c) => (c.provider.failover.memberSlots = 4),
      "provider.failover.memberSlots: does not apply behind an RDS Proxy",
    ],
    [
      "a member block",
      (c) => (c.provider.ports = { firstMember: 4000 }),
      "provider.ports.firstMember: behind an RDS Proxy there are no member listeners",
    ],
    [
      "the resource transport",
      (c) => {
        c.provider.transport = "resource";
        delete c.provider.loadBalancer;
        delete c.provider.failover;
      },
      'provider.database.proxy: needs "transport": "endpoint-service"',
    ],
    [
      "a consumer's member ports",
      (c) => (c.consumers[0].memberPorts = true),
      "consumers[0].memberPorts: the provider shares its database through an RDS Proxy",
    ],
    [
      "a proxy name that is not an RDS name",
      (c) => (c.provider.database.proxy = { existing: { name: "1-proxy" } }),
      "provider.database.proxy.existing.name: must be an RDS name",
    ],
  ])("refuses %s, naming the field and the fix", (_what, mutate, message) => {
    const input = JSON.parse(JSON.stringify(require("../../config/default.json")));
    base(mutate)(input);
    expect(problems(input).join("\n")).toContain(message);
  });

  it("accepts the demo behind a proxy with no other change", () => {
    const input = JSON.parse(JSON.stringify(require("../../config/default.json")));
    base(() => undefined)(input);
    expect(problems(input)).toEqual([]);
  });

  it("checks no member's zone for an existing database behind a proxy: the load balancer reaches the proxy, not the members", () => {
    const existing = { existing: { clusterIdentifier: "ledger" } };
    const direct = synthesize((c) => {
      c.provider.network = EXISTING_NETWORK;
      c.provider.database = { engine: "aurora-mysql", ...existing };
    });
    const proxied = synthesize((c) => {
      c.provider.network = EXISTING_NETWORK;
      withProxy("aurora-mysql", { create: { secretArn: SECRET } }, existing)(c);
    });
    expect(JSON.stringify(direct.json.provider)).toContain("nlb_zones");
    expect(JSON.stringify(proxied.json.provider)).not.toContain("nlb_zones");
    expect(resources(proxied.json.provider, "aws_db_proxy")[0].auth[0].secret_arn).toBe(SECRET);
  });
});

describe("moving a share to a proxy and back", () => {
  const before = synthesize();
  const after = synthesize((c) => {
    c.provider.database.proxy = { create: {} };
  });
  const only = (stack: Json, type: string) => stack.resource[type];

  it("keeps the load balancer and the endpoint service as they are: consumers' endpoints stay connected", () => {
    for (const type of ["aws_lb", "aws_vpc_endpoint_service"])
      expect({ type, resources: only(after.json.provider, type) }).toEqual({
        type,
        resources: only(before.json.provider, type),
      });
  });

  it("keeps the listeners' addresses and ports, and swaps the member slots for the writer and reader groups", () => {
    const listeners = (stack: Json) =>
      Object.entries(only(stack, "aws_lb_listener") as Record<string, Json>)
        .filter(([, l]) => l.port === 3306 || l.port === 3307)
        .map(([id, l]) => [id, l.port]);
    expect(listeners(after.json.provider)).toEqual(listeners(before.json.provider));
    expect(Object.keys(only(after.json.provider, "aws_lb_target_group")).sort()).toEqual([
      expect.stringMatching(/^LoadBalancer_ReaderTargetGroup_/),
      expect.stringMatching(/^LoadBalancer_WriterTargetGroup_/),
    ]);
  });

  it("changes the names consumers resolve and the trust store their strings name, in the consumer stack and the descriptor", () => {
    const consumer = after.json["consumer-app"];
    expect(JSON.stringify(consumer.output.ca_bundle.value)).toContain("amazon-root-cas.pem");
    expect(JSON.stringify(before.json["consumer-app"].output.ca_bundle.value)).toContain("us-east-1-bundle.pem");
    expect(consumer.output.writer_connection.value.cli).toContain(
      "--ssl-mode=VERIFY_IDENTITY --ssl-ca=amazon-root-cas.pem",
    );
    // The read-only endpoint's name is not on the proxy's wildcard certificate: the chain is verified, not the name.
    expect(consumer.output.reader_connection.value.cli).toContain("--ssl-mode=VERIFY_CA --ssl-ca=amazon-root-cas.pem");
    expect(consumer.output.reader_connection.value.mariadb).toBeUndefined();
    const descriptor = jsonencodeArgument(resources(after.json.provider, "aws_ssm_parameter")[0].value) as Json;
    expect(descriptor.database.proxy).toEqual({ readOnlyEndpoint: true });
    expect(descriptor.tls.caBundle).toEqual({
      file: "amazon-root-cas.pem",
      url: "https://www.amazontrust.com/repository/",
    });
    expect(descriptor.schemaVersion).toBe("1.1");
  });
});
