// AWS regions and the prefix of their AZ IDs. An AZ ID is the region's short code, its number
// and "-az" with a zone number: use1-az1 is in us-east-1, euc1-az2 in eu-central-1. AZ IDs,
// not names, place subnets across accounts (names are shuffled per account in older regions).
// Source: AWS Regions and Availability Zones guide, "AWS Availability Zones" (the AZ ID of every
// zone with its region) and "AZ IDs":
//   https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html
//   https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html
// A region AWS opens later is refused until it is added here, with its prefix from that page.
// AZ_IDS below holds each region's AZ IDs from the first page, and an AZ ID outside them is
// refused; for a region that page does not list, only the prefix is checked.
import { closest } from "./suggest";

export const AZ_ID_PREFIX: Readonly<Record<string, string>> = {
  "us-east-1": "use1",
  "us-east-2": "use2",
  "us-west-1": "usw1",
  "us-west-2": "usw2",
  "ca-central-1": "cac1",
  "ca-west-1": "caw1",
  "mx-central-1": "mxc1",
  "sa-east-1": "sae1",
  "eu-west-1": "euw1",
  "eu-west-2": "euw2",
  "eu-west-3": "euw3",
  "eu-central-1": "euc1",
  "eu-central-2": "euc2",
  "eu-north-1": "eun1",
  "eu-south-1": "eus1",
  "eu-south-2": "eus2",
  "af-south-1": "afs1",
  "me-south-1": "mes1",
  "me-central-1": "mec1",
  "il-central-1": "ilc1",
  "ap-east-1": "ape1",
  "ap-east-2": "ape2",
  "ap-south-1": "aps1",
  "ap-south-2": "aps2",
  "ap-northeast-1": "apne1",
  "ap-northeast-2": "apne2",
  "ap-northeast-3": "apne3",
  "ap-southeast-1": "apse1",
  "ap-southeast-2": "apse2",
  "ap-southeast-3": "apse3",
  "ap-southeast-4": "apse4",
  "ap-southeast-5": "apse5",
  "ap-southeast-6": "apse6",
  "ap-southeast-7": "apse7",
  "cn-north-1": "cnn1",
  "cn-northwest-1": "cnnw1",
  "us-gov-west-1": "usgw1",
  "us-gov-east-1": "usge1",
};

export const REGIONS = Object.keys(AZ_ID_PREFIX);

export function isKnownRegion(region: string): boolean {
  return Object.hasOwn(AZ_ID_PREFIX, region);
}

/** The problem with a region string, or undefined when it is a known region. */
export function regionProblem(region: string): string | undefined {
  if (isKnownRegion(region)) return undefined;
  const hint = closest(region, REGIONS, 3);
  return `must be an AWS region: "${region}" is not one${hint ? `; did you mean "${hint}"?` : "; write a region code such as us-east-1 or eu-central-1"} (config/regions.ts lists the regions this version knows)`;
}

/** The region whose AZ IDs start with this ID's prefix, if any. */
export function regionOfAzId(azId: string): string | undefined {
  const prefix = azId.split("-")[0];
  return REGIONS.find((r) => AZ_ID_PREFIX[r] === prefix);
}

/**
 * Every AZ ID of a region, as AWS lists them: the AWS Regions and Availability Zones guide, "AWS
 * Availability Zones", its tables by geography
 * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html).
 * An AZ ID outside its region's list is refused, since the subnet would fail only at apply.
 * That page leaves out cn-north-1, cn-northwest-1, us-gov-west-1 and us-gov-east-1 (the China and
 * GovCloud partitions have guides of their own): there only the prefix is checked, and whether a
 * zone exists is for AWS to say at plan time. Local Zone IDs (use1-bos1-az1) are not in the
 * tables either, and are checked by their prefix too.
 */
