import {
  ContractChecker,
  ContractViolationError,
  DEFAULT_SPEC_FILE,
  operationScopes,
  readSpec,
  type ContractViolation,
} from '../../workbench/jira/openapi';

interface MediaType {
  example?: unknown;
  schema?: unknown;
}
interface Operation {
  requestBody?: { content?: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}

const spec = readSpec(DEFAULT_SPEC_FILE) as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, { nullable?: boolean }> }> };
};

/** The spec's own example (often stored as a JSON string) for a request body or a response status. */
function example(method: string, template: string, part: string): unknown {
  // "request" or a status
  const op = spec.paths[template]![method.toLowerCase()]!;
  const media =
    part === 'request'
      ? op.requestBody?.content?.['application/json']
      : op.responses[part]?.content?.['application/json'];
  const raw = media?.example;
  if (raw === undefined) throw new Error(`the spec has no example for ${method} ${template} ${part}`);
  return typeof raw === 'string' ? JSON.parse(raw) : raw;
}

let checker: ContractChecker;
let loadMs = 0;
let firstCompileMs = 0;

beforeAll(() => {
  const started = Date.now();
  checker = ContractChecker.fromSpecFile();
  loadMs = Date.now() - started;
  const compileStarted = Date.now();
  checker.checkResponse({
    method: 'GET',
    path: '/rest/api/3/issue/DEMO-1',
    status: 200,
    body: example('GET', '/rest/api/3/issue/{issueIdOrKey}', '200'),
  });
  firstCompileMs = Date.now() - compileStarted;
});

afterAll(() => {
  console.log(
    `OpenAPI spec: load and index ${loadMs} ms (checker reports ${checker.loadMs} ms); first compile + validation of IssueBean ${firstCompileMs} ms`,
  );
});

/** Runs a check that must fail and returns the recorded violation. */
function violationOf(check: () => void): ContractViolation {
  const before = checker.violations.length;
  try {
    check();
  } catch (e) {
    expect(e).toBeInstanceOf(ContractViolationError);
    expect(checker.violations).toHaveLength(before + 1);
    // Negative cases are expected here: keep the shared record clean for the next test.
    checker.violations.splice(before);
    return (e as ContractViolationError).violation;
  }
  throw new Error('expected a contract violation');
}

