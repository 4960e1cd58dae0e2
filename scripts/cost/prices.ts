// What the estimate is computed from besides the config: the price table (config/prices.json)
// and the assumptions of usage, each a flag of `npm run cost`.
export type PriceKey =
  | "nlbHour"
  | "nlcuHour"
  | "interfaceEndpointAzHour"
  | "interfaceEndpointGb"
  | "resourceEndpointHour"
  | "resourceEndpointGb"
  | "resourceGatewayHour"
  | "resourceGatewayGb"
  | "kmsKeyMonth"
  | "alarmMonth"
  | "dashboardMonth"
  | "customMetricMonth"
  | "logIngestGb"
  | "lambdaArmGbSecond"
  | "lambdaMillionRequests"
  | "hostedZoneMonth"
  | "ssmAdvancedParameterMonth"
  | "ssmApiInteractions10k"
  | "rdsProxyVcpuHour";

export interface Price {
  /** null: no source found; the line is unknown and stays out of the total. */
  readonly usd: number | null;
  readonly unit: string;
  readonly date: string;
  readonly source: string;
}

export interface PriceTable {
  readonly currency: string;
  /** Regions these prices were read for; any other region is priced as the first, and says so. */
  readonly regions: string[];
  readonly prices: Record<PriceKey, Price>;
  readonly capacityUnits: {
    readonly newFlowsPerSecond: number;
    readonly activeFlows: number;
    readonly gbPerHour: number;
    readonly source: string;
  };
}

export interface Assumptions {
  /** Hours in the month. */
  readonly hours: number;
  /** GB each consumer sends and receives through the share in a month. */
  readonly gbPerConsumer: number;
  /** Concurrent connections each consumer holds (connection pools), for the NLB's active-flow dimension. */
  readonly connectionsPerConsumer: number;
  /** GB of logs each stack ingests in a month (flow log, function log, database logs). */
  readonly logGbPerStack: number;
  /** Billed duration of one failover function run. */
  readonly functionMs: number;
}

/** The defaults of `npm run cost`; every one is a flag. */
export const DEFAULT_ASSUMPTIONS: Assumptions = {
  hours: 730,
  gbPerConsumer: 100,
  connectionsPerConsumer: 100,
  logGbPerStack: 1,
  functionMs: 500,
};
