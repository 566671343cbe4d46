import { describe, expect, it } from 'vitest';
import { checkNativeModules, nativeModuleProblem } from './native-modules.ts';

/** Node's own text for a binary of another ABI (src/node_binding.cc), as `process.dlopen` throws it. */
const abiMismatch = Object.assign(
  new Error(
    "The module '/srv/messenjo/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
      'was compiled against a different Node.js version using\n' +
      'NODE_MODULE_VERSION 115. This version of Node.js requires\n' +
      'NODE_MODULE_VERSION 137. Please try re-compiling or re-installing\n' +
      'the module (for instance, using `npm rebuild` or `npm install`).',
  ),
  { code: 'ERR_DLOPEN_FAILED' },
);

describe('native modules at start', () => {
  it('load in this install', async () => {
    expect(await checkNativeModules()).toBeUndefined();
  });

  it('names a binary built for another Node.js version as that, with the command that fixes it', () => {
    const line = nativeModuleProblem('better-sqlite3', abiMismatch, 'v24.1.0');
    expect(line).toContain('better-sqlite3 was built for another version of Node.js');
    expect(line).toContain('NODE_MODULE_VERSION 115; Node.js v24.1.0 needs 137');
    expect(line).toContain('pnpm rebuild better-sqlite3');
    expect(line).not.toContain('DATA_DIR');
    expect(line).not.toContain('\n');
  });

  it('says a module that cannot be loaded at all should be reinstalled', () => {
    const line = nativeModuleProblem('sharp', new Error("Cannot find module 'sharp'\nRequire stack: …"));
    expect(line).toBe(
      `sharp could not be loaded (Cannot find module 'sharp'). Reinstall the dependencies with this Node.js (${process.version}): \`pnpm install --force\`, or \`pnpm rebuild sharp\``,
    );
  });
});
