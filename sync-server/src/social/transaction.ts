// The social graph's transactions publish their events after commit (one helper for every domain).
export { transact, type Emit } from '../events/after-commit.ts';
