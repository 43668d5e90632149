import { scanPacingProblem, type ScanPacingKey } from '../../../src/domain/scan-pacing';
import type { Settings } from '../../../src/domain/settings';
import { TextInput } from '../../shared/Field';

/**
 * How the daily scan spends Jira's hourly points quota: its share of the app's quota (the rest stays for people
 * using the panel and pages) and how often it rereads the whole backlog (the runs in between read only what
 * changed or reached a limit). Atlaskit fields (the shared TextInput: Textfield, Label, HelperMessage,
 * ErrorMessage), each checked as it is typed by the rules the save's schema is built from (src/domain/scan-pacing.ts).
 */
export function ScanPacing(props: {
  /** The values as typed ("0." on the way to "0.25" survives), and as they read (NaN for no number). */
  texts: Record<ScanPacingKey, string>;
  scan: Settings['scan'];
  readOnly: boolean;
  onChange: (key: ScanPacingKey, text: string) => void;
}) {
  const { scan, texts } = props;

  // Judged as they stand by the rules the save's schema is built from, so a refused save's message goes once the value is fixed.
  const shareError = scanPacingProblem('quotaShare', scan.quotaShare);
  const daysError = scanPacingProblem('fullRescanEveryDays', scan.fullRescanEveryDays);
  return (
    <fieldset className="ol-group">
      <legend>Daily scan and Jira&apos;s quota</legend>
      <div className="ol-grid">
        <TextInput
          id="scan-quota-share"
          label="Share of the hourly Jira quota (0.05–1)"
          inputMode="decimal"
          value={texts.quotaShare}
          readOnly={props.readOnly}
          error={shareError}
          help={
            shareError
              ? undefined
              : `The scan spends up to ${Math.round(scan.quotaShare * 100)}% of the app's hourly Jira points and waits for the next hour past it; the rest stays for people using the panel and pages.`
          }
          onChange={(v) => props.onChange('quotaShare', v)}
        />
        <TextInput
          id="scan-full-every"
          label="Full rescan every (days, 1–31)"
          inputMode="numeric"
          value={texts.fullRescanEveryDays}
          readOnly={props.readOnly}
          error={daysError}
          help={
            daysError
              ? undefined
              : 'The daily runs in between read only the items that changed or reached a limit.'
          }
          onChange={(v) => props.onChange('fullRescanEveryDays', v)}
        />
      </div>
    </fieldset>
  );
}
