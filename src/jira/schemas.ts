/**
 * zod schemas of the Jira answers the app reads. Loose on purpose: objects keep unknown keys and optional
 * fields may be absent, so a field Jira adds tomorrow never breaks a scan. Only what the app relies on is
 * required.
 */
import * as z from 'zod';

const adfOrText = z.union([z.string(), z.looseObject({ type: z.string() }), z.null()]);

const accountRef = z.looseObject({ accountId: z.string() });

export const sprintSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  state: z.string(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
});
export type JiraSprint = z.infer<typeof sprintSchema>;

export const issueFieldsSchema = z.looseObject({
  summary: z.string().nullish(),
  project: z.looseObject({ key: z.string() }).nullish(),
  description: adfOrText.nullish(),
  issuetype: z.looseObject({ name: z.string(), hierarchyLevel: z.number().optional() }).nullish(),
  // StatusDetails and StatusCategory require none of their properties (Jira's platform spec): a status may come
  // without a name or a category, and a category without a key. Each reads as absent; an unknown category is
  // judged as new (statusCategoryOf), so one odd status never fails a search page, a report or a panel.
  status: z
    .looseObject({
      name: z.string().optional(),
      statusCategory: z
        .looseObject({ key: z.string().optional() })
        .nullish()
        // Absent: an empty category (no key), a fresh one each time.
        .transform((category): { key?: string } => category ?? {}),
    })
    .nullish(),
  created: z.string().nullish(),
  updated: z.string().nullish(),
  labels: z.array(z.string()).nullish(),
  assignee: accountRef.nullish(),
  reporter: accountRef.nullish(),
  parent: z
    .looseObject({
      id: z.string().nullish(),
      key: z.string(),
      fields: z.looseObject({}).nullish(),
    })
    .nullish(),
  resolution: z.looseObject({ name: z.string() }).nullish(),
  /** The issue's security level, when it has one (only whether it is set is read). */
  security: z.looseObject({}).nullish(),
  /** When the status last moved to another category (to done, when closed). */
  statuscategorychangedate: z.string().nullish(),
  // Sprint and story points are custom fields whose ids vary by site: read through src/jira/fields.ts.
});

export const jiraIssueSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: issueFieldsSchema.default({}),
  properties: z.record(z.string(), z.unknown()).optional(),
});
export type JiraIssue = z.infer<typeof jiraIssueSchema>;

/** POST /search/approximate-count (JQLCountResultsBean). */
export const countIssuesResponseSchema = z.looseObject({ count: z.number().int().min(0) });

/**
 * A search page (SearchAndReconcileResults). Its issues are checked one by one (JiraClient.searchJql): one issue
 * the app cannot read is left out of the page, not the page's failure.
 */
export const searchJqlResponseSchema = z.looseObject({
  issues: z.array(z.unknown()).default([]),
  nextPageToken: z.string().nullable().optional(),
  isLast: z.boolean().optional(),
});

export const bulkFetchResponseSchema = z.looseObject({
  issues: z.array(jiraIssueSchema).default([]),
  /** Issues Jira could not return this time (a retriable error, or the answer's size); not the missing or hidden. */
  issueErrors: z
    .array(
      z.looseObject({
        id: z.union([z.string(), z.number()]).optional(),
        errorMessage: z.string().optional(),
      }),
    )
    .default([]),
});

export const entityPropertySchema = z.looseObject({ key: z.string(), value: z.unknown() });

export const taskSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  result: z.unknown().optional(),
  message: z.string().optional(),
});
export type JiraTask = z.infer<typeof taskSchema>;

