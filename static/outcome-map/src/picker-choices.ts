/** A filter's choice: its name, and how many items it matches when the caller counts them. */
export interface Choice {
  value: string;
  name: string;
  count?: number;
}

export interface PickerOption {
  value: string;
  label: string;
}

const optionOf = (c: Choice): PickerOption => ({
  value: c.value,
  label: c.count === undefined ? c.name : `${c.name} (${c.count})`,
});

/**
 * The options a filter select shows, and the chosen one. A chosen value whose last item was just decided is no
 * longer among the choices: it stays shown (and can be cleared) under its name with none left, instead of the
 * select going blank while the filter still applies. `seen` remembers each value's name across renders.
 */
export function pickerChoices(
  given: Choice[],
  value: string,
  seen: Map<string, string>,
): { options: PickerOption[]; chosen: PickerOption | null } {
  for (const c of given) seen.set(c.value, c.name);
  const options = given.map(optionOf);
  const chosen = options.find((o) => o.value === value) ?? null;
  if (chosen || !value) return { options, chosen };
  const emptied = optionOf({ value, name: seen.get(value) ?? value, count: 0 });
  return { options: [...options, emptied], chosen: emptied };
}
