// The layers' rule: imports point down only, functions -> config -> stacks -> scripts, then
// bench/ and the tests on top, and no circle anywhere. __tests__/architecture.test.ts runs it
// (npx depcruise main.ts config functions stacks scripts bench --config does the same by hand).
/** A rule that forbids one layer to import from the layers above it. */
function below(name, layer, above) {
  return {
    name,
    severity: "error",
    comment: `${layer}/ sits below ${above.join(", ")}: it may not import from them`,
    from: { path: `^${layer}/` },
    to: { path: `^(${above.join("|")})/` },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "a circle of imports ties its files into one: break it by moving the shared part down",
      from: {},
      to: { circular: true },
    },
    below("functions-import-nothing-above", "functions", ["config", "stacks", "scripts", "bench"]),
    below("config-below-stacks", "config", ["stacks", "scripts", "bench"]),
    below("stacks-below-scripts", "stacks", ["scripts", "bench"]),
    below("scripts-below-bench", "scripts", ["bench"]),
    {
      name: "nothing-below-imports-main",
      severity: "error",
      comment: "main.ts is the app at the top of the synth: nothing below it imports it",
      from: { path: "^(functions|config|stacks)/" },
      to: { path: "^main\\.ts$" },
    },
    {
      name: "production-not-tests",
      severity: "error",
      comment:
        "the tests sit on top of the product: no production file imports __tests__/ (the benchmarks, beside the tests, reuse their simulated world)",
      from: { pathNot: "^(__tests__|bench)/" },
      to: { path: "^__tests__/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // Type-only imports are imports: a contract above its implementation is upward either way.
    exclude: { path: "(^|/)(node_modules|cdktf\\.out|\\.gen)/" },
  },
};
