/**
 * The page's Content-Security-Policy refuses eval, and zod (4.x) probes `new Function` when it
 * builds its first object schema, to compile a faster parser; the refused probe is reported as a
 * CSP violation (Lighthouse's best practices). Jitless, zod never tries. `z.config({ jitless })`
 * only counts before the first schema is built, and schemas are built as the shared modules are
 * evaluated, in whichever chunk loads first; so this sets zod's global configuration object
 * (which `z.config` writes, and every zod copy reads: `globalThis.__zod_globalConfig`) before
 * any of them, without loading zod into the main chunk. main.tsx imports this module first.
 */
const zodGlobal = globalThis as { __zod_globalConfig?: Record<string, unknown> };
zodGlobal.__zod_globalConfig = { ...zodGlobal.__zod_globalConfig, jitless: true };
