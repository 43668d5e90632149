/**
 * Measurement tokens: project administrators make, name, rotate and revoke the tokens that let a CI job or a
 * dashboard send measurements to the web trigger. A token is shown once, in a modal, when it is made or rotated.
 * Rotate, revoke and delete each ask first, saying what stops working: one click must not cut off a CI job.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import Modal, {
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
} from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { token } from '@atlaskit/tokens';
import { SETTINGS_RESOLVERS as R } from '../../../src/contract/settings-keys';
import type { ErrorAnswer } from '../../../src/contract/answer';
import type { NewTokenData, TokenSummary, TokensData } from '../../../src/contract/settings';
import { callResolver, flag } from '../../shared/bridge';
import { newRequestId } from '../../shared/requestId';
import { ConfirmDialog } from '../../shared/ConfirmDialog';
import { placeDialogInView } from '../../shared/placeDialogInView';
import { TableScroll } from '../../shared/TableScroll';

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

type TokenAction = 'rotate' | 'revoke' | 'delete';

const actionButtonId = (kind: TokenAction, t: TokenSummary) => `token-${t.id}-${kind}`;

const DONE: Record<TokenAction, string> = { rotate: 'rotated', revoke: 'revoked', delete: 'deleted' };

/**
 * The flag of an action that failed. One whose answer never came (INTERNAL: a time-out, a dropped connection) may
 * have been made: it is said as not confirmed, and a rotation so made has a new secret nobody saw.
 */
function unmade(
  kind: TokenAction,
  name: string,
  error: ErrorAnswer,
): [title: string, description: string, type: 'warning' | 'error'] {
  if (error.code !== 'INTERNAL') return [`Token not ${DONE[kind]}`, error.message, 'error'];
  const title = `Not confirmed: the token may have been ${DONE[kind]}`;
  if (kind !== 'rotate') return [title, error.message, 'warning'];
  return [
    title,
    `The answer never came. If it was rotated, "${name}"'s old secret no longer works and the new one cannot be shown again: rotate it once more to get one to copy.`,
    'warning',
  ];
}
const TITLE_ID = 'tokens-title';
const CREATE_ID = 'create-token';

/** What each action asks before it acts: what stops working, in words a person deciding can weigh. */
const CONFIRMATIONS: Record<
  TokenAction,
  { title: (name: string) => string; confirmLabel: string; appearance: 'warning' | 'danger'; body: ReactNode }
> = {
  rotate: {
    title: (name) => `Rotate the token "${name}"?`,
    confirmLabel: 'Rotate token',
    appearance: 'warning',
    body: (
      <p>
        Its current secret stops working at once: a CI job, dashboard or script sending measurements with it
        is refused until it is given the new token, which is shown once, next.
      </p>
    ),
  },
  revoke: {
    title: (name) => `Revoke the token "${name}"?`,
    confirmLabel: 'Revoke token',
    appearance: 'danger',
    body: (
      <p>
        A CI job, dashboard or script sending measurements with it is refused from now on. A revoked token
        cannot be turned back on: to let that sender in again, make a new token.
      </p>
    ),
  },
  delete: {
    title: (name) => `Delete the token "${name}"?`,
    confirmLabel: 'Delete token',
    appearance: 'danger',
    body: (
      <p>
        It is revoked and already lets nothing in. Deleting it removes it from this list for good, and with it
        the record of when it was made and revoked.
      </p>
    ),
  },
};

