import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { meStore } from './accounts/me-store.ts';
import { App } from './shell/App.tsx';
import { signedInApp } from './shell/signed-in-screen.ts';

/**
 * React and the first screens' switch (App), loaded by main.tsx once the first read of the
 * device's index is under way. The signed-in app is a chunk of its own (shell/SignedInApp.tsx),
 * so the sign-in page never evaluates it.
 */
const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
// W6's profile: React and the shell evaluated, beside `messenjo:read-answered` (first-read.ts).
// Rendering here without waiting for the read measured no slower than waiting for it: the
// read's answer queues behind this chunk's evaluation anyway (docs/benchmarks.md, issue 15).
performance.mark('messenjo:react-loaded');
const render = (): void =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
// A device that starts signed in renders its conversations in the first render: boot.ts
// preloaded the signed-in app's chunk beside this one, and it is awaited here (a failed load
// renders anyway, and the screen asks again).
const me = meStore.state.get();
if (me.status === 'signed-in' && me.me.username !== null) void signedInApp.preload().then(render, render);
else render();
