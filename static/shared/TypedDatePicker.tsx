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
 * Atlaskit's date picker in the app's format (DATE_PICKER_FORMAT) that does not drop what it cannot read. The
 * picker empties its input on Enter or on leaving when the text is no day ("01.03.2027", "2027-04-31"), and a
 * save would then go without the date or keep the one before. Here that text becomes the value instead, on
 * Enter or on leaving the field, for the form's date rule to refuse it where it was typed (typedDayProblem).
 * While the value is such text the picker itself shows nothing.
 */
export function TypedDatePicker({ value, onChange, onBlur, ...pickerProps }: TypedDatePickerProps) {
  // What was last typed into the input, which the picker does not report when it cannot read it.
  const typed = useRef('');
  const keepUnreadableText = () => {
    const text = typed.current.trim();
    typed.current = '';
    if (isUnreadableDay(text)) onChange(text);
  };
  // The typed text is read from the input's own events around the picker: a `selectProps.onInputChange` would
  // replace the picker's handler, whose state holds the input's text, and typing after an Enter would show nothing.
  return (
    <div
      onInput={(event) => {
        typed.current = (event.target as HTMLInputElement).value;
      }}
      // Before the picker's own Enter, which would empty the input, or let the form submit the old value.
      onKeyDownCapture={(event: KeyboardEvent) => {
        if (event.key === 'Enter') keepUnreadableText();
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
          typed.current = '';
          onChange(day);
        }}
        {...DATE_PICKER_FORMAT}
        onBlur={() => {
          keepUnreadableText();
          onBlur?.();
        }}
      />
    </div>
  );
}
