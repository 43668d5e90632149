/** Test projects: fast pure tests, integration over the workbench, and real-browser tests. */
// ts-jest transpiles each file on its own (tsconfig has isolatedModules); `npm run typecheck` checks types.
const transform = { '^.+\\.tsx?$': ['ts-jest', {}] };
// Fails any test during which the Jira emulator broke the OpenAPI contract, even if the app swallowed the error.
const contractGuard = ['<rootDir>/test/setup/contract-guard.ts'];
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'tsx', 'js', 'json'] };

module.exports = {
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