export const AZ_IDS: Readonly<Record<string, readonly string[]>> = {
  "us-east-1": ["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"],
  "us-east-2": ["use2-az1", "use2-az2", "use2-az3"],
  "us-west-1": ["usw1-az1", "usw1-az2", "usw1-az3"],
  "us-west-2": ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"],
  "ca-central-1": ["cac1-az1", "cac1-az2", "cac1-az4"],
  "ca-west-1": ["caw1-az1", "caw1-az2", "caw1-az3"],
  "mx-central-1": ["mxc1-az1", "mxc1-az2", "mxc1-az3"],
  "sa-east-1": ["sae1-az1", "sae1-az2", "sae1-az3"],
  "eu-west-1": ["euw1-az1", "euw1-az2", "euw1-az3"],
  "eu-west-2": ["euw2-az1", "euw2-az2", "euw2-az3", "euw2-az4"],
  "eu-west-3": ["euw3-az1", "euw3-az2", "euw3-az3"],
  "eu-central-1": ["euc1-az1", "euc1-az2", "euc1-az3"],
  "eu-central-2": ["euc2-az1", "euc2-az2", "euc2-az3"],
  "eu-north-1": ["eun1-az1", "eun1-az2", "eun1-az3"],
  "eu-south-1": ["eus1-az1", "eus1-az2", "eus1-az3"],
  "eu-south-2": ["eus2-az1", "eus2-az2", "eus2-az3"],
  "af-south-1": ["afs1-az1", "afs1-az2", "afs1-az3"],
  "me-south-1": ["mes1-az1", "mes1-az2", "mes1-az3"],
  "me-central-1": ["mec1-az1", "mec1-az2", "mec1-az3"],
  "il-central-1": ["ilc1-az1", "ilc1-az2", "ilc1-az3"],
  "ap-east-1": ["ape1-az1", "ape1-az2", "ape1-az3"],
  "ap-east-2": ["ape2-az1", "ape2-az2", "ape2-az3"],
  "ap-south-1": ["aps1-az1", "aps1-az2", "aps1-az3"],
  "ap-south-2": ["aps2-az1", "aps2-az2", "aps2-az3"],
  "ap-northeast-1": ["apne1-az1", "apne1-az2", "apne1-az3", "apne1-az4"],
  "ap-northeast-2": ["apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"],
  "ap-northeast-3": ["apne3-az1", "apne3-az2", "apne3-az3"],
  "ap-southeast-1": ["apse1-az1", "apse1-az2", "apse1-az3"],
  "ap-southeast-2": ["apse2-az1", "apse2-az2", "apse2-az3"],
  "ap-southeast-3": ["apse3-az1", "apse3-az2", "apse3-az3"],
  "ap-southeast-4": ["apse4-az1", "apse4-az2", "apse4-az3"],
  "ap-southeast-5": ["apse5-az1", "apse5-az2", "apse5-az3"],
  "ap-southeast-6": ["apse6-az1", "apse6-az2", "apse6-az3"],
  "ap-southeast-7": ["apse7-az1", "apse7-az2", "apse7-az3"],
};

/**
 * The problem with an AZ ID in a given region: its prefix must be the region's, and where the
 * region's AZ IDs are known (AZ_IDS), it must be one of them. The suggestion keeps the zone part
 * (use1-az2 in eu-central-1 -> euc1-az2) when that zone may exist.
 */
export function azIdProblem(azId: string, region: string): string | undefined {
  const prefix = AZ_ID_PREFIX[region];
  if (prefix === undefined) return undefined; // the region itself is reported
  const known = Object.hasOwn(AZ_IDS, region) ? AZ_IDS[region] : undefined;
  const [head, ...rest] = azId.split("-");
  if (head === prefix) {
    // A Local Zone's ID (use1-bos1-az1) names its zone group too: the table holds the region's own zones only.
    if (!known || rest.length > 1 || known.includes(azId)) return undefined;
    return `${azId} is not an AZ ID of ${region}, whose AZ IDs are ${known.join(", ")}; choose one of them`;
  }
  const from = regionOfAzId(azId);
  const guess = `${prefix}-${rest.join("-")}`;
  const fix = known && !known.includes(guess) ? `choose one of ${known.join(", ")}` : `did you mean ${guess}?`;
  return `${azId} is ${from ? `an AZ ID of ${from}` : "not an AZ ID of any known region"}, but this account's region is ${region}, whose AZ IDs start with "${prefix}-"; ${fix}`;
}
