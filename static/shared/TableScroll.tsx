import type { ReactNode } from 'react';

/**
 * Lets a wide table scroll sideways inside a narrow frame instead of being cut off. The region is focusable
 * and named so a keyboard user can reach it and scroll it with the arrow keys.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="ol-table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
