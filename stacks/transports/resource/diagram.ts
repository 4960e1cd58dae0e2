// The resource transport in the diagram: the gateway, the configurations and the RAM share.
import type { DiagramPart } from "../transport";

const MORE = "<br/>";

export const resourceDiagram: DiagramPart = {
  provider(config, ns) {
    const p = config.provider;
    const ports = p.ports;
    const reader = ports.reader !== null;
    const kind = p.database.kind;
    const principals = p.sharing.allowedPrincipals.length;
    const [gw, rcw, rcr, ram, note, w, r] = ["gw", "rcw", "rcr", "ram", "note", "w", "r"].map((id) => `${ns}${id}`);
    const common = [
      `${gw}["resource gateway${MORE}in the provider subnets"]`,
      `${ram}["AWS RAM share${MORE}${principals} principal${principals === 1 ? "" : "s"}"]`,
      `${rcw} --> ${gw}`,
      `${ram} -.- ${rcw}`,
    ];
    if (p.resourceDefinition === "arn") {
      // One configuration of the database by its ARN: the consumer's resource endpoint answers its RDS names.
      return [
        ...common,
        `${rcw}["resource configuration${MORE}the ${kind} by its ARN, :${ports.writer}"]`,
        `${gw} -- "writer: its RDS name" --> ${w}`,
        ...(kind === "cluster" ? [`${gw} -- "readers: the reader endpoint" --> ${r}`] : []),
        `${gw} ~~~ ${note}["failover: RDS moves the names"]:::where`,
      ];
    }
    const writerName = kind === "cluster" ? "cluster endpoint" : "instance address";
    return [
      ...common,
      `${rcw}["resource configuration: writer${MORE}${writerName} :${ports.writer}"]`,
      ...(reader
        ? [
            `${rcr}["resource configuration: reader${MORE}reader endpoint :${ports.reader}"]`,
            `${rcr} --> ${gw}`,
            `${ram} -.- ${rcr}`,
          ]
        : []),
      `${gw} -- "writer: ${writerName}" --> ${w}`,
      ...(reader ? [`${gw} -- "reader: reader endpoint" --> ${r}`] : []),
      `${gw} ~~~ ${note}["failover: RDS moves the endpoint names"]:::where`,
    ];
  },
  consumerEndpoint(config, _consumer, id) {
    if (config.provider.resourceDefinition === "arn")
      return `${id}_ep["resource endpoint${MORE}private DNS: the RDS names"]`;
    const endpoints =
      config.provider.ports.reader === null ? "writer resource endpoint" : "writer and reader resource endpoints";
    return `${id}_ep["${endpoints}"]`;
  },
  link: (id, ns) => `${id}_ep -- "VPC resources" --> ${ns}rcw`,
};
