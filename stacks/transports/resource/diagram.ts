// The resource transport in the diagram: the gateway, the configurations and the RAM share.
import { DiagramPart } from "../transport";

const MORE = "<br/>";

export const resourceDiagram: DiagramPart = {
  provider(config, ns) {
    const p = config.provider;
    const ports = p.ports;
    const reader = ports.reader !== null;
    const principals = p.sharing.allowedPrincipals.length;
    const [gw, rcw, rcr, ram, note, w, r] = ["gw", "rcw", "rcr", "ram", "note", "w", "r"].map((id) => `${ns}${id}`);
    return [
      `${gw}["resource gateway${MORE}in the provider subnets"]`,
      `${rcw}["resource configuration: writer${MORE}cluster endpoint :${ports.writer}"]`,
      ...(reader ? [`${rcr}["resource configuration: reader${MORE}reader endpoint :${ports.reader}"]`] : []),
      `${ram}["AWS RAM share${MORE}${principals} principal${principals === 1 ? "" : "s"}"]`,
      `${rcw} --> ${gw}`,
      ...(reader ? [`${rcr} --> ${gw}`] : []),
      `${gw} -- "writer: cluster endpoint" --> ${w}`,
      ...(reader ? [`${gw} -- "reader: reader endpoint" --> ${r}`] : []),
      `${gw} ~~~ ${note}["failover: RDS moves the endpoint names"]:::where`,
      `${ram} -.- ${rcw}`,
      ...(reader ? [`${ram} -.- ${rcr}`] : []),
    ];
  },
  consumerEndpoint(config, _consumer, id) {
    const endpoints = config.provider.ports.reader === null ? "writer resource endpoint" : "writer and reader resource endpoints";
    return `${id}_ep["${endpoints}"]`;
  },
  link: (id, ns) => `${id}_ep -- "VPC resources" --> ${ns}rcw`,
};
