// The cost part of a transport: its lines of the monthly estimate. Each transport implements it
// in ./<name>.ts; scripts/cost/estimate.ts adds the lines every share has and calls it through
// the registry (./index.ts), never asking which transport it holds.
import type { Config, SharedView } from "../../../config/resolve";
import type { ConsumerConfig } from "../../../config/schema";
import type { Assumptions, PriceKey, PriceTable } from "../prices";

/** One line of the estimate before pricing: what, how many, at which price. */
export type CostRow = [item: string, quantity: number, price: PriceKey];

export interface TransportCost {
  /** The provider stack's lines for the transport, before the lines every share has. */
  provider(config: Config, assumptions: Assumptions, table: PriceTable): CostRow[];
  /**
   * One consumer stack's lines: endpoint before the KMS key, names after the private zone
   * (the order `npm run cost` prints).
   */
  consumer(
    config: SharedView,
    consumer: ConsumerConfig,
    assumptions: Assumptions,
    zones: number,
  ): { endpoint: CostRow[]; names: CostRow[] };
}
