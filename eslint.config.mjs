// Type-checked linting: floating promises are bugs in resolvers and scans.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'static/*/build',
      'coverage',
      '.workbench-data',
      '.tmp',
      '*.config.js',
      '*.config.mjs',
      'bin',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Every storage request goes through the client that waits out Forge's storage rate limits.
    files: ['src/**/*.ts'],
    ignores: ['src/storage/kvs-client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@forge/kvs',
              importNames: ['kvs', 'default'],
              message: "Import kvs from src/storage/kvs-client: it waits out storage's rate limits.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
