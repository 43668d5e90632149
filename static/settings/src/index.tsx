import { createRoot } from 'react-dom/client';
import { enableTheme } from '../../shared/bridge';
import { installStyles } from '../../shared/styles';
import { App } from './App';

installStyles();
void enableTheme();
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
