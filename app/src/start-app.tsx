import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shell/App.tsx';
import { firstScreenAnswered } from './session/local-index/first-read.ts';

/**
 * How long React's first render may wait for the device's index to answer the first read. The
 * read answers in a few ms in an idle page; waiting lets the shell's first frame hold the list
 * and the newest messages, instead of an empty list painted, laid out and then replaced a frame
 * later (two renders and two layouts on the way to the first useful paint: W6 and W12's profile
 * in docs/benchmarks.md). A slow or stuck IndexedDB costs at most this before the shell shows.
 */
const FIRST_READ_WAIT_MS = 250;

/** React and the shell, loaded by main.tsx once the first read of the device's index is under way. */
const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
// W6's profile: React and the shell evaluated; the render follows once the read has answered.
performance.mark('messenjo:react-loaded');
void firstScreenAnswered(FIRST_READ_WAIT_MS).then(() => {
  performance.mark('messenjo:render');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
