import type { DecimalMark } from './amounts';
import { detectRecipe, quotedPhrases, type AdfNode, type RecipeVerdict } from './recipe-detector';
import type { IssueLensDraft, Outcome, OutcomeLink } from './schemas';
import { scoreIssue, type Score } from './score';
import type { Settings } from './settings';
import type { StatusCategory } from './zombie';

/**
 * One issue's standing, computed the same way by the issue panel (live, before saving) and by the scan:
 * which outcome it serves and how, whether its text is a recipe, and its score.
 */

export interface IssueFacts {
  key: string;
  summary: string;
  description: string | AdfNode | null;
  statusCategory: StatusCategory;
  /** The parent or epic, with the outcome its own lens links to (if any). */
  parent: { key: string; outcomeId: string | null } | null;
}

export interface Assessment {
  link: OutcomeLink;
  recipe: RecipeVerdict;
  score: Score;
}

/** Direct link first; else the parent's (epic's) link, inherited. Unknown outcome ids count as no link. */
export function resolveLink(
  outcomeId: string | null | undefined,
  parent: IssueFacts['parent'],
  outcomes: ReadonlyMap<string, Pick<Outcome, 'status'>>,
): OutcomeLink {
  if (outcomeId && outcomes.has(outcomeId)) return { kind: 'direct', outcomeId };
  if (parent?.outcomeId && outcomes.has(parent.outcomeId)) {
    return { kind: 'inherited', outcomeId: parent.outcomeId, fromIssueKey: parent.key };
  }
  return { kind: 'none' };
}

export function assessIssue(
  facts: IssueFacts,
  draft: IssueLensDraft,
  outcomes: ReadonlyMap<string, Pick<Outcome, 'status'> & Partial<Pick<Outcome, 'name'>>>,
  settings: Pick<Settings, 'weights' | 'inheritedLinkShare'>,
  options: {
    recipe?: RecipeVerdict;
    /** Given while the owner sets the check-by date (panel, save): an earlier date does not count. */
    checkByNotBefore?: string | undefined;
    /** The draft as stored, when an edit of it is judged (panel, save): a further expectation kept as it is may be due. */
    stored?: Pick<IssueLensDraft, 'alsoExpected'> | null;
    /** The reader's decimal mark (the panel), for the numbers the score's explanation quotes. */
    decimalMark?: DecimalMark;
  } = {},
): Assessment {
  const recipe = options.recipe ?? detectRecipe({ summary: facts.summary, description: facts.description });
  const link = resolveLink(draft.outcomeId, facts.parent, outcomes);
  const linked = link.kind === 'none' ? undefined : outcomes.get(link.outcomeId);
  const score = scoreIssue(
    {
      hypothesis: draft.hypothesis,
      expected: draft.expected,
      // Judged too, so the panel's live score, the stored score and the CLI agree on a further expectation.
      ...(draft.alsoExpected?.length ? { alsoExpected: draft.alsoExpected } : {}),
      link,
      ...(linked ? { linkedOutcomeStatus: linked.status } : {}),
      ...(linked?.name ? { linkedOutcomeName: linked.name } : {}),
      killCriteria: draft.killCriteria,
      ...(draft.result ? { result: draft.result } : {}),
      delivered: facts.statusCategory === 'done',
      framing: {
        isRecipe: recipe.isRecipe,
        recipePhrases: quotedPhrases(recipe),
        problemSignals: recipe.problemSignals.length,
      },
      ...(options.checkByNotBefore ? { checkByNotBefore: options.checkByNotBefore } : {}),
      ...(options.stored ? { storedAlsoExpected: options.stored.alsoExpected ?? [] } : {}),
      ...(options.decimalMark ? { decimalMark: options.decimalMark } : {}),
    },
    settings,
  );
  return { link, recipe, score };
}
