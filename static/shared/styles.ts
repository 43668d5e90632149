/**
 * The surfaces' look, in Atlassian design tokens (CSS variables set by the host's theme, with light fallbacks),
 * so light and dark modes come from `view.theme.enable()`. Plain CSS keeps the bundles small.
 */
/** A design token as a CSS value, with the light theme's value for when no host theme is set. */
export const token = (name: string, fallback: string) => `var(--ds-${name}, ${fallback})`;
const t = token;

export const SHARED_CSS = `
html, body { margin: 0; background: ${t('surface', '#FFFFFF')}; color: ${t('text', '#172B4D')};
  font: 14px/20px -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
.ol-root { padding: 8px 4px 16px; max-width: 760px; }
.ol-root a { color: ${t('link', '#0C66E4')}; }
.ol-root a:focus-visible { outline: 2px solid ${t('border-focused', '#388BFF')}; outline-offset: 1px; }
.ol-stack > * + * { margin-top: 12px; }
.ol-heading { font-size: 16px; font-weight: 600; margin: 16px 0 8px; color: ${t('text', '#172B4D')}; }
.ol-muted { color: ${t('text-subtle', '#44546F')}; }
.ol-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px 12px; }
.ol-field { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
.ol-label { font-size: 12px; font-weight: 600; color: ${t('text-subtle', '#44546F')}; }
.ol-input { font: inherit; color: ${t('text', '#172B4D')}; background: ${t('background-input', '#FFFFFF')};
  border: 1px solid ${t('border-input', '#8590A2')}; border-radius: 3px; padding: 6px 8px; min-height: 20px; }
.ol-input:focus { outline: 2px solid ${t('border-focused', '#388BFF')}; outline-offset: 0; }
.ol-input[readonly], .ol-input:disabled { background: ${t('background-disabled', '#F1F2F4')}; color: ${t('text', '#172B4D')}; }
.ol-input[aria-invalid="true"] { border-color: ${t('border-danger', '#E2483D')}; }
textarea.ol-input { resize: vertical; min-height: 56px; }
.ol-help { font-size: 12px; color: ${t('text-subtle', '#44546F')}; }
.ol-error { font-size: 12px; color: ${t('text-danger', '#AE2E24')}; }
.ol-actions { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
.ol-btn { font: inherit; font-weight: 500; border: 0; border-radius: 3px; padding: 6px 12px; cursor: pointer;
  background: ${t('background-neutral', '#091E420F')}; color: ${t('text', '#172B4D')}; }
.ol-btn:hover { background: ${t('background-neutral-hovered', '#091E4224')}; }
.ol-btn:focus-visible { outline: 2px solid ${t('border-focused', '#388BFF')}; outline-offset: 2px; }
.ol-btn:disabled { cursor: not-allowed; color: ${t('text-disabled', '#091E424F')}; }
.ol-btn-primary { background: ${t('background-brand-bold', '#0C66E4')}; color: ${t('text-inverse', '#FFFFFF')}; }
.ol-btn-primary:hover { background: ${t('background-brand-bold-hovered', '#0055CC')}; }
.ol-btn-link { background: none; padding: 0; color: ${t('link', '#0C66E4')}; text-decoration: underline; }
.ol-message { border-radius: 3px; padding: 12px 16px; }
.ol-message-title { font-weight: 600; margin: 0 0 4px; font-size: 14px; }
.ol-message p { margin: 4px 0; }
.ol-message-info { background: ${t('background-information', '#E9F2FF')}; }
.ol-message-warning { background: ${t('background-warning', '#FFF7D6')}; }
.ol-message-error { background: ${t('background-danger', '#FFECEB')}; }
.ol-message-success { background: ${t('background-success', '#DCFFF1')}; }
.ol-score { border: 1px solid ${t('border', '#091E4224')}; border-radius: 3px; padding: 12px; }
.ol-score-head { display: flex; gap: 8px; align-items: baseline; }
.ol-score-total { font-size: 20px; font-weight: 700; }
.ol-score-list { list-style: none; padding: 0; margin: 8px 0 0; }
.ol-score-list li { padding: 4px 0; border-top: 1px solid ${t('border', '#091E4224')}; }
.ol-score-points { font-variant-numeric: tabular-nums; font-weight: 600; }
.ol-bar { height: 6px; border-radius: 3px; background: ${t('background-neutral', '#091E420F')}; overflow: hidden; margin-top: 6px; }
.ol-bar > span { display: block; height: 100%; background: ${t('background-brand-bold', '#0C66E4')}; }
.ol-quote { font-weight: 600; }
fieldset.ol-group { border: 1px solid ${t('border', '#091E4224')}; border-radius: 3px; padding: 8px 12px 12px; margin: 0; }
fieldset.ol-group > legend { font-weight: 600; padding: 0 4px; }
fieldset.ol-group > :not(legend) + :not(legend) { margin-top: 8px; }
.ol-table-wrap { overflow-x: auto; max-width: 100%; }
.ol-table-wrap:focus-visible { outline: 2px solid ${t('border-focused', '#388BFF')}; }
.ol-table { border-collapse: collapse; width: 100%; }
.ol-table th, .ol-table td { text-align: left; padding: 6px 8px; border-bottom: 1px solid ${t('border', '#091E4224')}; vertical-align: top; }
.ol-table th { font-size: 12px; color: ${t('text-subtle', '#44546F')}; }
.ol-table .ol-input { width: 100%; box-sizing: border-box; }
.ol-table .ol-error { display: block; }
.ol-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** Installs the shared styles, then a surface's own (`extra`), once per document. */
export function installStyles(extra = '', doc: Document = document): void {
  if (doc.getElementById('ol-styles')) return;
  const style = doc.createElement('style');
  style.id = 'ol-styles';
  style.textContent = SHARED_CSS + extra;
  doc.head.appendChild(style);
}
