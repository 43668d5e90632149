import { useEffect, useRef, useState, type RefObject } from 'react';

/**
 * The drawn width of an SVG, kept up to date as its box resizes: charts draw at their real width instead of
 * scaling, so their text keeps its size. `initial` is used before the first measure, `min` is a floor.
 */
export function useMeasuredWidth(initial: number, min: number): [RefObject<SVGSVGElement>, number] {
  const ref = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setWidth(Math.max(min, Math.round(el.getBoundingClientRect().width)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [min]);
  return [ref, width];
}
