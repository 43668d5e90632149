import { createRoot } from 'react-dom/client';
import { enableTheme } from '../../shared/bridge';
import { installStyles } from '../../shared/styles';
import { App } from './App';

installStyles();
// The per-type thresholds table: the settings page's only layout beyond the shared styles.
const style = document.createElement('style');
style.textContent = `
.ol-table { border-collapse: collapse; width: 100%; }
.ol-table th, .ol-table td { text-align: left; padding: 4px 6px; vertical-align: top;
  border-bottom: 1px solid var(--ds-border, #091E4224); }
.ol-table th { font-size: 12px; color: var(--ds-text-subtle, #44546F); }
.ol-table .ol-input { width: 100%; box-sizing: border-box; }
.ol-table .ol-error { display: block; }
`;
document.head.appendChild(style);
void enableTheme();
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
