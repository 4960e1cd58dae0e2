// One call of the SSM API (JSON 1.1 protocol) to the emulator: the tests have no SSM client of
// their own (status has one; the tests write the parameter as the provider stack's apply does).
import type { Json } from "../helpers";

export async function ssmCall(url: string, region: string, action: string, body: unknown): Promise<Json> {
  const r = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AmazonSSM.${action}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/ssm/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`ssm ${action}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}
