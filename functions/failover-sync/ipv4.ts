// IPv4 addresses and CIDR blocks as plain data. Shared by the config schema and the function.

export interface Cidr {
  readonly text: string;
  readonly base: number;
  readonly mask: number;
}

export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function parseCidr(s: string): Cidr | undefined {
  const [ip, prefixText, extra] = s.trim().split("/");
  if (extra !== undefined || prefixText === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const base = parseIpv4(ip);
  const prefix = Number(prefixText);
  if (base === undefined || prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((base & ~mask) >>> 0 !== 0) return undefined;
  return { text: s.trim(), base, mask };
}

export function isIpv4Cidr(s: string): boolean {
  return parseCidr(s) !== undefined;
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const n = parseIpv4(ip);
  return n !== undefined && (n & cidr.mask) >>> 0 === cidr.base;
}
