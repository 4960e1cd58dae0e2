import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  ConfigError,
  configPath,
  configSource,
  DEFAULT_CONFIG,
  loadConfigFile,
  parseConfig,
  validateConfig,
} from "../../config/load";
import { CONSUMER_COMMON_KEYS, onlyShare } from "../../config/resolve";
import {
  CONSUMER_SHARE_KEYS,
  ConsumerSchema,
  DEFAULT_WATCH_SECONDS,
  MAX_WATCH_CALLS_PER_SECOND,
  MAX_WATCH_SECONDS,
  WATCH_INTERVAL_SECONDS,
} from "../../config/schema";
import { DEFAULT_TIMING } from "../../functions/failover-sync/sync";

/** The one share of a single-database config, as its constructs see it. */
const single = (raw: unknown) => onlyShare(validateConfig(raw));
import { notices } from "../../config/notices";
import { AZ_ID_PREFIX, azIdProblem, regionProblem } from "../../config/regions";
import { ramPrincipal } from "../../config/resolve";
import { RAW } from "../../config/load";
import type { Json } from "../helpers";

const FIXTURES = path.join(__dirname, "..", "fixtures", "bad-configs");
const expected: Record<string, string[]> = JSON.parse(readFileSync(path.join(FIXTURES, "expected.json"), "utf8"));

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path || "(top level)"}: ${p.message}`);
    throw e;
  }
  throw new Error("the config was accepted");
}

describe("the embedded default config", () => {
  it("is valid and resolves every default", () => {
    const config = onlyShare(loadConfigFile(DEFAULT_CONFIG));
    expect(config.name).toBe("orders");
    expect(config.provider.backend).toEqual({ type: "local" });
    expect(config.provider.sharing.acceptanceRequired).toBe(true);
    // Resolved at load: 16 slots (Aurora's largest cluster), the writer's reader set and a spare, every port, the reader count, the kind.
    expect(config.provider.failover).toEqual({
      warmReaderSets: 1,
      reconcileEveryMinutes: 1,
      watchSeconds: 60,
      logRetentionDays: 30,
    });
    expect(config.provider.ports).toEqual({
      writer: 3306,
      reader: 3307,
      members: Array.from({ length: 16 }, (_, i) => 3316 + i),
      readerSets: [3332, 3333],
    });
    expect(config.provider.database).toMatchObject({ kind: "cluster", create: { readers: 1 } });
    expect(config.consumers.map((c) => c.name)).toEqual(["app"]);
  });

  it("is read when RDS_PRIVATELINK_CONFIG is unset or empty", () => {
    expect(configPath({})).toBe(DEFAULT_CONFIG);
    expect(configPath({ RDS_PRIVATELINK_CONFIG: "  " })).toBe(DEFAULT_CONFIG);
    expect(configPath({ RDS_PRIVATELINK_CONFIG: "my.json" })).toBe(path.resolve("my.json"));
  });
});

describe("the config file", () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), "rds-privatelink-config-"));
  const minimal = path.join(__dirname, "..", "..", "examples", "minimal");

  it("comes from the argument, else RDS_PRIVATELINK_CONFIG, else the embedded demo, and says which", () => {
    const env = { RDS_PRIVATELINK_CONFIG: "from-env.json" };
    expect(configSource("given.json", env)).toEqual({ file: path.resolve("given.json"), origin: "argument" });
    expect(configSource(undefined, env)).toEqual({ file: path.resolve("from-env.json"), origin: "env" });
    expect(configSource(undefined, {})).toEqual({ file: DEFAULT_CONFIG, origin: "default" });
  });

  it("takes a directory that holds a config.json as that file, and says so", () => {
    expect(configSource(minimal, {})).toEqual({
      file: path.join(minimal, "config.json"),
      origin: "argument",
      note: `${minimal} is a directory: reading examples/minimal/config.json`,
    });
    expect(configSource(undefined, { RDS_PRIVATELINK_CONFIG: minimal }).note).toBe(
      `RDS_PRIVATELINK_CONFIG=${minimal} is a directory: reading examples/minimal/config.json`,
    );
    expect(configPath({ RDS_PRIVATELINK_CONFIG: minimal })).toBe(path.join(minimal, "config.json"));
    expect(loadConfigFile(minimal).name).toBe(loadConfigFile(path.join(minimal, "config.json")).name);
  });

  it("refuses a directory without a config.json in one line, naming it", () => {
    const empty = dir();
    expect(configSource(empty, {})).toEqual({ file: empty, origin: "argument" });
    expect(() => loadConfigFile(empty, "argument")).toThrow(
      new RegExp(
        `^${empty}: is a directory with no config\\.json; name a config file, such as examples/minimal/config\\.json \\(check the path given on the command line\\)$`,
      ),
    );
  });

  it("refuses a file that is not JSON in one line, at the line and column of the first mistake", () => {
    const d = dir();
    writeFileSync(path.join(d, "README.md"), "# Minimal\n\nA config.\n");
    expect(() => loadConfigFile(path.join(d, "README.md"))).toThrow(
      /^\S+README\.md: not valid JSON at line 1, column 1: a "#" comment or heading; JSON has no comments, and a config is a JSON object, \{ \.\.\. \}$/,
    );
  });

  it.each([
    ['{\n  "name": "orders",\n}', 'line 2, column 19: a trailing comma before "}"; JSON allows none, remove it'],
    [
      '{\n  "azIds": ["use1-az1",\n  ]\n}',
      'line 2, column 23: a trailing comma before "]"; JSON allows none, remove it',
    ],
    [
      '{\n  "name": "orders"\n  "tags": {}\n}',
      "line 2, column 19: a comma is missing after this value, before the '\"' at line 3, column 3",
    ],
    ['{\n  name: "orders"\n}', 'line 2, column 3: the key name needs double quotes: "name"'],
    ["{\n  'name': 'orders'\n}", "line 2, column 3: a single quote; JSON strings and keys take double quotes"],
    ['{\n  "name": "orders" // the share\n}', "line 2, column 20: a comment; JSON has none, remove it"],
    ['{\n  "provider": {\n    "name": "orders"\n}', "line 1, column 1: this { is never closed (the file ends first)"],
    ['{\n  "engine": postgres\n}', 'line 2, column 13: postgres needs double quotes to be a string: "postgres"'],
    [
      '{\n  "ports": { "writer": 05432 }\n}',
      "line 2, column 24: 05432 is not a JSON number (no leading zeros, + sign or bare point)",
    ],
    ['{\n  "ports": [3306 }\n}', 'line 2, column 18: "}" where the [ opened at line 2, column 12 needs "]"'],
    ['{ "name": "orders" } }', 'line 1, column 22: "}" after the end of the config, which closes at line 1, column 20'],
  ])("reports %j at the mistake itself", (text, where) => {
    expect(problemsOf(() => parseConfig(text))).toEqual([`(top level): not valid JSON at ${where}`]);
  });

  it("reports an empty file as empty", () => {
    expect(problemsOf(() => parseConfig(" \n"))).toEqual([
      "(top level): not valid JSON: the file is empty; a config is a JSON object, { ... }",
    ]);
  });

  it("reads a file that starts with an editor's byte order mark", () => {
    expect(parseConfig(`\uFEFF${readFileSync(DEFAULT_CONFIG, "utf8")}`).name).toBe("orders");
  });

  it.each([
    ["postgresql", '"postgresql" is not one; did you mean "postgres"?'],
    ["aurora-postgres", '"aurora-postgres" is not one; did you mean "aurora-postgresql"?'],
    ["MySQL", '"MySQL" is not one; did you mean "mysql"?'],
    ["oracle", '"oracle" is not one'],
  ])("names the engine %s as written, and the engine it likely meant", (engine, said) => {
    const text = readFileSync(DEFAULT_CONFIG, "utf8").replace('"engine": "aurora-mysql"', `"engine": "${engine}"`);
    expect(problemsOf(() => parseConfig(text))).toEqual([
      `provider.database.engine: must be one of aurora-mysql, aurora-postgresql, mysql, postgres: ${said}`,
    ]);
  });
});

describe("bad configs", () => {
  it("has a corpus of at least 40 cases", () => {
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(expected))("refuses %s with the path and the fix", (name, fragments) => {
    const problems = problemsOf(() => loadConfigFile(path.join(FIXTURES, `${name}.json`)));
    for (const fragment of fragments) {
      expect(problems.join("\n")).toContain(fragment);
    }
  });

  it("refuses a file over 1 MiB before parsing it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rds-privatelink-"));
    const file = path.join(dir, "huge.json");
    writeFileSync(file, `{"name": "${"x".repeat(1100 * 1024)}"}`);
    expect(problemsOf(() => loadConfigFile(file)).join("\n")).toContain("a config is at most 1048576 bytes");
  });

  it("names a missing file, and the variable only when the path came from it", () => {
    const missing = "/nonexistent/config.json";
    expect(() => loadConfigFile(missing, "env")).toThrow(
      /^\/nonexistent\/config\.json: cannot read the file \(ENOENT: no such file or directory\); check RDS_PRIVATELINK_CONFIG$/,
    );
    expect(() => loadConfigFile(missing, "argument")).toThrow(
      /^\/nonexistent\/config\.json: cannot read the file \(ENOENT: no such file or directory\); check the path given on the command line$/,
    );
    expect(problemsOf(() => loadConfigFile(missing, "argument")).join("\n")).not.toContain("RDS_PRIVATELINK_CONFIG");
  });

  it.each(Object.keys(expected))(
    "words every problem of %s in sentences, never in the validator's raw text",
    (name) => {
      const problems = problemsOf(() => loadConfigFile(path.join(FIXTURES, `${name}.json`)));
      for (const p of problems) {
        const message = p.slice(p.indexOf(": ") + 2);
        expect(message).not.toMatch(RAW);
        expect(message).not.toMatch(/expected \w+ to (be|have)|received \w+|Invalid input/i);
      }
    },
  );

  it("puts a misspelled key first, before the problems that follow from it", () => {
    const text = readFileSync(DEFAULT_CONFIG, "utf8")
      .replace(
        '"network": { "create": { "cidr": "10.0.0.0/16", "azIds": ["use1-az1", "use1-az2"] } },\n    "database"',
        '"netwrok": {},\n    "database"',
      )
      .replace('"reconcileEveryMinutes": 1', '"reconcileEveryMinutes": 0');
    const problems = problemsOf(() => parseConfig(text));
    expect(problems).toEqual([
      'provider.netwrok: unknown key; did you mean "network"?',
      expect.stringMatching(/^provider\.failover\.reconcileEveryMinutes: must be from 1 to 60 minutes/),
      "provider.network: is required (follows from provider.netwrok above)",
    ]);
  });

  it("lists every problem at once, not only the first", () => {
    const problems = problemsOf(() => loadConfigFile(path.join(FIXTURES, "many-problems.json")));
    expect(problems.length).toBeGreaterThanOrEqual(3);
  });

  it("does not let __proto__ reach the prototype of any object", () => {
    problemsOf(() => parseConfig('{"__proto__": {"polluted": true}, "name": "x"}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("offers no hint when no key is close, but lists the allowed keys", () => {
    const text = readFileSync(DEFAULT_CONFIG, "utf8").replace('"tags"', '"zzzzzzzz"');
    expect(problemsOf(() => parseConfig(text)).join("\n")).toContain(
      "zzzzzzzz: unknown key; allowed keys: name, tags, provider, consumers",
    );
  });
});

describe("defaults that depend on the engine", () => {
  const base = () => JSON.parse(readFileSync(DEFAULT_CONFIG, "utf8"));

  it("resolves a postgres instance without readers and without ports to the engine's defaults", () => {
    const c = base();
    c.provider.database = { engine: "postgres", create: {} };
    delete c.provider.ports;
    const config = single(c);
    expect(config.provider.database.kind).toBe("instance");
    expect(config.provider.database.create?.readers).toBe(0);
    expect(config.provider.ports).toEqual({ writer: 5432, reader: 5433, members: [], readerSets: [] });
  });

  it("gives a cluster, created or existing, the slots of its engine's largest cluster unless memberSlots says otherwise, and warmReaderSets + 1 reader sets", () => {
    const c = base();
    c.provider.database = { engine: "aurora-postgresql", existing: { clusterIdentifier: "orders-prod" } };
    delete c.provider.ports;
    expect(single(c).provider.ports.members).toEqual(Array.from({ length: 16 }, (_, i) => 5442 + i));
    expect(single(c).provider.ports.readerSets).toEqual([5458, 5459]);
    c.provider.failover.memberSlots = 4;
    c.provider.failover.warmReaderSets = 2;
    c.provider.ports = { firstMember: 6000 };
    expect(single(c).provider.ports).toEqual({
      writer: 5432,
      reader: 5433,
      members: [6000, 6001, 6002, 6003],
      readerSets: [6004, 6005, 6006],
    });
    // A Multi-AZ DB cluster: its three members and their green copies.
    const m = base();
    m.provider.database = { engine: "mysql", existing: { clusterIdentifier: "shop-prod" } };
    delete m.provider.ports;
    expect(single(m).provider.ports.members).toHaveLength(6);
    // A created Aurora cluster may set it too, down to its own instances.
    const created = base();
    created.provider.failover.memberSlots = 2;
    expect(single(created).provider.ports.members).toEqual([3316, 3317]);
  });

  it("finds a created Multi-AZ instance's standby by default, an existing one's only when asked", () => {
    const c = base();
    c.provider.database = { engine: "mysql", create: {} };
    delete c.provider.ports;
    expect(single(c).provider.failover.standbyDiscovery).toBe(true);
    c.provider.database = { engine: "mysql", existing: { instanceIdentifier: "shop-prod" } };
    expect(single(c).provider.failover.standbyDiscovery).toBe(false);
    c.provider.failover.standbyDiscovery = true;
    expect(single(c).provider.failover.standbyDiscovery).toBe(true);
  });

  it("treats an existing mysql cluster (a Multi-AZ DB cluster) as a cluster, and an instance as an instance", () => {
    const c = base();
    c.provider.database = { engine: "mysql", existing: { clusterIdentifier: "shop-prod" } };
    expect(single(c).provider.database.kind).toBe("cluster");
    c.provider.database = { engine: "mysql", existing: { instanceIdentifier: "shop-prod" } };
    expect(single(c).provider.database.kind).toBe("instance");
  });

  it("accepts reader: null as no reader listener", () => {
    const c = base();
    c.provider.ports = { writer: 3306, reader: null };
    expect(single(c).provider.ports.reader).toBeNull();
  });
});

describe("the resource transport", () => {
  const resourceInput = (mutate: (c: Json) => void = () => undefined) => {
    const c = JSON.parse(readFileSync(DEFAULT_CONFIG, "utf8"));
    c.provider.transport = "resource";
    for (const key of ["ports", "loadBalancer", "failover"]) delete c.provider[key];
    c.provider.sharing = {
      allowedPrincipals: [
        "222222222222",
        "arn:aws:iam::333333333333:root",
        "arn:aws:organizations::111111111111:ou/o-abc123/ou-ab12-cd34ef56",
        "arn:aws:organizations::111111111111:organization/o-abc123",
      ],
    };
    mutate(c);
    return c;
  };

  it("takes account ids, root ARNs, an OU and the organization (every principal form RAM takes)", () => {
    const config = single(resourceInput());
    expect(config.provider.transport).toBe("resource");
    expect(config.provider.sharing.allowExternalPrincipals).toBe(false);
    expect(config.provider.sharing.allowedPrincipals.map(ramPrincipal)).toEqual([
      "222222222222",
      "333333333333",
      "arn:aws:organizations::111111111111:ou/o-abc123/ou-ab12-cd34ef56",
      "arn:aws:organizations::111111111111:organization/o-abc123",
    ]);
  });

  it("resolves one port, the database's, for the writer and a cluster's reader, and no member slots", () => {
    expect(single(resourceInput()).provider.ports).toEqual({ writer: 3306, reader: 3306, members: [], readerSets: [] });
    const instance = single(resourceInput((c) => (c.provider.database = { engine: "postgres", create: {} })));
    expect(instance.provider.ports).toEqual({ writer: 5432, reader: null, members: [], readerSets: [] });
    const existing = single(
      resourceInput((c) => {
        c.provider.database = { engine: "aurora-postgresql", existing: { clusterIdentifier: "shared-db" } };
        c.provider.ports = { writer: 6432 };
      }),
    );
    expect(existing.provider.ports).toMatchObject({ writer: 6432, reader: 6432 });
  });

  it("is refused by the endpoint-service transport when the principals are an OU or the organization", () => {
    const input = resourceInput();
    delete input.provider.transport;
    const problems = problemsOf(() => validateConfig(input)).join("\n");
    expect(problems).toContain(
      "provider.sharing.allowedPrincipals[2]: arn:aws:organizations::111111111111:ou/o-abc123/ou-ab12-cd34ef56 is an organizational unit",
    );
    expect(problems).toContain(
      "provider.sharing.allowedPrincipals[3]: arn:aws:organizations::111111111111:organization/o-abc123 is an organization",
    );
    expect(problems).toContain('set provider.transport to "resource"');
  });
});

describe("regions and AZ IDs", () => {
  it("keeps the AZ-ID prefix of every region as AWS forms it: country, the initials of the direction, the number", () => {
    const initials = (words: string[]) => words.map((w) => (w === "gov" ? "g" : w[0])).join("");
    for (const [region, prefix] of Object.entries(AZ_ID_PREFIX)) {
      const parts = region.split("-");
      const number = parts.pop()!;
      const [country, ...rest] = parts;
      // northeast -> ne, southeast -> se, northwest -> nw: a compound direction keeps both initials.
      const direction = rest
        .map((w) => w.replace(/^(north|south)(east|west)$/, (_, a, b) => `${a[0]}${b[0]}`))
        .map((w) => (w.length <= 2 ? w : initials([w])));
      expect(`${region} ${prefix}`).toBe(`${region} ${country}${direction.join("")}${number}`);
    }
  });

  it("suggests the nearest region for a typo and a region code for nonsense", () => {
    expect(regionProblem("eu-centrl-1")).toContain('did you mean "eu-central-1"?');
    expect(regionProblem("mars-north-9")).toContain("write a region code such as us-east-1");
    expect(regionProblem("ap-southeast-2")).toBeUndefined();
  });

  it("accepts an AZ ID of the region, a Local Zone's included, and names the region of one that is not", () => {
    expect(azIdProblem("euc1-az3", "eu-central-1")).toBeUndefined();
    expect(azIdProblem("use1-bos1-az1", "us-east-1")).toBeUndefined();
    expect(azIdProblem("apne1-az4", "ap-northeast-2")).toBe(
      'apne1-az4 is an AZ ID of ap-northeast-1, but this account\'s region is ap-northeast-2, whose AZ IDs start with "apne2-"; did you mean apne2-az4?',
    );
  });
});

describe("choices accepted with a stated consequence", () => {
  const base = () => JSON.parse(readFileSync(DEFAULT_CONFIG, "utf8"));

  it("accepts an empty consumer list and says only the provider stack is synthesized", () => {
    const input = base();
    input.consumers = [];
    const config = validateConfig(input);
    expect(config.consumers).toEqual([]);
    expect(notices(config)).toEqual([
      expect.stringMatching(/^consumers is empty: only the provider stack is synthesized/),
    ]);
  });

  it("accepts a consumer without privateZone and says its applications use the endpoint's own names", () => {
    const input = base();
    delete input.consumers[0].privateZone;
    expect(notices(validateConfig(input))).toEqual([
      expect.stringMatching(
        /^consumers "app" has no privateZone: no writer.<zone>\/reader.<zone> names are created; applications use the endpoint's own DNS names/,
      ),
    ]);
  });

  it("says when a created cluster's Blue/Green copy would not fit its member slots", () => {
    const input = JSON.parse(readFileSync(DEFAULT_CONFIG, "utf8"));
    input.provider.database.create.readers = 2;
    input.provider.failover = { ...input.provider.failover, memberSlots: 4 };
    expect(notices(validateConfig(input))).toContain(
      "provider.failover.memberSlots is 4 and the cluster has 3 instances: a Blue/Green deployment's 3 green members find 1 free slot(s), and the rest are registered on the switchover's way (minutes). Raise it to 6 (at most 46) before a Blue/Green deployment.",
    );
    input.provider.failover.memberSlots = 6;
    expect(notices(validateConfig(input)).some((n) => n.includes("Blue/Green"))).toBe(false);
  });

  it('says that "*" gives the endpoint service to any account but the share descriptor to named accounts only', () => {
    const input = base();
    input.provider.sharing.allowAnyPrincipal = true;
    input.provider.sharing.allowedPrincipals = ["*", "arn:aws:iam::222222222222:root"];
    expect(notices(validateConfig(input))).toEqual([
      expect.stringMatching(
        /^provider\.sharing\.allowedPrincipals holds "\*": the share's descriptor .* goes only to the accounts the other entries name\. .*or its account, OU or organization in sharing\.descriptorReaders, to give it the descriptor\.$/,
      ),
    ]);
    // Once the provider names who reads the descriptor, there is nothing to point out.
    input.provider.sharing.descriptorReaders = ["arn:aws:organizations::111111111111:organization/o-abc123defg"];
    expect(notices(validateConfig(input))).toEqual([]);
  });

  it("has nothing to say about the demo", () => {
    expect(notices(validateConfig(base()))).toEqual([]);
  });
});

describe("watching the database between runs (failover.watchSeconds)", () => {
  const base = () => JSON.parse(readFileSync(DEFAULT_CONFIG, "utf8"));
  /** A config of n endpoint-service shares, each an existing cluster; watch gives share i its watchSeconds. */
  const shares = (n: number, watch: (i: number) => number | undefined = () => undefined) => {
    const c = base();
    const {
      database: _database,
      ports: _ports,
      sharing,
      failover: _failover,
      loadBalancer: _lb,
      ...common
    } = c.provider;
    c.provider = {
      ...common,
      shares: Array.from({ length: n }, (_, i) => ({
        name: `db${i}`,
        database: { engine: "aurora-postgresql", existing: { clusterIdentifier: `db${i}-prod` } },
        sharing,
        ...(watch(i) === undefined ? {} : { failover: { watchSeconds: watch(i) } }),
      })),
    };
    delete c.consumers[0].privateZone;
    c.consumers[0].shares = ["db0"];
    return c;
  };

  it("watches 60 seconds, one interval of the default schedule, unless the config says otherwise, for clusters and Multi-AZ instances alike", () => {
    expect(DEFAULT_WATCH_SECONDS).toBe(60);
    expect(single(base()).provider.failover.watchSeconds).toBe(DEFAULT_WATCH_SECONDS);
    const c = base();
    c.provider.database = { engine: "postgres", create: {} };
    delete c.provider.ports;
    c.provider.failover.watchSeconds = 0;
    expect(single(c).provider.failover.watchSeconds).toBe(0);
    expect(
      validateConfig(shares(2, (i) => (i === 0 ? 120 : undefined))).shares.map(
        (s) => s.config.provider.failover.watchSeconds,
      ),
    ).toEqual([120, DEFAULT_WATCH_SECONDS]);
  });

  it.each([
    [0, undefined],
    [MAX_WATCH_SECONDS, undefined],
    [MAX_WATCH_SECONDS + 1, "must be from 0 to 240 seconds"],
    [-1, "must be from 0 to 240 seconds; 0 turns watching off"],
    [2.5, "must be a whole number"],
  ])("takes watchSeconds %p only as a whole number from 0 to 240", (seconds, problem) => {
    const c = base();
    c.provider.failover.watchSeconds = seconds;
    if (problem === undefined) expect(single(c).provider.failover.watchSeconds).toBe(seconds);
    else
      expect(problemsOf(() => validateConfig(c))).toEqual([
        expect.stringContaining(`provider.failover.watchSeconds: ${problem}`),
      ]);
  });

  it("names the share whose watchSeconds is out of range", () => {
    expect(problemsOf(() => validateConfig(shares(2, (i) => (i === 1 ? 300 : undefined))))).toEqual([
      expect.stringMatching(/^provider\.shares\[1\]\.failover\.watchSeconds: must be from 0 to 240 seconds/),
    ]);
  });

  it("lets the shares of one config watch with at most a quarter of the RDS API's sustained rate: 6 shares, one call every 2 s each", () => {
    expect(WATCH_INTERVAL_SECONDS * 1000).toBe(DEFAULT_TIMING.watchIntervalMs);
    expect(MAX_WATCH_CALLS_PER_SECOND).toBe(3);
    expect(validateConfig(shares(6)).shares).toHaveLength(6);
    expect(problemsOf(() => validateConfig(shares(7)))).toEqual([
      'provider.shares: 7 shares watch their database (db0, db1, db2, db3, db4, db5, db6), each with one RDS describe call every 2 s: 3.5 calls a second together, above the 3 a config may use (a quarter of the RDS API\'s sustained 12 requests a second per account and Region, "Request throttling for the Amazon RDS API"); set "watchSeconds": 0 in the failover of at least 1 of them (provider.shares[].failover.watchSeconds), or move some shares to a config in another account or Region',
    ]);
    // A share that does not watch calls nothing: 7 shares, one of them at 0, are fine.
    expect(validateConfig(shares(7, (i) => (i === 6 ? 0 : undefined))).shares).toHaveLength(7);
  });

  it("counts no share of the resource transport, which has no function to watch with", () => {
    const c = shares(7);
    c.provider.shares[6] = {
      name: "db6",
      transport: "resource",
      database: { engine: "mysql", existing: { instanceIdentifier: "db6-prod" } },
      sharing: { allowedPrincipals: ["222222222222"] },
    };
    expect(validateConfig(c).shares).toHaveLength(7);
  });
});

describe("several databases in one config (provider.shares)", () => {
  const catalogue = () =>
    loadConfigFile(path.join(__dirname, "..", "..", "examples", "platform-catalogue", "config.json"));

  it("resolves each share as the single-database form would, named <config>-<share>, with the provider's account and network", () => {
    const config = catalogue();
    expect(config.shares.map((s) => [s.name, s.scoped, s.config.name, s.config.nameScope])).toEqual([
      ["orders", true, "platform-orders", { share: "platform", part: "orders" }],
      ["billing", true, "platform-billing", { share: "platform", part: "billing" }],
      ["inventory", true, "platform-inventory", { share: "platform", part: "inventory" }],
    ]);
    const [orders, billing, inventory] = config.shares.map((s) => s.config.provider);
    for (const p of [orders, billing, inventory]) {
      expect(p.account).toEqual(config.provider.account);
      expect(p.network).toEqual(config.provider.network);
      expect(p.backend).toEqual({ type: "local" });
    }
    // Each share's defaults are its own: slots per created instance, memberSlots of the existing cluster, the resource transport's one port.
    expect(orders.ports).toEqual({
      writer: 3306,
      reader: 3307,
      members: Array.from({ length: 16 }, (_, i) => 3316 + i),
      readerSets: [3332, 3333],
    });
    expect(billing.ports).toEqual({
      writer: 5432,
      reader: 5433,
      members: [5442, 5443, 5444],
      readerSets: [5445, 5446],
    });
    expect(inventory.ports).toEqual({ writer: 3306, reader: null, members: [], readerSets: [] });
    expect(inventory.resourceDefinition).toBe("arn");
  });

  it("gives each share the consumers that reach it, each with its settings of that share and the defaults of an entry", () => {
    const config = catalogue();
    expect(config.consumers.map((c) => [c.name, c.shares])).toEqual([
      ["storefront", ["orders", "billing", "inventory"]],
      ["analytics", ["billing", "inventory"]],
      ["warehouse", ["orders", "billing", "inventory"]],
    ]);
    const seen = (share: string) => config.shares.find((s) => s.name === share)!.config.consumers;
    expect(seen("orders").map((c) => [c.name, c.privateZone?.name, c.memberPorts])).toEqual([
      ["storefront", "orders.db.internal", false],
      ["warehouse", undefined, false],
    ]);
    expect(seen("billing").map((c) => [c.name, c.privateZone?.name, c.memberPorts])).toEqual([
      ["storefront", "billing.db.internal", false],
      ["analytics", undefined, true],
      ["warehouse", undefined, false],
    ]);
    // A consumer's own keys are the same in every share it reaches.
    expect(seen("inventory").find((c) => c.name === "analytics")!.allowedCidrs).toEqual(["10.0.0.0/16"]);
    expect(seen("inventory").every((c) => c.acceptResourceShare === false)).toBe(true);
  });

  it("lists the shares in the order of provider.shares whatever order a consumer names them in", () => {
    const input = JSON.parse(
      readFileSync(path.join(__dirname, "..", "..", "examples", "platform-catalogue", "config.json"), "utf8"),
    );
    input.consumers[1].shares = ["inventory", "billing"];
    expect(validateConfig(input).consumers[1].shares).toEqual(["billing", "inventory"]);
  });

  it("keeps the single-database form one share named by the config, its resources at the stacks' top level", () => {
    const config = loadConfigFile(DEFAULT_CONFIG);
    expect(config.shares.map((s) => [s.name, s.scoped, s.config.name, s.config.nameScope])).toEqual([
      ["orders", false, "orders", { share: "orders" }],
    ]);
    expect(config.consumers.map((c) => c.shares)).toEqual([["orders"]]);
  });

  it("says once per consumer which shares have no friendly names, the outputs to use instead, and where the setting goes", () => {
    const notes = notices(catalogue());
    expect(notes).toEqual([
      'consumers "analytics" has no privateZone for shares "billing", "inventory": no writer.<zone>/reader.<zone> names are created; applications use the endpoint\'s own DNS names (the billing_writer_address, billing_reader_address and inventory_writer_address outputs). Add to its entry of each share in shares a privateZone, such as { "name": "billing", "privateZone": { "name": "..." } }, for stable names.',
      'consumers "warehouse" has no privateZone for shares "orders", "billing", "inventory": no writer.<zone>/reader.<zone> names are created; applications use the endpoint\'s own DNS names (the orders_writer_address, orders_reader_address, billing_writer_address, billing_reader_address and inventory_writer_address outputs). Add to its entry of each share in shares a privateZone, such as { "name": "orders", "privateZone": { "name": "..." } }, for stable names.',
    ]);
  });

  it("names only the writer's address of a Multi-AZ instance without a reader port", () => {
    const input = JSON.parse(readFileSync(DEFAULT_CONFIG, "utf8"));
    input.provider.database = { engine: "mysql", create: {} };
    input.provider.ports = { writer: 3306, reader: null };
    delete input.consumers[0].privateZone;
    expect(notices(validateConfig(input))).toEqual([
      expect.stringContaining('(the writer_address output). Add "privateZone": { "name": "..." } for stable names.'),
    ]);
  });
});

describe("a consumer's keys", () => {
  it("are each either its own (the same for every share it reaches) or its setting of one share, never both and never neither", () => {
    const all = Object.keys(ConsumerSchema.shape)
      .filter((k) => k !== "shares")
      .sort();
    expect([...CONSUMER_COMMON_KEYS, ...CONSUMER_SHARE_KEYS].sort()).toEqual(all);
    expect(CONSUMER_COMMON_KEYS.filter((k) => (CONSUMER_SHARE_KEYS as string[]).includes(k))).toEqual([]);
  });
});
