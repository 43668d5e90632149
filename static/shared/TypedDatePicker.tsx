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
 * Atlaskit's date picker in the app's format (DATE_PICKER_FORMAT) that takes what was typed. The picker takes
 * typed text only on Enter, and only a day it can read: it empties its input when the field is left or on
 * Escape, and on Enter over text that is no day it takes the last day it could read (the calendar's). Here what
 * was typed and not taken becomes the value when the field is left, and text that is no day ("01.03.2027",
 * "2027-04-31") becomes it on Enter too, for the form's date rule to refuse it where it was typed
 * (typedDayProblem). While the value is such text the picker shows nothing, and Backspace clears it.
 */
export function TypedDatePicker({ value, onChange, onBlur, ...pickerProps }: TypedDatePickerProps) {
  // What was typed into the input and not taken yet: the picker does not report text it cannot read.
  const typed = useRef('');
  // Set on an Enter over text that is no day: the day the picker then picks of its own is not what was typed.
  const ignoreNextPick = useRef(false);
  const takeTyped = () => {
    const text = typed.current.trim();
    typed.current = '';
    if (text !== '') onChange(text);
  };
  // The typed text is read from the input's own events around the picker: a `selectProps.onInputChange` would
  // replace the picker's handler, whose state holds the input's text, and typing after an Enter would show nothing.
  return (
    <div
      onInput={(event) => {
        typed.current = (event.target as HTMLInputElement).value;
      }}
      onKeyDownCapture={(event: KeyboardEvent) => {
        const input = event.target as HTMLInputElement;
        if (event.key === 'Enter' && isUnreadableDay(typed.current)) {
          takeTyped();
          ignoreNextPick.current = true;
          setTimeout(() => (ignoreNextPick.current = false), 0);
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
          typed.current = '';
          onChange(day);
        }}
        {...DATE_PICKER_FORMAT}
        onBlur={() => {
          takeTyped();
          onBlur?.();
        }}
      />
    </div>
  );
}
