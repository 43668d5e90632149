import { useMemo, useState } from 'react';

/**
 * Which of a listed set of items (by key) are ticked, for lists with a "select all listed" box: the box is
 * ticked when every listed item is, and half-ticked when some are.
 */
export function useListSelection(listedKeys: readonly string[]) {
  const [selected, setSelected] = useState<string[]>([]);
  const ticked = useMemo(() => new Set(selected), [selected]);
  const allListed = listedKeys.length > 0 && listedKeys.every((k) => ticked.has(k));
  return {
    selected,
    allListed,
    someListed: !allListed && selected.length > 0,
    isSelected: (key: string) => ticked.has(key),
    /** Ticks or unticks one item. */
    set: (key: string, on: boolean) =>
      setSelected((old) => (on ? (old.includes(key) ? old : [...old, key]) : old.filter((k) => k !== key))),
    /** Ticks every listed item, or none. */
    setAllListed: (on: boolean) => setSelected(on ? [...listedKeys] : []),
    /** Replaces the selection (e.g. with what a bulk run could not do, to look at or resume). */
    replace: setSelected,
  };
}
