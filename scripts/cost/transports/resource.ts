// The resource transport's lines of the cost estimate: the gateway, and each consumer's resource endpoints.
import type { TransportCost } from "./transport";

export const RESOURCE_COST: TransportCost = {
  provider(config, a) {
    const totalGb = a.gbPerConsumer * config.consumers.length;
    return [
      ["resource gateway hours", a.hours, "resourceGatewayHour"],
      ["resource gateway data processed (GB)", totalGb, "resourceGatewayGb"],
    ];
  },
  consumer(config, _consumer, a, zones) {
    const provider = config.provider;
    // arn: one endpoint of the database's configuration; dns: one per configuration.
    const endpoints = provider.resourceDefinition === "dns" && provider.database.kind === "cluster" ? 2 : 1;
    return {
      endpoint: [
        [
          `resource endpoint hours (${endpoints} endpoint${endpoints === 1 ? "" : "s"}, ${zones} AZs)`,
          endpoints * a.hours,
          "resourceEndpointHour",
        ],
        ["data processed (GB)", a.gbPerConsumer, "resourceEndpointGb"],
      ],
      // No hosted zones of the RDS names: the resource endpoint's private DNS answers them (arn), or
      // the consumer reaches the database by its own names (dns).
      names: [],
    };
  },
};
