/**
 * Fails a test when the Jira emulator recorded an OpenAPI contract violation during it, even if the
 * code under test caught and swallowed the ContractViolationError thrown at the call.
 */
import { ContractChecker } from '../../workbench/jira/openapi';

let before = 0;

beforeEach(() => {
  before = ContractChecker.fromSpecFile().violations.length;
});

afterEach(() => {
  const added = ContractChecker.fromSpecFile().violations.slice(before);
  if (added.length > 0) {
    const lines = added.map((v) => `- ${v.where} ${v.method} ${v.path}: ${v.message}`);
    throw new Error(`The Jira emulator broke the OpenAPI contract during this test:\n${lines.join('\n')}`);
  }
});

export {};
