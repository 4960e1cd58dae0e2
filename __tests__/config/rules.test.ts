import { readFileSync } from "node:fs";
import { DEFAULT_CONFIG } from "../../config/load";
import { AZ_ID_PREFIX, AZ_IDS, azIdProblem } from "../../config/regions";
import { RULES_BY_TRANSPORT } from "../../config/rules";
import { TRANSPORTS } from "../../config/schema";
import { type Json, problems } from "../helpers";

const demo = (): Json => JSON.parse(readFileSync(DEFAULT_CONFIG, "utf8"));

describe("the rules of each transport", () => {
  it("are registered for every transport the config accepts", () => {
    expect(Object.keys(RULES_BY_TRANSPORT).sort()).toEqual([...TRANSPORTS].sort());
  });
});

describe("a port clash names the keys the config sets", () => {
  const withPorts = (engine: string, ports: Json) => {
    const input = demo();
    input.provider.database.engine = engine;
    input.provider.ports = ports;
    return problems(input);
  };

  it("names the writer port, and the reader port's default, when only the writer is set on the reader's default", () => {
    expect(withPorts("aurora-postgresql", { writer: 5433 })).toEqual([
      "provider.ports.writer: 5433 is the reader listener's port: provider.ports.reader defaults to the aurora-postgresql port + 1, 5433; choose another writer port, or set provider.ports.reader to another port (null for no reader listener)",
    ]);
  });

  it("names the reader port, and the writer port's default, when only the reader is set on the writer's default", () => {
    expect(withPorts("aurora-mysql", { reader: 3306 })).toEqual([
      "provider.ports.reader: 3306 is the writer listener's port: provider.ports.writer defaults to the aurora-mysql port, 3306; choose another port",
    ]);
  });

  it("names both keys when the config sets both to one port", () => {
    expect(withPorts("aurora-mysql", { writer: 4000, reader: 4000 })).toEqual([
      "provider.ports.reader: 4000 is already used by provider.ports.writer; choose another port",
    ]);
  });

  it("names firstMember when the member block it sets covers a port left at its default", () => {
    const found = withPorts("aurora-mysql", { firstMember: 3300 });
    expect(found).toContain(
      "provider.ports.firstMember: the member block 3300-3317 takes 3306, the default of provider.ports.writer (the aurora-mysql port, 3306); move provider.ports.firstMember, or set provider.ports.writer to a port outside the block",
    );
    expect(found.some((p) => p.startsWith("provider.ports.writer") || p.startsWith("provider.ports.reader"))).toBe(
      false,
    );
  });

  it("accepts a writer port away from the reader's default", () => {
    expect(withPorts("aurora-postgresql", { writer: 6000 })).toEqual([]);
  });
});

describe("AZ IDs are checked against the region's own where the project knows them", () => {
  /** The demo moved to eu-west-1, whose AZ IDs AWS lists, with the provider's and the consumer's zones. */
  const inIreland = (providerIds: string[], consumerIds = providerIds) => {
    const input = demo();
    input.provider.account.region = "eu-west-1";
    input.provider.network.create.azIds = providerIds;
    input.consumers[0].account.region = "eu-west-1";
    input.consumers[0].network.create.azIds = consumerIds;
    return problems(input);
  };

  it("refuses an AZ ID the region does not have, naming the field, what was written and the region's AZ IDs", () => {
    expect(inIreland(["euw1-az1", "euw1-az4"], ["euw1-az1", "euw1-az2"])).toEqual([
      "provider.network.create.azIds[1]: euw1-az4 is not an AZ ID of eu-west-1, whose AZ IDs are euw1-az1, euw1-az2, euw1-az3; choose one of them",
    ]);
  });

  it("refuses it in a consumer's own zones and in the provider's zones as a consumer states them", () => {
    const input = demo();
    input.provider.account.region = "eu-west-1";
    input.provider.network.create.azIds = ["euw1-az1", "euw1-az2"];
    input.consumers[0].account.region = "eu-west-1";
    input.consumers[0].network.create.azIds = ["euw1-az5", "euw1-az1"];
    input.consumers[0].providerAzIds = ["euw1-az1", "euw1-az9"];
    const found = problems(input);
    expect(found).toContain(
      "consumers[0].network.create.azIds[0]: euw1-az5 is not an AZ ID of eu-west-1, whose AZ IDs are euw1-az1, euw1-az2, euw1-az3; choose one of them",
    );
    expect(found).toContain(
      "consumers[0].providerAzIds[1]: euw1-az9 is not an AZ ID of eu-west-1, whose AZ IDs are euw1-az1, euw1-az2, euw1-az3; choose one of them",
    );
  });

  it("accepts every AZ ID the region has", () => {
    expect(inIreland([...AZ_IDS["eu-west-1"]])).toEqual([]);
  });

  it("offers a zone of another region's ID only when the region has it", () => {
    expect(azIdProblem("use1-az2", "eu-west-1")).toBe(
      'use1-az2 is an AZ ID of us-east-1, but this account\'s region is eu-west-1, whose AZ IDs start with "euw1-"; did you mean euw1-az2?',
    );
    expect(azIdProblem("use1-az6", "eu-west-1")).toBe(
      'use1-az6 is an AZ ID of us-east-1, but this account\'s region is eu-west-1, whose AZ IDs start with "euw1-"; choose one of euw1-az1, euw1-az2, euw1-az3',
    );
  });

  it("checks only the prefix in a region whose AZ IDs AWS's page does not list: AWS answers for the zone at plan time", () => {
    expect(AZ_IDS["us-gov-west-1"]).toBeUndefined();
    expect(azIdProblem("usgw1-az9", "us-gov-west-1")).toBeUndefined();
    expect(azIdProblem("use1-az1", "us-gov-west-1")).toContain('whose AZ IDs start with "usgw1-"');
  });

  it("lists AZ IDs of known regions only, each with its region's prefix", () => {
    for (const [region, ids] of Object.entries(AZ_IDS)) {
      expect(AZ_ID_PREFIX[region]).toBeDefined();
      for (const id of ids) expect(id).toMatch(new RegExp(`^${AZ_ID_PREFIX[region]}-az\\d+$`));
    }
  });
});
