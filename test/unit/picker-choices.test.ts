import { pickerChoices } from '../../static/outcome-map/src/picker-choices';

const label = (c: { label?: string } | null) => c?.label;

describe('the kill review filter select', () => {
  it('labels each option with its name and count, and "any" with its name alone', () => {
    const { options } = pickerChoices(
      [
        { value: '', name: 'Any type' },
        { value: 'Story', name: 'Story', count: 3 },
      ],
      '',
      new Map(),
    );
    expect(options.map(label)).toEqual(['Any type', 'Story (3)']);
  });

  it('keeps an emptied filter shown under its name with (0), even a name that ends in a number in brackets', () => {
    const seen = new Map<string, string>();
    pickerChoices([{ value: 'Spike (2)', name: 'Spike (2)', count: 1 }], 'Spike (2)', seen);
    const { options, chosen } = pickerChoices([], 'Spike (2)', seen);
    expect(label(chosen)).toBe('Spike (2) (0)');
    expect(options.map(label)).toEqual(['Spike (2) (0)']);
  });

  it('shows a chosen value it never listed under the value itself, with (0)', () => {
    expect(label(pickerChoices([], 'Task (2)', new Map()).chosen)).toBe('Task (2) (0)');
  });
});
