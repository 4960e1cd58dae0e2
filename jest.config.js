// Unit tier: fast, in-process. Sim tier: the failover function against a simulated AWS on a
// virtual clock (__tests__/sim/), pure computation that npm test runs once, beside the unit tier.
// Integration tier: a real moto server and a real DNS server. Terraform tier: the CLIs.
const base = {
  preset: "ts-jest",
  // Node, with a temporary directory per test file that is removed after it (__tests__/support/environment.js).
  testEnvironment: "<rootDir>/__tests__/support/environment.js",
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // Type-checking is tsc's job (npm test runs tsc --noEmit); Jest only transpiles, file by file
  // (isolatedModules in tsconfig.json).
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
};

module.exports = {
  // A guard against a hang, not a timing assertion (as HANG_GUARD_MS in __tests__/support/limits.ts):
  // Jest's 5 s default is too short on a loaded CI machine, where one child process took over 60 s.
  testTimeout: 600_000,
  projects: [
    {
      ...base,
      displayName: "unit",
      testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
      testPathIgnorePatterns: ["/integration/", "/terraform/", "<rootDir>/__tests__/sim/"],
    },
    { ...base, displayName: "sim", testMatch: ["<rootDir>/__tests__/sim/**/*.test.ts"] },
    { ...base, displayName: "integration", testMatch: ["<rootDir>/__tests__/integration/**/*.test.ts"] },
    { ...base, displayName: "terraform", testMatch: ["<rootDir>/__tests__/terraform/**/*.test.ts"] },
  ],
  // With RDS_TIMINGS_DIR set (npm test sets it), each run also writes its per-file times there
  // for the report at the end of npm test (scripts/timing-report.js).
  reporters: ["default", ...(process.env.RDS_TIMINGS_DIR ? ["<rootDir>/scripts/timing-reporter.js"] : [])],
};
