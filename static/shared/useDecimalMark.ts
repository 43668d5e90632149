/**
 * The person's decimal mark in a React component: known at once when the page asked for it at its start
 * (personDecimalMark), which every surface that reads typed numbers does, so a form's first values use it.
 */
import { useEffect, useState } from 'react';
import type { DecimalMark } from '../../src/domain/amounts';
import { knownDecimalMark, personDecimalMark } from './bridge';

export function useDecimalMark(): DecimalMark {
  const [mark, setMark] = useState<DecimalMark>(() => knownDecimalMark() ?? '.');
  useEffect(() => {
    let live = true;
    void personDecimalMark().then((m) => {
      if (live) setMark(m);
    });
    return () => {
      live = false;
    };
  }, []);
  return mark;
}
