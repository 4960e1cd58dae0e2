// Unit tier: fast, in-process. Integration tier: a real moto server and a real DNS server.
const base = {
  preset: "ts-jest",
  testEnvironment: "node",
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // Type-checking is tsc's job (npm test runs tsc --noEmit); Jest only transpiles.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
};

module.exports = {
  projects: [
    { ...base, displayName: "unit", testMatch: ["<rootDir>/__tests__/**/*.test.ts"], testPathIgnorePatterns: ["/integration/", "/terraform/"] },
    { ...base, displayName: "integration", testMatch: ["<rootDir>/__tests__/integration/**/*.test.ts"] },
    { ...base, displayName: "terraform", testMatch: ["<rootDir>/__tests__/terraform/**/*.test.ts"] },
  ],
};
