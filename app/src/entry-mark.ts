/**
 * The entry's first statement (main.tsx imports this before anything else): with `messenjo:boot`,
 * which `boot.ts` marks after its own imports have run (the signed-in profile read from
 * localStorage among them), it splits the start's profile between the entry's evaluation and
 * the first read (W6's profile, docs/benchmarks.md).
 */
performance.mark('messenjo:entry');
