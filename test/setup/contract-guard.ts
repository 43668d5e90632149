/**
 * Fails a test when the Jira emulator recorded an OpenAPI contract violation during it, even if the
 * code under test caught and swallowed the ContractViolationError thrown at the call. A violation also fails its
 * file at the end: a browser test that failed is tried again, and a try that passes must not hide it.
 */
import { ContractChecker } from '../../workbench/jira/openapi';

let before = 0;
const seenInThisFile: string[] = [];

beforeEach(() => {
  before = ContractChecker.fromSpecFile().violations.length;
});

afterEach(() => {
  const added = ContractChecker.fromSpecFile().violations.slice(before);
  if (added.length > 0) {
    const lines = added.map((v) => `- ${v.where} ${v.method} ${v.path}: ${v.message}`);
    seenInThisFile.push(...lines);
    throw new Error(`The Jira emulator broke the OpenAPI contract during this test:\n${lines.join('\n')}`);
  }
});

afterAll(() => {
  if (seenInThisFile.length > 0)
    throw new Error(
      `The Jira emulator broke the OpenAPI contract during this file's tests:\n${seenInThisFile.join('\n')}`,
    );
});

export {};