/** GET /rest/api/3/bulk/issues/transition: the transitions open to all of a workflow's issues, per workflow. */
export const bulkTransitionsResponseSchema = z.looseObject({
  availableTransitions: z
    .array(
      z.looseObject({
        issues: z.array(z.string()).default([]),
        transitions: z
          .array(
            z.looseObject({
              transitionId: z.number(),
              transitionName: z.string(),
              to: z.looseObject({ statusName: z.string().optional() }).optional(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  startingAfter: z.string().optional(),
});
export type BulkTransitionGroup = z.infer<
  typeof bulkTransitionsResponseSchema
>['availableTransitions'][number];

export const transitionSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  to: z
    .looseObject({
      id: z.string().optional(),
      name: z.string(),
      statusCategory: z.looseObject({ key: z.string() }).optional(),
    })
    .optional(),
  /** The fields on the transition's screen, by id: only with `expand=transitions.fields` (none: no screen). */
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type JiraTransition = z.infer<typeof transitionSchema>;

export const transitionsResponseSchema = z.looseObject({
  transitions: z.array(transitionSchema).default([]),
});

export const myPermissionsResponseSchema = z.looseObject({
  permissions: z.record(z.string(), z.looseObject({ havePermission: z.boolean() })),
});

export const permissionsCheckResponseSchema = z.looseObject({
  globalPermissions: z.array(z.string()).default([]),
  projectPermissions: z
    .array(
      z.looseObject({
        permission: z.string(),
        projects: z.array(z.number()).default([]),
        issues: z.array(z.number()).default([]),
      }),
    )
    .default([]),
});
export type PermissionsCheckResult = z.infer<typeof permissionsCheckResponseSchema>;

export const changelogItemSchema = z.looseObject({
  field: z.string(),
  fieldId: z.string().optional(),
  // fromString and toString stay undeclared (the loose object keeps them): Jira leaves them out for a cleared
  // value, and zod would then read Object.prototype.toString as the field and refuse the answer.
});

export const changeHistorySchema = z.looseObject({
  id: z.string(),
  author: accountRef.optional(),
  created: z.string(),
  items: z.array(changelogItemSchema).default([]),
});
export type JiraChangeHistory = z.infer<typeof changeHistorySchema>;

export const bulkChangelogResponseSchema = z.looseObject({
  issueChangeLogs: z
    .array(z.looseObject({ issueId: z.string(), changeHistories: z.array(changeHistorySchema).default([]) }))
    .default([]),
  nextPageToken: z.string().nullable().optional(),
});

export const projectSchema = z.looseObject({
  id: z.string(),
  key: z.string(),
  name: z.string(),
});
export type JiraProject = z.infer<typeof projectSchema>;

export const projectSearchResponseSchema = z.looseObject({
  values: z.array(projectSchema).default([]),
  isLast: z.boolean().optional(),
  nextPage: z.string().optional(),
});

/** One entry of GET /field: only what picking the sprint and story-point fields reads. */
export const fieldSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  custom: z.boolean().optional(),
  schema: z.looseObject({ type: z.string().optional(), custom: z.string().optional() }).optional(),
});
export type JiraField = z.infer<typeof fieldSchema>;

export const fieldListSchema = z.array(fieldSchema);

/** GET /resolution/search (PageBeanResolutionJsonBean): the names of the site's resolutions, a page of them. */
export const resolutionPageSchema = z.looseObject({
  values: z.array(z.looseObject({ id: z.string().optional(), name: z.string() })),
  isLast: z.boolean().optional(),
  total: z.number().optional(),
});

/**
 * GET /status/{idOrName} (StatusDetails): only its category is read, whose key the spec does not require (absent:
 * not known).
 */
export const statusDetailsSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  statusCategory: z.looseObject({ key: z.string().optional() }).nullish(),
});

export const commentSchema = z.looseObject({ id: z.string() });

export const commentPageSchema = z.looseObject({
  comments: z.array(
    z.looseObject({ id: z.string(), body: adfOrText.nullish(), created: z.string().nullish() }),
  ),
});
export type JiraComment = z.infer<typeof commentPageSchema>['comments'][number];

/** GET /myself: only the fields the app reads (the display name may be hidden by privacy settings). */
export const myselfSchema = z.looseObject({ accountId: z.string(), displayName: z.string().optional() });

/** Jira's error body (ErrorCollection). */
/** Jira's bulk operations answer `{ taskId }` and report progress per issue. */
export const submittedBulkSchema = z.looseObject({ taskId: z.string() });
/** The spec types a bulk task's times as date-time, while its examples give epoch milliseconds: both are read. */
const bulkTaskTime = z.union([z.string(), z.number()]).optional().catch(undefined);
export const bulkProgressSchema = z.looseObject({
  taskId: z.string().optional(),
  status: z.string(),
  created: bulkTaskTime,
  started: bulkTaskTime,
  updated: bulkTaskTime,
  processedAccessibleIssues: z.array(z.number()).optional(),
  failedAccessibleIssues: z.record(z.string(), z.array(z.string())).optional(),
  invalidOrInaccessibleIssueCount: z.number().optional(),
});
export type JiraBulkProgress = z.infer<typeof bulkProgressSchema>;

/** Bulk operations refuse with `{ errors: [{ message }] }` rather than the usual error collection. */
export const bulkErrorSchema = z.looseObject({
  errors: z.array(z.looseObject({ message: z.string().optional() })),
});

export const errorCollectionSchema = z.looseObject({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
});
