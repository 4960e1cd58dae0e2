// cdktf 0.21 calls util.isArray, which Node 22.0 made a runtime deprecation (DEP0044): from
// Node 24 on, every synth would print a warning that users cannot act on. Only that one code
// from Node's deprecation list is dropped; every other warning is printed as before. Imported
// by main.ts before cdktf.
const emitWarning = process.emitWarning;
const QUIET_CODES = new Set(["DEP0044"]);

process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
  const [typeOrOptions, code] = rest;
  const warningCode =
    typeof typeOrOptions === "object" && typeOrOptions !== null ? (typeOrOptions as { code?: string }).code : code;
  if (typeof warningCode === "string" && QUIET_CODES.has(warningCode)) return;
  (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
} as typeof process.emitWarning;
