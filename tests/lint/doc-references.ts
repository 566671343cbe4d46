import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What the docs name must exist: files and folders, rule ids, cited documents. The rules a doc
 * follows so this can check it (ARCHITECTURE.md, "Tests"):
 * - A path is written in backticks or as a Markdown link. In backticks, a folder ends with `/`
 *   and a file has an extension; a path with a `/` is read from the repository's root, or from
 *   a package's folder or its `src/` (`sync/engine/room.ts` is `sync-server/src/sync/engine/room.ts`,
 *   `harness/server.ts` is `tests/harness/server.ts`); a bare file name (`room.ts`) must be the
 *   name of some file of the repository. Globs (`*`), placeholders (`<id>`), routes (`/api/…`),
 *   URLs and package names (`@scope/name`, `lib0/decoding`) are not paths, nor is what the build,
 *   the tests or the server make: under `dist/`, `.test-artifacts/` or `DATA_DIR/`, or a `.sqlite` file.
 * - A link is read from the doc's own folder, as a Markdown viewer does.
 * - A rule id is two or three capitals and a number (`UP3`); every one quoted in brackets, and
 *   every bare one with the prefix of a defined id (in code: in a comment), must be defined in
 *   docs/protocol.md.
 */

export interface Problem {
  /** The file, relative to the repository's root. */
  file: string;
  /** 1-based. */
  line: number;
  message: string;
}

export const describeProblem = (p: Problem): string => `${p.file}:${p.line}: ${p.message}`;

/** What a check needs of the repository: its files, relative to the root, with `/`. */
export interface Repository {
  root: string;
  files: readonly string[];
  /** Names of the packages the workspace depends on (their paths are not ours). */
  packages: ReadonlySet<string>;
}

const FILE_EXTENSIONS =
  /\.(ts|tsx|js|mjs|cjs|json|md|css|html|sql|sh|yml|yaml|toml|txt|svg|png|webp|ico|webmanifest)$/;
const PATH_CHARS = /^[\w.@-]+(\/[\w.@-]+)*\/?$/;
/** Made by the build, the tests or the server, not kept in the repository. */
const GENERATED = /(^|\/)(dist|\.test-artifacts)\/|^[A-Z_]+\/|\.sqlite$/;
/** Where a path written without its package is looked for, besides the root. */
const BASES = ['shared/', 'shared/src/', 'sync-server/', 'sync-server/src/', 'app/', 'app/src/', 'tests/'];

/** A backticked token that this check reads as a path, or null. */
export function pathOf(token: string, packages: ReadonlySet<string>): string | null {
  const text = token.trim();
  if (!PATH_CHARS.test(text) || text.startsWith('.') || text.startsWith('@')) return null;
  const isFolder = text.endsWith('/');
  if (!isFolder && !FILE_EXTENSIONS.test(text)) return null;
  if (GENERATED.test(text)) return null;
  const first = text.split('/')[0]!;
  if (text.includes('/') && packages.has(first)) return null;
  return text;
}

/** Whether a path written in a doc names something of the repository (see the rules above). */
export function resolves(written: string, repo: Repository): boolean {
  const isFolder = written.endsWith('/');
  const exists = (candidate: string) =>
    isFolder ? repo.files.some((file) => file.startsWith(candidate)) : repo.files.includes(candidate);
  if (!written.includes('/') || (isFolder && written.indexOf('/') === written.length - 1)) {
    if (isFolder) return repo.files.some((file) => `/${file}`.includes(`/${written}`));
    return repo.files.some((file) => file === written || file.endsWith(`/${written}`));
  }
  return ['', ...BASES].some((base) => exists(base + written));
}

