// Subnet arithmetic done at synth time, so plans show literal CIDRs.

/** `count` equal subnets carved from the start of `vpcCidr`, 4 bits smaller (at most /28). */
export function subnetCidrs(vpcCidr: string, count: number): string[] {
  const [base, prefixText] = vpcCidr.split("/");
  const prefix = Number(prefixText);
  const subnetPrefix = Math.min(prefix + 4, 28);
  if (count > 2 ** (subnetPrefix - prefix)) {
    throw new Error(`${vpcCidr} cannot hold ${count} subnets of /${subnetPrefix}`);
  }
  const start = base.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - subnetPrefix);
  return Array.from({ length: count }, (_, i) => `${intToIp(start + i * size)}/${subnetPrefix}`);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}
