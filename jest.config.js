/** Test projects: fast pure tests, integration over the workbench, and real-browser tests. */
// ts-jest transpiles each file on its own (tsconfig has isolatedModules); `npm run typecheck` checks types.
const transform = { '^.+\\.tsx?$': ['ts-jest', {}] };
// Fails any test during which the Jira emulator broke the OpenAPI contract, even if the app swallowed the error.
const contractGuard = ['<rootDir>/test/setup/contract-guard.ts'];
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'tsx', 'js', 'json'] };

module.exports = {
  // Each test file in a fresh worker process. On a two-core machine Jest would otherwise run all 140 files in its
  // own process, one after another, and heavy files got slower the more had run before them (the 2,000-issue scan
  // of page-aggregates took over a minute after 58 files, 4 s alone). A worker past 100 MB after a file is
  // replaced before the next, which is nearly every file.
  workerIdleMemoryLimit: '100MB',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'contract', testMatch: ['<rootDir>/test/contract/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFilesAfterEnv: [...contractGuard, '<rootDir>/test/setup/timeout-integration.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      setupFilesAfterEnv: [...contractGuard, '<rootDir>/test/setup/timeout-e2e.ts'],
    },
  ],
};