const CODE_SPAN = /`([^`\n]+)`/g;
const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** The paths a Markdown file names that do not exist. */
export function checkDocPaths(file: string, text: string, repo: Repository): Problem[] {
  const problems: Problem[] = [];
  let inFence = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    for (const [, token] of line.matchAll(CODE_SPAN)) {
      const written = pathOf(token!, repo.packages);
      if (written && !resolves(written, repo))
        problems.push({
          file,
          line: index + 1,
          message: `\`${written}\` names no file or folder of the repository`,
        });
    }
    for (const [, target] of line.matchAll(LINK)) {
      if (/^([a-z]+:|#)/i.test(target!)) continue;
      const local = decodeURIComponent(target!.split('#')[0]!);
      const relative = path.posix.normalize(path.posix.join(path.posix.dirname(file), local));
      const isFolder = local.endsWith('/');
      const found = isFolder
        ? repo.files.some((f) => f.startsWith(relative))
        : repo.files.includes(relative) || existsSync(path.join(repo.root, relative));
      if (!found)
        problems.push({ file, line: index + 1, message: `link ${target} names no file of the repository` });
    }
  });
  return problems;
}

const RULE_DEFINITION = /^\*\*([A-Z]{2,3}\d+)\*\*/gm;
const BRACKETED_ID = /\[([A-Z]{2,3}\d+)\]/g;
const BARE_ID = /(?<![\w-])([A-Z]{2,3})(\d+)(?![\w-])/g;

/** The rule ids docs/protocol.md defines (`**UP3**` at the start of a line). */
export function definedRuleIds(protocolDoc: string): Set<string> {
  return new Set([...protocolDoc.matchAll(RULE_DEFINITION)].map((m) => m[1]!));
}

/**
 * Rule ids quoted in a text that docs/protocol.md does not define: any id in brackets
 * (`[UP3]`, how tests quote them), and bare ids whose prefix is a defined one's (`UP9`); bare
 * tokens of other prefixes (`ES256`, `SHA256`) are not ids.
 */
export function checkRuleIds(file: string, text: string, defined: ReadonlySet<string>): Problem[] {
  const prefixes = new Set([...defined].map((id) => id.replace(/\d+$/, '')));
  const isCode = !file.endsWith('.md');
  const problems: Problem[] = [];
  text.split('\n').forEach((line, index) => {
    const quoted = new Set<string>();
    for (const [, id] of line.matchAll(BRACKETED_ID)) quoted.add(id!);
    // In code a bare token may be a name (`SEG0`, a constant): only comments quote rules.
    const prose = isCode ? commentOf(line) : line;
    for (const [, prefix, number] of prose.matchAll(BARE_ID))
      if (prefixes.has(prefix!)) quoted.add(`${prefix}${number}`);
    for (const id of quoted)
      if (!defined.has(id))
        problems.push({ file, line: index + 1, message: `rule ${id} is not defined in docs/protocol.md` });
  });
  return problems;
}

/** The comment part of a line of code ('' when it has none); a line inside a block comment starts with `*`. */
function commentOf(line: string): string {
  const start = line.search(/\/\/|\/\*|^\s*\*/);
  return start < 0 ? '' : line.slice(start);
}

const CITED_DOC = /(?<![\w/.-])((?:docs\/)?[\w-]+\.md)\b/g;

/**
 * Documents a code comment cites (`docs/workloads.md`, `ARCHITECTURE.md`) that are not in the
 * repository: `docs/x.md` from the root, a bare `X.md` at the root or in docs/.
 */
export function checkCitedDocs(file: string, text: string, repo: Repository): Problem[] {
  const problems: Problem[] = [];
  text.split('\n').forEach((line, index) => {
    for (const [, cited] of commentOf(line).matchAll(CITED_DOC)) {
      const found = cited!.includes('/')
        ? repo.files.includes(cited!)
        : repo.files.includes(cited!) || repo.files.includes(`docs/${cited}`);
      if (!found)
        problems.push({ file, line: index + 1, message: `cites ${cited}, which is not in the repository` });
    }
  });
  return problems;
}

/** Reads a file of the repository. */
export const read = (repo: Repository, file: string): string =>
  readFileSync(path.join(repo.root, file), 'utf8');
