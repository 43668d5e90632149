/** The project page's own layout (lanes, cards, tabs, tables), in design tokens like the shared styles. */
import { token as t } from '../../shared/styles';

export const PAGE_CSS = `
.ol-root { max-width: none; }
.ol-tabs { display: flex; gap: 4px; border-bottom: 2px solid ${t('border', '#091E4224')}; margin-bottom: 12px; }
.ol-tab { font: inherit; font-weight: 500; background: none; border: 0; padding: 8px 12px; cursor: pointer; color: ${t('text-subtle', '#44546F')};
  border-bottom: 2px solid transparent; margin-bottom: -2px; }
.ol-tab[aria-selected="true"] { color: ${t('text-selected', '#0C66E4')}; border-bottom-color: ${t('border-selected', '#0C66E4')}; }
.ol-tab:focus-visible { outline: 2px solid ${t('border-focused', '#388BFF')}; }
.ol-lanes { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px; align-items: start; }
.ol-lane { border: 1px solid ${t('border', '#091E4224')}; border-radius: 6px; padding: 12px; background: ${t('surface-raised', '#FFFFFF')}; }
.ol-lane-none { border: 2px dashed ${t('border-warning', '#E56910')}; background: ${t('background-warning', '#FFF7D6')}; }
.ol-lane h3 { margin: 0 0 4px; font-size: 15px; }
.ol-lane-meta { font-size: 12px; color: ${t('text-subtle', '#44546F')}; }
.ol-cards { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-direction: column; gap: 6px; }
.ol-card { border: 1px solid ${t('border', '#091E4224')}; border-radius: 4px; padding: 6px 8px; background: ${t('surface', '#FFFFFF')}; }
.ol-card a { color: ${t('link', '#0C66E4')}; font-weight: 600; }
.ol-card-meta { display: flex; gap: 6px; flex-wrap: wrap; font-size: 12px; margin-top: 2px; align-items: center; }
.ol-pill { border-radius: 3px; padding: 0 4px; font-size: 11px; font-weight: 700; text-transform: uppercase;
  background: ${t('background-neutral', '#091E420F')}; color: ${t('text', '#172B4D')}; }
.ol-pill-danger { background: ${t('background-danger', '#FFECEB')}; color: ${t('text-danger', '#AE2E24')}; }
.ol-pill-warning { background: ${t('background-warning', '#FFF7D6')}; color: ${t('text-warning', '#A54800')}; }
.ol-pill-success { background: ${t('background-success', '#DCFFF1')}; color: ${t('text-success', '#216E4E')}; }
.ol-filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: end; margin-bottom: 12px; }
.ol-filters .ol-field { min-width: 160px; }
.ol-chart { display: block; width: 100%; margin-top: 6px; }
.ol-chart line.target { stroke: ${t('border-success', '#22A06B')}; stroke-dasharray: 4 3; }
.ol-chart polyline { fill: none; stroke: ${t('border-brand', '#0C66E4')}; stroke-width: 2; }
.ol-chart circle { fill: ${t('border-brand', '#0C66E4')}; }
.ol-chart text { fill: ${t('text-subtle', '#44546F')}; font-size: 10px; }
.ol-dialog { border: 1px solid ${t('border', '#091E4224')}; border-radius: 6px; padding: 12px; margin: 8px 0;
  background: ${t('surface-overlay', '#FFFFFF')}; }
.ol-share { height: 8px; border-radius: 4px; background: ${t('background-neutral', '#091E420F')}; overflow: hidden; }
.ol-share > span { display: block; height: 100%; background: ${t('background-accent-blue-subtle', '#579DFF')}; }
.ol-share.ol-share-work > span { background: ${t('background-discovery-bold', '#6E5DC6')}; }
.ol-bar.ol-bar-progress > span { background: ${t('background-success-bold', '#1F845A')}; }
.ol-bar-caption { font-size: 11px; color: ${t('text-subtle', '#44546F')}; margin-top: 6px; }
.ol-bar-caption + .ol-bar { margin-top: 2px; }
.ol-hbar { display: grid; grid-template-columns: 160px 1fr 60px; gap: 8px; align-items: center; font-size: 13px; }
`;
