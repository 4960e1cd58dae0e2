// Where a JSON text first goes wrong, and what is wrong there, in the user's terms. JSON.parse
// says where it stopped, not where the mistake is: a trailing comma is reported at the bracket
// on the next line, and some of its messages carry no position at all. Only called once
// JSON.parse has refused the text, so it may be slow; it never recurses, so no nesting overflows it.

export interface JsonSyntaxError {
  /** 1-based line and column of the mistake itself (the comma of a trailing comma). */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

type Expect = "value" | "first-key" | "key" | "colon" | "comma-or-end" | "end";

/** The first syntax error of `text`, or undefined when this scanner finds none. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const at = (pos: number, message: string): JsonSyntaxError => {
    const before = text.slice(0, pos);
    return { line: before.split("\n").length, column: pos - before.lastIndexOf("\n"), message };
  };
  const where = (pos: number) => {
    const p = at(pos, "");
    return `line ${p.line}, column ${p.column}`;
  };
  const open: Array<{ bracket: "{" | "["; pos: number }> = [];
  // Widened: afterValue() changes it, which narrowing cannot see.
  let expect = "value" as Expect;
  let lastComma = -1;
  let lastValueEnd = -1;
  let i = 0;
  const afterValue = (end: number) => {
    lastValueEnd = end;
    expect = open.length === 0 ? "end" : "comma-or-end";
  };
  while (true) {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
    if (i >= text.length) {
      if (expect === "end") return undefined;
      const top = open[open.length - 1];
      if (top) return at(top.pos, `this ${top.bracket} is never closed (the file ends first)`);
      return at(i, "the file is empty; a config is a JSON object, { ... }");
    }
    const c = text[i];
    if (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) return at(i, "a comment; JSON has none, remove it");
    if (c === "#")
      return at(i, `a "#" comment or heading; JSON has no comments, and a config is a JSON object, { ... }`);
    if (expect === "end")
      return at(i, `${quoted(c)} after the end of the config, which closes at ${where(lastValueEnd - 1)}`);
    if (expect === "colon") {
      if (c !== ":") return at(i, `a ":" is missing after the key that ends at ${where(lastValueEnd - 1)}`);
      i++;
      expect = "value";
      continue;
    }
    if (expect === "comma-or-end") {
      const top = open[open.length - 1];
      if (c === ",") {
        lastComma = i++;
        expect = top.bracket === "{" ? "key" : "value";
        continue;
      }
      if (c === "}" || c === "]") {
        if (closer(top.bracket) !== c)
          return at(
            i,
            `${quoted(c)} where the ${top.bracket} opened at ${where(top.pos)} needs ${quoted(closer(top.bracket))}`,
          );
        open.pop();
        afterValue(++i);
        continue;
      }
      return at(lastValueEnd, `a comma is missing after this value, before the ${quoted(c)} at ${where(i)}`);
    }
    // A key or a value is due.
    if (
      (c === "}" || c === "]") &&
      (expect === "key" ||
        (expect === "value" && open.length > 0 && lastComma >= 0 && text.slice(lastComma + 1, i).trim() === ""))
    ) {
      return at(lastComma, `a trailing comma before ${quoted(c)}; JSON allows none, remove it`);
    }
    if (expect === "first-key" && c === "}") {
      open.pop();
      afterValue(++i);
      continue;
    }
    if (
      expect === "value" &&
      c === "]" &&
      open[open.length - 1]?.bracket === "[" &&
      text.slice(open[open.length - 1].pos + 1, i).trim() === ""
    ) {
      open.pop();
      afterValue(++i);
      continue;
    }
    if (c === "'") return at(i, "a single quote; JSON strings and keys take double quotes");
    if (expect === "first-key" || expect === "key") {
      if (c !== '"') {
        const word = /^[\w$-]+/.exec(text.slice(i, i + 40))?.[0];
        return at(
          i,
          word ? `the key ${word} needs double quotes: "${word}"` : `${quoted(c)} where a key in double quotes is due`,
        );
      }
      const end = stringEnd(text, i);
      if (typeof end !== "number") return at(end.pos, end.message);
      i = end;
      lastValueEnd = i;
      expect = "colon";
      continue;
    }
    // expect === "value"
    if (c === "{" || c === "[") {
      open.push({ bracket: c, pos: i++ });
      expect = c === "{" ? "first-key" : "value";
      lastComma = -1;
      continue;
    }
    if (c === '"') {
      const end = stringEnd(text, i);
      if (typeof end !== "number") return at(end.pos, end.message);
      i = end;
      afterValue(i);
      continue;
    }
    const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    number.lastIndex = i;
    const word = /^[\w$.+-]+/.exec(text.slice(i, i + 40))?.[0] ?? c;
    if (number.exec(text) && number.lastIndex === i + word.length) {
      i = number.lastIndex;
      afterValue(i);
      continue;
    }
    if (word === "true" || word === "false" || word === "null") {
      i += word.length;
      afterValue(i);
      continue;
    }
    if (/^[\d.+-]/.test(word)) return at(i, `${word} is not a JSON number (no leading zeros, + sign or bare point)`);
    if (/^\w/.test(word)) return at(i, `${word} needs double quotes to be a string: "${word}"`);
    return at(i, `${quoted(c)} where a value is due`);
  }
}

/** The index just past the string that opens at `start`, or where and why it goes wrong. */
function stringEnd(text: string, start: number): number | { pos: number; message: string } {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') return i + 1;
    if (c === "\n" || c === "\r")
      return { pos: start, message: "this string runs past the end of its line; close it with a double quote" };
    if (c < " ")
      return { pos: i, message: "a control character (such as a tab) inside a string; write it as \\t or \\n" };
    if (c === "\\") {
      const next = text[i + 1];
      if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 5;
      else if (next !== undefined && '"\\/bfnrt'.includes(next)) i++;
      else return { pos: i, message: `an unknown escape \\${next ?? ""} in a string; a backslash is written \\\\` };
    }
  }
  return { pos: start, message: "this string is never closed (the file ends first)" };
}

const closer = (bracket: "{" | "[") => (bracket === "{" ? "}" : "]");

function quoted(c: string): string {
  return c === '"' ? "'\"'" : `"${c}"`;
}
