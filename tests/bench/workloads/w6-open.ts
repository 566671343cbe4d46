import { cannot, type Workload } from './types.ts';

/** W6: open a 100,000-message conversation in Chromium; waits for the app's message view. */
export const w6Open: Workload = {
  id: 'W6',
  title: 'open a 100k-message conversation in Chromium',
  rounds: 1,
  deviceOnly: true,
  run: () =>
    Promise.resolve([
      cannot('navigation → newest 50 painted', 'not measured: the app has no message view yet'),
      cannot('JS heap', 'not measured: the app has no message view yet'),
    ]),
};