describe('OpenAPI contract checker', () => {
  it('is loaded once per process', () => {
    expect(ContractChecker.fromSpecFile()).toBe(checker);
    expect(ContractChecker.fromSpecFile(DEFAULT_SPEC_FILE)).toBe(checker);
  });

  describe('finding operations', () => {
    it('resolves concrete paths to their template, id and current classic scopes', () => {
      expect(checker.findOperation('post', '/rest/api/3/search/jql')).toEqual({
        operationId: 'searchAndReconsileIssuesUsingJqlPost',
        pathTemplate: '/rest/api/3/search/jql',
        scopes: ['read:jira-work'],
      });
      expect(checker.findOperation('PUT', '/rest/api/3/issue/DEMO-1/properties/outcome-lens')).toMatchObject({
        operationId: 'setIssueProperty',
        pathTemplate: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
        scopes: ['write:jira-work'],
      });
    });

    it('prefers a literal segment over a parameter', () => {
      expect(checker.findOperation('POST', '/rest/api/3/issue/properties/multi')?.operationId).toBe(
        'bulkSetIssuePropertiesByIssue',
      );
    });

    it('takes a path without /rest/ as relative to /rest/api/3 and ignores a query string', () => {
      expect(checker.findOperation('GET', '/issue/DEMO-1?fields=summary')?.operationId).toBe('getIssue');
    });

    it('returns null for an undocumented path or method', () => {
      expect(checker.findOperation('GET', '/rest/api/3/no/such/thing')).toBeNull();
      expect(checker.findOperation('PATCH', '/rest/api/3/issue/DEMO-1')).toBeNull();
    });

    it('gives the scopes a Forge manifest needs for each call the app makes', () => {
      expect(operationScopes('GET', '/rest/api/3/mypermissions')).toEqual(['read:jira-work']);
      expect(operationScopes('POST', '/rest/api/3/issue/{issueIdOrKey}/comment')).toEqual([
        'write:jira-work',
      ]);
      expect(operationScopes('POST', '/rest/api/3/permissions/check')).toEqual([]);
      expect(() => operationScopes('GET', '/rest/api/3/nope')).toThrow('not a documented Jira operation');
    });
  });

  describe('accepts known-good traffic built from the spec examples', () => {
    it('POST /rest/api/3/search/jql', () => {
      checker.checkRequest({
        method: 'POST',
        path: '/rest/api/3/search/jql',
        body: {
          jql: 'project = DEMO ORDER BY id',
          fields: ['summary', 'status'],
          maxResults: 50,
          nextPageToken: 'abc',
        },
      });
      checker.checkResponse({
        method: 'POST',
        path: '/rest/api/3/search/jql',
        status: 200,
        body: example('POST', '/rest/api/3/search/jql', '200'),
      });
    });

    it('GET /rest/api/3/issue/{issueIdOrKey}', () => {
      checker.checkRequest({
        method: 'GET',
        path: '/rest/api/3/issue/DEMO-1',
        query: { fields: 'summary,status', properties: ['outcome-lens'], expand: 'changelog' },
      });
      checker.checkResponse({
        method: 'GET',
        path: '/rest/api/3/issue/DEMO-1',
        status: 200,
        body: example('GET', '/rest/api/3/issue/{issueIdOrKey}', '200'),
      });
      checker.checkResponse({ method: 'GET', path: '/rest/api/3/issue/DEMO-404', status: 404 });
    });

    it('PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', () => {
      const path = '/rest/api/3/issue/DEMO-1/properties/outcome-lens';
      checker.checkRequest({ method: 'PUT', path, body: { score: 42, zombie: false } });
      checker.checkResponse({ method: 'PUT', path, status: 201, body: {} });
      checker.checkResponse({ method: 'PUT', path, status: 200 });
    });

    it('POST /rest/api/3/issue/properties/multi', () => {
      const path = '/rest/api/3/issue/properties/multi';
      checker.checkRequest({ method: 'POST', path, body: example('POST', path, 'request') });
      checker.checkResponse({ method: 'POST', path, status: 303 });
    });

    it('POST /rest/api/3/changelog/bulkfetch', () => {
      const path = '/rest/api/3/changelog/bulkfetch';
      checker.checkRequest({
        method: 'POST',
        path,
        body: { issueIdsOrKeys: ['DEMO-1', '10001'], maxResults: 100 },
      });
      // The spec's example gives `created` as epoch seconds, its schema as a date-time string: the schema wins.
      const body = example('POST', path, '200') as {
        issueChangeLogs: Array<{ changeHistories: Array<{ created: unknown }> }>;
      };
      for (const log of body.issueChangeLogs) {
        for (const h of log.changeHistories) h.created = new Date(Number(h.created) * 1000).toISOString();
      }
      checker.checkResponse({ method: 'POST', path, status: 200, body });
    });

    it('GET /rest/api/3/mypermissions', () => {
      const path = '/rest/api/3/mypermissions';
      checker.checkRequest({
        method: 'GET',
        path,
        query: { projectKey: 'DEMO', permissions: 'EDIT_ISSUES,BROWSE_PROJECTS' },
      });
      checker.checkResponse({ method: 'GET', path, status: 200, body: example('GET', path, '200') });
    });

    it('POST /rest/api/3/permissions/check', () => {
      const path = '/rest/api/3/permissions/check';
      checker.checkRequest({ method: 'POST', path, body: example('POST', path, 'request') });
      checker.checkResponse({ method: 'POST', path, status: 200, body: example('POST', path, '200') });
      checker.checkResponse({ method: 'POST', path, status: 400, body: example('POST', path, '400') });
    });

    it('POST /rest/api/3/issue/{issueIdOrKey}/comment', () => {
      const template = '/rest/api/3/issue/{issueIdOrKey}/comment';
      const path = '/rest/api/3/issue/DEMO-1/comment';
      checker.checkRequest({ method: 'POST', path, body: example('POST', template, 'request') });
      checker.checkResponse({ method: 'POST', path, status: 201, body: example('POST', template, '201') });
    });

    it('accepts readOnly fields echoed back in a request', () => {
      const template = '/rest/api/3/issue/{issueIdOrKey}/comment';
      checker.checkRequest({
        method: 'POST',
        path: '/rest/api/3/issue/DEMO-1/comment',
        body: { ...(example('POST', template, 'request') as object), id: 10000, created: false },
      });
    });

    it('POST /rest/api/3/issue/{issueIdOrKey}/transitions', () => {
      const template = '/rest/api/3/issue/{issueIdOrKey}/transitions';
      const path = '/rest/api/3/issue/DEMO-1/transitions';
      checker.checkRequest({ method: 'POST', path, body: example('POST', template, 'request') });
      checker.checkRequest({ method: 'POST', path, body: { transition: { id: '31' } } });
      checker.checkResponse({ method: 'POST', path, status: 204 });
    });

    it('GET /rest/api/3/project/{projectIdOrKey}', () => {
      const template = '/rest/api/3/project/{projectIdOrKey}';
      checker.checkRequest({ method: 'GET', path: '/rest/api/3/project/DEMO', query: { expand: 'lead' } });
      checker.checkResponse({
        method: 'GET',
        path: '/rest/api/3/project/DEMO',
        status: 200,
        body: example('GET', template, '200'),
      });
    });

    it('records no violation for all of the above', () => {
      expect(checker.violations).toEqual([]);
    });
  });

  describe('catches each kind of violation', () => {
    it('an undocumented path', () => {
      const v = violationOf(() =>
        checker.checkRequest({ method: 'GET', path: '/rest/api/3/issue/DEMO-1/outcome' }),
      );
      expect(v).toMatchObject({ where: 'request', method: 'GET', path: '/rest/api/3/issue/DEMO-1/outcome' });
      expect(v.message).toContain('no documented path matches');
    });

    it('a method the path does not document', () => {
      const v = violationOf(() =>
        checker.checkRequest({ method: 'PATCH', path: '/rest/api/3/issue/DEMO-1' }),
      );
      expect(v.message).toMatch(
        /\/rest\/api\/3\/issue\/\{issueIdOrKey\}: method not documented \(documented: .*GET/,
      );
    });

    it('a missing required query parameter', () => {
      // GET /rest/api/3/user/search requires nothing; /rest/api/3/user/bulk requires accountId
      const v = violationOf(() => checker.checkRequest({ method: 'GET', path: '/rest/api/3/user/bulk' }));
      expect(v.operationId).toBe('bulkGetUsers');
      expect(v.message).toContain("required query parameter 'accountId' is missing");
    });

    it('an unknown query parameter, given apart or in the path', () => {
      const v = violationOf(() =>
        checker.checkRequest({
          method: 'GET',
          path: '/rest/api/3/issue/DEMO-1',
          query: { field: 'summary' },
        }),
      );
      expect(v.message).toBe(
        "getIssue (GET /rest/api/3/issue/{issueIdOrKey}): query parameter 'field' is not documented",
      );
      expect(
        violationOf(() =>
          checker.checkRequest({ method: 'GET', path: '/rest/api/3/project/DEMO?expandd=lead' }),
        ).message,
      ).toContain("'expandd' is not documented");
    });

    it('a query parameter of the wrong type', () => {
      const v = violationOf(() =>
        checker.checkRequest({
          method: 'GET',
          path: '/rest/api/3/issue/DEMO-1',
          query: { updateHistory: 'yes' },
        }),
      );
      expect(v.message).toContain("query parameter 'updateHistory' must be true or false");
    });

    it('a request body of the wrong type, naming the field', () => {
      const v = violationOf(() =>
        checker.checkRequest({
          method: 'POST',
          path: '/rest/api/3/search/jql',
          body: { jql: 42, maxResults: '50' },
        }),
      );
      expect(v.operationId).toBe('searchAndReconsileIssuesUsingJqlPost');
      expect(v.message).toContain(
        'searchAndReconsileIssuesUsingJqlPost (POST /rest/api/3/search/jql): request body:',
      );
      expect(v.message).toContain('/jql must be string');
      expect(v.message).toContain('/maxResults must be integer');
    });

    it('a request body property the schema forbids', () => {
      const v = violationOf(() =>
        checker.checkRequest({
          method: 'POST',
          path: '/rest/api/3/search/jql',
          body: { jql: 'x', startAt: 0 },
        }),
      );
      expect(v.message).toContain("must NOT have additional properties ('startAt')");
    });

    it('a missing required request body', () => {
      const v = violationOf(() =>
        checker.checkRequest({ method: 'POST', path: '/rest/api/3/changelog/bulkfetch' }),
      );
      expect(v.message).toContain('the request body is required');
      expect(
        violationOf(() =>
          checker.checkRequest({
            method: 'POST',
            path: '/rest/api/3/changelog/bulkfetch',
            body: { maxResults: 10 },
          }),
        ).message,
      ).toContain("/ must have required property 'issueIdsOrKeys'");
    });

    it('a response missing a required field', () => {
      const v = violationOf(() =>
        checker.checkResponse({
          method: 'POST',
          path: '/rest/api/3/permissions/check',
          status: 200,
          body: { globalPermissions: [] },
        }),
      );
      expect(v).toMatchObject({ where: 'response', operationId: 'getBulkPermissions' });
      expect(v.message).toContain(
        "response body (status 200): / must have required property 'projectPermissions'",
      );
    });

    it('a response field of the wrong type, with its JSON pointer', () => {
      const body = example('POST', '/rest/api/3/search/jql', '200') as { issues: Array<{ id: unknown }> };
      body.issues[0]!.id = 10001;
      const v = violationOf(() =>
        checker.checkResponse({ method: 'POST', path: '/rest/api/3/search/jql', status: 200, body }),
      );
      expect(v.message).toContain('/issues/0/id must be string');
    });

    it("the spec's own bulk changelog example, whose dates contradict its schema", () => {
      const path = '/rest/api/3/changelog/bulkfetch';
      const v = violationOf(() =>
        checker.checkResponse({ method: 'POST', path, status: 200, body: example('POST', path, '200') }),
      );
      expect(v.message).toContain('/issueChangeLogs/0/changeHistories/0/created must be string');
    });

    it('a missing response body where the status documents one', () => {
      const v = violationOf(() =>
        checker.checkResponse({ method: 'POST', path: '/rest/api/3/search/jql', status: 200 }),
      );
      expect(v.message).toContain('status 200 response has no body');
    });

    it('an undocumented status', () => {
      const v = violationOf(() =>
        checker.checkResponse({ method: 'GET', path: '/rest/api/3/issue/DEMO-1', status: 429, body: {} }),
      );
      expect(v.message).toBe(
        'getIssue (GET /rest/api/3/issue/{issueIdOrKey}): status 429 is not documented (documented: 200, 401, 404)',
      );
    });
  });

  describe('OpenAPI 3.0 dialect', () => {
    it('accepts null where the spec says nullable', () => {
      // Find a nullable property in a component the app sees and prove ajv honours it.
      const schemas = spec.components.schemas;
      const nullable = Object.entries(schemas.IssueBean?.properties ?? {}).filter(
        ([, s]) => s.nullable === true,
      );
      const body = example('GET', '/rest/api/3/issue/{issueIdOrKey}', '200') as Record<string, unknown>;
      for (const [name] of nullable) body[name] = null;
      checker.checkResponse({ method: 'GET', path: '/rest/api/3/issue/DEMO-1', status: 200, body });
      if (nullable.length === 0) {
        // The spec marks nothing nullable on IssueBean; null on a plain string must then be refused.
        expect(
          violationOf(() =>
            checker.checkResponse({
              method: 'GET',
              path: '/rest/api/3/issue/DEMO-1',
              status: 200,
              body: { ...body, key: null },
            }),
          ).message,
        ).toContain('/key must be string');
      }
    });
  });
});
