/** Space kept between the dialog and the edges of what the person sees, or the button it sits beside. */
const GAP = 8;
/** Below this the visible part is too thin for a dialog: it is taken as taller and scrolled into view. */
const LEAST_ROOM = 360;

type Band = { top: number; bottom: number };

/**
 * The part of this frame inside the window, in the frame's own coordinates. Forge sizes a surface's frame to its
 * content, so the frame's viewport (where Atlaskit centres a modal) can be thousands of pixels taller than the
 * window; the frame is another origin than the page around it, and an IntersectionObserver is what tells it how
 * much of it the person sees.
 */
function visiblePartOfFrame(): Promise<Band> {
  const wholeFrame = { top: 0, bottom: window.innerHeight };
  if (typeof IntersectionObserver === 'undefined') return Promise.resolve(wholeFrame);
  return new Promise((resolve) => {
    const seen = new IntersectionObserver(([entry]) => {
      seen.disconnect();
      const part = entry?.intersectionRect;
      resolve(part && part.height > 0 ? { top: part.top, bottom: part.bottom } : wholeFrame);
    });
    seen.observe(document.documentElement);
  });
}

/** At least LEAST_ROOM tall (as far as the frame allows), so a frame scrolled almost out of view still fits a dialog. */
function roomy(band: Band): Band {
  const missing = Math.min(LEAST_ROOM, window.innerHeight) - (band.bottom - band.top);
  if (missing <= 0) return band;
  const top = Math.max(0, Math.min(band.top, window.innerHeight - (band.bottom - band.top) - missing));
  return { top, bottom: top + band.bottom - band.top + missing };
}

/** Atlaskit's positioner: the absolutely (wide window) or fixed (narrow window) placed box around the dialog. */
function positionerOf(dialog: HTMLElement): HTMLElement | null {
  let box: HTMLElement | null = dialog;
  for (let depth = 0; box && depth < 3; depth++, box = box.parentElement) {
    const position = getComputedStyle(box).position;
    if (position === 'absolute' || position === 'fixed') return box;
  }
  return null;
}

/**
 * Brings an opened Atlaskit modal into the part of the frame the person sees. In a wide window it sits just above
 * the button that opened it (below it when there is no room above, in the middle of what is seen when there is
 * none either), no taller than what is seen (its body scrolls instead). A dialog that grows once open (a refusal
 * shown in it) grows away from that button: placed above it, its bottom and its own buttons stay where the person
 * pressed them. In a narrow window, where Atlaskit's dialog fills the frame's whole viewport, it fills what is seen.
 * Atlaskit's own placement is !important, so this one is too; the blanket still covers the whole frame.
 */
export function placeDialogInView(dialog: HTMLElement, opener: Element | null): void {
  const positioner = positionerOf(dialog);
  if (!positioner) return;
  // Read once: the dialog stays where it opened, even when the list behind the blanket is read again meanwhile.
  const pressed = opener?.getBoundingClientRect() ?? null;
  void visiblePartOfFrame().then((visible) => {
    if (!dialog.isConnected) return;
    const seen = roomy(visible);
    const set = (property: string, value: string) =>
      positioner.style.setProperty(property, value, 'important');
    if (getComputedStyle(positioner).position === 'fixed') {
      set('top', `${seen.top}px`);
      set('height', `${seen.bottom - seen.top}px`);
      dialog.scrollIntoView({ block: 'nearest' });
      return;
    }
    set('max-height', `${seen.bottom - seen.top - 2 * GAP}px`);
    set('bottom', 'auto');
    const height = () => dialog.getBoundingClientRect().height;
    const fitsAbove = pressed !== null && pressed.top - height() - GAP >= seen.top + GAP;
    const fitsBelow = pressed !== null && pressed.bottom + GAP + height() <= seen.bottom - GAP;
    const place = () => {
      const h = height();
      const wanted = fitsAbove
        ? pressed.top - h - GAP
        : fitsBelow
          ? pressed.bottom + GAP
          : seen.top + (seen.bottom - seen.top - h) / 2;
      // Kept inside what is seen, its top first when it is as tall as all of it.
      const top = Math.max(seen.top + GAP, Math.min(wanted, seen.bottom - GAP - h));
      set('top', `${top}px`);
    };
    place();
    dialog.scrollIntoView({ block: 'nearest' });
    if (typeof ResizeObserver === 'undefined') return;
    const resized = new ResizeObserver(() => {
      if (dialog.isConnected) place();
      else resized.disconnect();
    });
    resized.observe(dialog);
  });
}
