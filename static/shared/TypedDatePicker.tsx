// The date picker's own entry point: the package index brings the time pickers too.
import DatePicker, { type DatePickerProps } from '@atlaskit/datetime-picker/date-picker';
import { useRef, type KeyboardEvent } from 'react';
import { DATE_PICKER_FORMAT, isUnreadableDay } from './date-format';

export type TypedDatePickerProps = Omit<
  DatePickerProps,
  'value' | 'defaultValue' | 'onChange' | 'onBlur' | keyof typeof DATE_PICKER_FORMAT
> & {
  /** An ISO day, '' when empty, or text typed that is no day (kept so the form's date rule can refuse it). */
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
};

/**
 * Atlaskit's date picker in the app's format (DATE_PICKER_FORMAT) that reports what is typed as it is typed. The
 * picker itself takes typed text only on Enter, and only a day it can read: it empties its input when the field
 * is left or on Escape, and on Enter over text that is no day it takes the last day it could read (the calendar's).
 * So a form saved while the focus is still in the field (Save clicked with the mouse, which keeps the focus, or
 * Enter after Escape closed the calendar) would store the day held before the typing. Here every keystroke
 * reports the text: a day it reads ("2027-03-01") becomes the value at once; text that is no day ("01.03.2027",
 * "2027-04-31", or a day half typed) becomes it too, for the form's date rule to refuse it where it was typed
 * (typedDayProblem); an input emptied gives back the value held before the typing began. While the value is such
 * text the picker shows nothing once the field is left, and Backspace clears it.
 */
export function TypedDatePicker({ value, onChange, onBlur, ...pickerProps }: TypedDatePickerProps) {
  // The value before the text now in the input was typed, null when nothing typed is in it.
  const before = useRef<string | null>(null);
  // What is typed in the input now.
  const typed = useRef('');
  // Set on an Enter over text that is no day: the day the picker then picks of its own is not what was typed.
  const ignoreNextPick = useRef(false);
  const reportTyped = (text: string) => {
    if (before.current === null) before.current = value;
    typed.current = text;
    const day = text.trim();
    onChange(day === '' ? before.current : day);
  };
  // The input is emptied by the picker (the field left, Escape, Enter, a day picked): its value stays as reported.
  const typingEnds = () => {
    before.current = null;
    typed.current = '';
  };
  // The typed text is read from the input's own events around the picker: a `selectProps.onInputChange` would
  // replace the picker's handler, whose state holds the input's text, and typing after an Enter would show nothing.
  return (
    <div
      onInput={(event) => reportTyped((event.target as HTMLInputElement).value)}
      onKeyDownCapture={(event: KeyboardEvent) => {
        const input = event.target as HTMLInputElement;
        if (event.key === 'Enter' || event.key === 'Escape') {
          if (event.key === 'Enter' && isUnreadableDay(typed.current)) {
            ignoreNextPick.current = true;
            setTimeout(() => (ignoreNextPick.current = false), 0);
          }
          typingEnds();
        } else if (
          (event.key === 'Backspace' || event.key === 'Delete') &&
          input.value === '' &&
          isUnreadableDay(value)
        )
          onChange('');
      }}
      // Escape with the calendar open closes the calendar only: a dialog around the picker listens for Escape on
      // the window, and would close with everything typed in it.
      onKeyDown={(event: KeyboardEvent) => {
        if (event.key === 'Escape' && (event.target as HTMLElement).getAttribute('aria-expanded') === 'true')
          event.stopPropagation();
      }}
    >
      <DatePicker
        {...pickerProps}
        value={isUnreadableDay(value) ? '' : value}
        onChange={(day: string) => {
          if (ignoreNextPick.current) return;
          typingEnds();
          onChange(day);
        }}
        {...DATE_PICKER_FORMAT}
        onBlur={() => {
          typingEnds();
          onBlur?.();
        }}
      />
    </div>
  );
}
