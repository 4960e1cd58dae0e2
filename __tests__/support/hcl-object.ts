// Reads the argument of a synthesized `${jsonencode({...})}` back into plain data, so that tests
// check what a stack will write rather than the object the construct was given. Literals become
// their values; a Terraform expression (a reference, a function call) becomes the `${...}`
// string cdktf writes for the same token elsewhere, such as in an output's value.

/** The data `${jsonencode(<object>)}` encodes, with expressions as `${expr}` strings. */
export function jsonencodeArgument(value: string): unknown {
  const m = /^\$\{jsonencode\(([\s\S]*)\)\}$/.exec(value);
  if (!m) throw new Error(`not a jsonencode expression: ${value.slice(0, 80)}`);
  const reader = new Reader(m[1]);
  const out = reader.value();
  reader.end();
  return out;
}

class Reader {
  private i = 0;
  constructor(private readonly s: string) {}

  end(): void {
    this.space();
    if (this.i !== this.s.length) throw new Error(`unexpected text at ${this.i}: ${this.s.slice(this.i, this.i + 40)}`);
  }

  value(): unknown {
    this.space();
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.list();
    if (c === '"') return JSON.parse(this.string());
    const raw = this.expression();
    if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
    if (raw === "null") return null;
    if (raw === "true" || raw === "false") return raw === "true";
    return `\${${raw}}`;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.items("}", () => {
      const key = JSON.parse(this.string());
      this.space();
      this.expect("=");
      out[key] = this.value();
    });
    return out;
  }

  private list(): unknown[] {
    const out: unknown[] = [];
    this.items("]", () => out.push(this.value()));
    return out;
  }

  /** The items between an opening bracket (at the cursor) and its closing one, each read by `item`, commas optional. */
  private items(close: string, item: () => void): void {
    this.i++;
    for (;;) {
      this.space();
      if (this.s[this.i] === close) {
        this.i++;
        return;
      }
      item();
      this.space();
      if (this.s[this.i] === ",") this.i++;
    }
  }

  /** A quoted string, returned with its quotes (JSON's escapes are HCL's here). */
  private string(): string {
    const start = this.i++;
    while (this.s[this.i] !== '"') this.i += this.s[this.i] === "\\" ? 2 : 1;
    return this.s.slice(start, ++this.i);
  }

  /** Anything else, up to a comma or closing bracket outside brackets and strings. */
  private expression(): string {
    const start = this.i;
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') {
        this.string();
        continue;
      }
      if ("([{".includes(c)) depth++;
      else if (")]}".includes(c)) {
        if (depth === 0) break;
        depth--;
      } else if (c === "," && depth === 0) break;
      this.i++;
    }
    return this.s.slice(start, this.i).trim();
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) throw new Error(`expected ${c} at ${this.i}: ${this.s.slice(this.i, this.i + 40)}`);
    this.i++;
  }

  private space(): void {
    while (/\s/.test(this.s[this.i] ?? "")) this.i++;
  }
}
