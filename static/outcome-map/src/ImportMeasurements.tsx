/**
 * An outcome card's CSV import of past measurements: the web trigger's columns (value, at, and optionally
 * source and id), all rows or none. Ids make a second import of the same file change nothing.
 */
import { useRef, useState } from 'react';
import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import {
  PROJECT_PAGE_RESOLVERS as R,
  IMPORT_TOO_LARGE,
  MAX_IMPORT_BYTES,
} from '../../../src/contract/project-page-keys';
import type { ImportMeasurementsData, OutcomeView } from '../../../src/contract/project-page';
import { callResolver, flag } from '../../shared/bridge';
import { useDecimalMark } from '../../shared/useDecimalMark';

export function ImportMeasurements(props: { outcome: OutcomeView; onImported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  // A spreadsheet writes numbers with the person's decimal mark: the server reads the file's values with it.
  const decimalMark = useDecimalMark();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportMeasurementsData | null>(null);
  const id = `import-${props.outcome.id}`;

  const refuse = (message: string) =>
    setResult({ ok: false, message, errors: [], accepted: 0, duplicates: 0 });

  const send = async (file: File) => {
    if (file.size > MAX_IMPORT_BYTES) return refuse(IMPORT_TOO_LARGE);
    const csv = await file.text();
    // Text in another encoding than UTF-8 grows as it is read (each byte that is not UTF-8 becomes a character of
    // three bytes): the text sent is held to the limit, not only the file.
    if (new TextEncoder().encode(csv).length > MAX_IMPORT_BYTES) return refuse(IMPORT_TOO_LARGE);
    setBusy(true);
    const answer = await callResolver<ImportMeasurementsData>(R.importMeasurements, {
      id: props.outcome.id,
      csv,
      decimalMark,
    });
    setBusy(false);
    if (!answer.ok) {
      // A refused file is told by its field ("The file is too large …"), not by the form's general message.
      const said = Object.values(answer.error.fields ?? {});
      refuse(said.length > 0 ? said.join(' ') : answer.error.message);
    } else {
      setResult(answer.data);
      // The map redraws its lanes after an import, and this card's message with them: a flag outlasts that.
      if (answer.data.accepted > 0) {
        flag('Measurements imported', `${props.outcome.name}: ${answer.data.message}`);
        props.onImported();
      }
    }
  };

  return (
    <div data-testid={id}>
      <input
        ref={input}
        id={`${id}-file`}
        type="file"
        accept=".csv,text/csv"
        aria-label={`CSV file of past measurements of ${props.outcome.metric}`}
        className="ol-sr-only"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void send(file);
        }}
      />
      <Button id={`${id}-open`} isDisabled={busy} onClick={() => input.current?.click()}>
        {busy ? 'Importing…' : 'Import CSV of past measurements'}
      </Button>
      {result ? (
        <SectionMessage
          appearance={result.ok ? 'success' : 'error'}
          title={result.ok ? 'Measurements imported' : 'Nothing imported'}
        >
          <p data-testid={`${id}-message`}>{result.message}</p>
          {result.errors.length ? (
            <ul>
              {result.errors.slice(0, 10).map((e) => (
                <li key={`${e.row}-${e.field}`}>
                  Row {e.row}, {e.field}: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
          {!result.ok ? (
            <p>
              Columns: value, at (a date like 2026-11-30), and optionally source and id, separated by commas,
              or by semicolons as spreadsheets write them where the comma is the decimal mark.
            </p>
          ) : null}
        </SectionMessage>
      ) : null}
    </div>
  );
}