export function Tokens() {
  const [data, setData] = useState<TokensData | null>(null);
  // A list that did not load: nothing to show yet, or an older list kept under the message.
  const [loadError, setLoadError] = useState<{ message: string; canRetry: boolean } | null>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<NewTokenData | null>(null);
  const [copied, setCopied] = useState(false);
  // Escape or a click outside was pressed while the one-time token was not copied: the dialog stayed, and says why.
  const [keptOpen, setKeptOpen] = useState(false);
  const [confirming, setConfirming] = useState<{ kind: TokenAction; token: TokenSummary } | null>(null);
  // Set at once, unlike state, so a second press in the same moment finds the action already under way.
  const acting = useRef(false);
  // Where focus goes once a dialog has left, when the control that opened it is gone or was left behind: the
  // confirmation's opener may be replaced by the result, and the one-time token opens from the confirmation.
  const focusAfterConfirm = useRef<string | null>(null);
  const focusAfterToken = useRef<string | null>(null);
  const focusFrom = (target: { current: string | null }) => () => {
    const id = target.current;
    target.current = null;
    // After the dialog's own focus handling, which finds no opener to return to.
    if (id) setTimeout(() => document.getElementById(id)?.focus(), 0);
  };

  const load = useCallback(async () => {
    const a = await callResolver<TokensData>(R.listTokens);
    if (a.ok) {
      setData(a.data);
      setLoadError(null);
    } else setLoadError({ message: a.error.message, canRetry: a.error.code !== 'NOT_AUTHORIZED' });
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const showOnce = (made: NewTokenData) => {
    setCopied(false);
    setKeptOpen(false);
    setShown(made);
  };
  /**
   * Escape or a click outside closes the one-time token only once it is copied. Before that, either is easily
   * pressed by habit or by mistake, and would throw away the only sight of a secret Outcome Lens never shows again
   * (only a rotation would mend it, cutting off whoever already has the old one): the dialog stays and says why.
   * Done closes it always, as a choice made on purpose (the person may have selected and copied it by hand).
   */
  const closeIfCopied = () => (copied ? setShown(null) : setKeptOpen(true));

  /** The create of this name sent without an answer, and its request id, which a Create pressed again reuses. */
  const unanswered = useRef<{ name: string; requestId: string } | null>(null);
  // Set at once, unlike `busy`: Enter pressed twice (or Enter and a click) in the same moment sends one create. A
  // second copy of the request would be one the app cannot tell from a resend after a lost answer, and it would
  // give the token a new secret, so the one shown first would not work.
  const creating = useRef(false);
  const create = async () => {
    if (creating.current) return;
    const wanted = name.trim();
    if (!wanted) return setNameError('Name the token, e.g. "nightly CI".');
    // An answer lost on the way back may have made the token: the app then gives it a new secret to show.
    const requestId = unanswered.current?.name === wanted ? unanswered.current.requestId : newRequestId();
    unanswered.current = { name: wanted, requestId };
    creating.current = true;
    setBusy(true);
    const a = await callResolver<NewTokenData>(R.createToken, { name: wanted, requestId });
    creating.current = false;
    setBusy(false);
    if (!a.ok) return setNameError(a.error.fields?.name ?? a.error.message);
    unanswered.current = null;
    setName('');
    setNameError(null);
    // Make token was off while the token was made, so the dialog found no control to hand the focus back to.
    focusAfterToken.current = CREATE_ID;
    showOnce(a.data);
    await load();
  };
  /** The confirmed action, once: the dialog stays open (its buttons off) until the list shows the result. */
  const act = async () => {
    if (!confirming || acting.current) return;
    const { kind, token: t } = confirming;
    acting.current = true;
    setBusy(true);
    const key = kind === 'rotate' ? R.rotateToken : kind === 'revoke' ? R.revokeToken : R.deleteToken;
    const a = await callResolver<NewTokenData | TokenSummary>(key, { id: t.id });
    // Read again whatever the answer: an action whose answer was lost may have been made, and the list says so.
    await load();
    acting.current = false;
    setBusy(false);
    setConfirming(null);
    if (!a.ok) return flag(...unmade(kind, t.name, a.error));
    // A rotated token keeps its row; a revoked one offers Delete in place of its buttons; a deleted one is gone.
    if (kind === 'rotate') {
      focusAfterToken.current = actionButtonId('rotate', t);
      showOnce(a.data as NewTokenData);
    } else {
      focusAfterConfirm.current = kind === 'revoke' ? actionButtonId('delete', t) : TITLE_ID;
      flag(kind === 'revoke' ? 'Token revoked' : 'Token deleted', `"${t.name}" no longer lets anything in.`);
    }
  };
  const confirmation = confirming ? CONFIRMATIONS[confirming.kind] : null;

  // The new secret is shown whatever became of the list: it is never shown again.
  const oneTimeToken = (
    <ModalTransition>
      {shown ? (
        <Modal
          onClose={closeIfCopied}
          onCloseComplete={focusFrom(focusAfterToken)}
          testId="new-token-modal"
          // The frame grows with the page, so Atlaskit's place for the dialog can be far off screen.
          onOpenComplete={(node) => placeDialogInView(node, null)}
        >
          <ModalHeader>
            <ModalTitle>Copy the token "{shown.summary.name}" now</ModalTitle>
          </ModalHeader>
          <ModalBody>
            <SectionMessage appearance="warning">
              <p>It is shown only this once: Outcome Lens keeps a hash of it, never the token itself.</p>
            </SectionMessage>
            <p>
              <code data-testid="new-token" style={{ wordBreak: 'break-all' }}>
                {shown.token}
              </code>
            </p>
            {keptOpen && !copied ? (
              <div role="alert" data-testid="new-token-kept-open">
                <SectionMessage appearance="error" title="The token is not copied yet">
                  <p>
                    It cannot be shown again once this dialog closes, so it stays open. Press Copy, then Done;
                    Done alone closes it without a copy.
                  </p>
                </SectionMessage>
              </div>
            ) : null}
          </ModalBody>
          <ModalFooter>
            <Button
              onClick={() => {
                void navigator.clipboard?.writeText(shown.token).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
            <Button appearance="primary" onClick={() => setShown(null)}>
              Done
            </Button>
          </ModalFooter>
        </Modal>
      ) : null}
    </ModalTransition>
  );
  const tryAgain = loadError?.canRetry ? <Button onClick={() => void load()}>Try again</Button> : null;

  if (!data && loadError)
    // Non-administrators are told why the section is empty, nothing more.
    return (
      <>
        <SectionMessage appearance="information" title="Measurement tokens">
          <p>{loadError.message}</p>
          {tryAgain}
        </SectionMessage>
        {oneTimeToken}
      </>
    );
  if (!data) return <p>Loading measurement tokens…</p>;

  return (
    <section aria-labelledby="tokens-title" data-testid="tokens">
      <h2 id={TITLE_ID} tabIndex={-1}>
        Measurement tokens
      </h2>
      {loadError ? (
        <SectionMessage appearance="warning" title="The list below may be out of date">
          <p>{loadError.message}</p>
          {tryAgain}
        </SectionMessage>
      ) : null}
      <p>
        A CI job, a dashboard or a script sends measurements to the web trigger
        {data.url ? (
          <>
            {' '}
            at <code data-testid="webtrigger-url">{data.url}</code>
          </>
        ) : null}{' '}
        with one of these tokens as <code>Authorization: Bearer &lt;token&gt;</code>. Each token may make{' '}
        {data.rateLimitPerMinute} requests a minute. Rotate a token to replace its secret; revoke it to stop
        it.
      </p>
      <div style={{ display: 'flex', gap: token('space.100', '8px'), alignItems: 'flex-end' }}>
        <div style={{ flex: '1 1 auto', maxWidth: '320px' }}>
          <label htmlFor="token-name">New token's name</label>
          <Textfield
            id="token-name"
            name="token-name"
            value={name}
            placeholder="nightly CI"
            isInvalid={!!nameError}
            aria-describedby={nameError ? 'token-name-error' : undefined}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setNameError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                // As the button, which is off while a create is under way (create() also checks, at once).
                if (!busy) void create();
              }
            }}
          />
        </div>
        <Button
          id={CREATE_ID}
          appearance="primary"
          isDisabled={busy}
          onClick={() => void create()}
          testId="create-token"
        >
          Make token
        </Button>
      </div>
      {nameError ? (
        <p id="token-name-error" role="alert" style={{ color: token('color.text.danger', '#AE2E24') }}>
          {nameError}
        </p>
      ) : null}
      {data.tokens.length === 0 ? (
        <p>No token yet: nothing can send measurements.</p>
      ) : (
        <TableScroll label="Measurement tokens">
          <DynamicTable
            label="Measurement tokens"
            testId="tokens-table"
            head={{
              cells: [
                { key: 'name', content: 'Name' },
                { key: 'hint', content: 'Starts with' },
                { key: 'made', content: 'Made' },
                { key: 'state', content: 'State' },
                { key: 'actions', content: 'Actions' },
              ],
            }}
            rows={data.tokens.map((t) => ({
              key: t.id,
              cells: [
                { key: 'name', content: t.name },
                { key: 'hint', content: <code>{t.hint}…</code> },
                {
                  key: 'made',
                  content: day(t.createdAt) + (t.rotatedAt ? ` (rotated ${day(t.rotatedAt)})` : ''),
                },
                {
                  key: 'state',
                  content: t.revokedAt ? (
                    <Lozenge appearance="removed">Revoked {day(t.revokedAt)}</Lozenge>
                  ) : (
                    <Lozenge appearance="success">Active</Lozenge>
                  ),
                },
                {
                  key: 'actions',
                  content: t.revokedAt ? (
                    <Button
                      id={actionButtonId('delete', t)}
                      appearance="subtle"
                      isDisabled={busy}
                      onClick={() => setConfirming({ kind: 'delete', token: t })}
                    >
                      Delete
                    </Button>
                  ) : (
                    <span style={{ display: 'inline-flex', gap: token('space.100', '8px') }}>
                      <Button
                        id={actionButtonId('rotate', t)}
                        isDisabled={busy}
                        onClick={() => setConfirming({ kind: 'rotate', token: t })}
                      >
                        Rotate
                      </Button>
                      <Button
                        id={actionButtonId('revoke', t)}
                        appearance="warning"
                        isDisabled={busy}
                        onClick={() => setConfirming({ kind: 'revoke', token: t })}
                      >
                        Revoke
                      </Button>
                    </span>
                  ),
                },
              ],
            }))}
          />
        </TableScroll>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming && confirmation ? confirmation.title(confirming.token.name) : ''}
        confirmLabel={confirmation?.confirmLabel ?? ''}
        appearance={confirmation?.appearance ?? 'danger'}
        busy={busy}
        onConfirm={() => void act()}
        onCancel={() => setConfirming(null)}
        onClosed={focusFrom(focusAfterConfirm)}
      >
        {confirmation?.body}
      </ConfirmDialog>
      {oneTimeToken}
    </section>
  );
}
