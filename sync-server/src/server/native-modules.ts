import Database from 'better-sqlite3';

/**
 * The native modules the server loads (compiled code, bound to one Node.js ABI). After a Node
 * upgrade, a `node_modules` installed under the old version holds binaries the new one refuses;
 * without this check the failure surfaced as "DATA_DIR: cannot open the database", which sent
 * people looking at their data folder.
 */
const NATIVE_MODULES: { name: string; load: () => Promise<unknown> }[] = [
  // better-sqlite3 loads its binary on the first `new Database`, not on import.
  { name: 'better-sqlite3', load: () => Promise.resolve(new Database(':memory:').close()) },
  // sharp loads its binary on import: media/pictures.ts imports it lazily, so this is the first time.
  { name: 'sharp', load: () => import('sharp') },
];

/**
 * Loads every native module now. Returns the one line to print when one cannot be loaded (what
 * is wrong and the command that fixes it), undefined when all load.
 */
export async function checkNativeModules(): Promise<string | undefined> {
  for (const module of NATIVE_MODULES) {
    try {
      await module.load();
    } catch (error) {
      return nativeModuleProblem(module.name, error);
    }
  }
  return undefined;
}

/**
 * Node's refusal of a binary built for another ABI reads "…was compiled against a different
 * Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires
 * NODE_MODULE_VERSION 137…" (src/node_binding.cc); anything else is a missing or broken install.
 */
export function nativeModuleProblem(name: string, error: unknown, nodeVersion = process.version): string {
  const message = error instanceof Error ? error.message : String(error);
  const versions = /NODE_MODULE_VERSION (\d+)[\s\S]*NODE_MODULE_VERSION (\d+)/.exec(message);
  if (versions) {
    return (
      `${name} was built for another version of Node.js (NODE_MODULE_VERSION ${versions[1]}; ` +
      `Node.js ${nodeVersion} needs ${versions[2]}), usually after a Node.js upgrade. ` +
      `Rebuild it for this version: \`pnpm rebuild ${name}\` (or reinstall: \`pnpm install --force\`)`
    );
  }
  const firstLine = message.split('\n')[0]?.trim() ?? '';
  return (
    `${name} could not be loaded (${firstLine}). Reinstall the dependencies with this Node.js ` +
    `(${nodeVersion}): \`pnpm install --force\`, or \`pnpm rebuild ${name}\``
  );
}
