// First: starts reading the device's index before the rest of the code is evaluated.
import './boot.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shell/App.tsx';
import { pageTheme } from './lib/theme.ts';
import { registerServiceWorker } from './pwa/register-sw.ts';
import './index.css';

// Before the first render, so the page never flashes the other theme.
pageTheme();
registerServiceWorker();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
