import { createRoot } from 'react-dom/client';
import { enableTheme } from '../../shared/bridge';
import { installStyles } from '../../shared/styles';
import { App } from './App';
import { PAGE_CSS } from './page-styles';

installStyles(PAGE_CSS);
void enableTheme();
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
