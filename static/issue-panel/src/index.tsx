import '../../shared/styles.css';
import { createRoot } from 'react-dom/client';
import { enableTheme } from '../../shared/bridge';
import { App } from './App';

void enableTheme();
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
