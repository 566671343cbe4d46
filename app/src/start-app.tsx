import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shell/App.tsx';

/** React and the shell, loaded by main.tsx once the first read of the device's index is under way. */
const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
// W6's profile: React and the shell evaluated, beside `messenjo:read-answered` (first-read.ts).
// Rendering here without waiting for the read measured no slower than waiting for it: the
// read's answer queues behind this chunk's evaluation anyway (docs/benchmarks.md, issue 15).
performance.mark('messenjo:react-loaded');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
