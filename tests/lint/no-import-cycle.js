// @ts-check
import path from 'node:path';
import ts from 'typescript';

/**
 * Fails on an import that closes a cycle between our own modules, type-only imports included
 * (`import type` cycles tangle modules just as well, and eslint-plugin-import-x's no-cycle skips
 * them). It reads the TypeScript program the type-aware lint has built anyway: the import graph of
 * the whole program is built once per program, its strongly connected components found once, and
 * each file only asks whether an import's target shares its component — a few milliseconds for
 * the whole repository.
 *
 * Option `allow`: pairs of absolute file paths whose imports of each other are left out of the
 * graph (each pair names the issue that removes it).
 */

/** @typedef {{ component: Map<string, number>, edges: Map<string, Set<string>> }} ImportGraph */

/** @type {WeakMap<ts.Program, Map<string, ImportGraph>>} */
const graphsByProgram = new WeakMap();

/** @param {ts.SourceFile} file @returns {ts.Expression[]} */
function moduleSpecifiers(file) {
  /** @type {ts.Expression[]} */
  const specifiers = [];
  for (const statement of file.statements) {
    if (
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier
    ) {
      specifiers.push(statement.moduleSpecifier);
    } else if (
      ts.isImportEqualsDeclaration(statement) &&
      ts.isExternalModuleReference(statement.moduleReference)
    ) {
      specifiers.push(statement.moduleReference.expression);
    }
  }
  return specifiers;
}

/** The file an import names, when it is one of ours (not a package, not a declaration file). */
function ownTarget(/** @type {ts.TypeChecker} */ checker, /** @type {ts.Expression} */ specifier) {
  const declaration = checker.getSymbolAtLocation(specifier)?.declarations?.find(ts.isSourceFile);
  if (!declaration || declaration.isDeclarationFile) return undefined;
  const fileName = path.resolve(declaration.fileName);
  return fileName.includes(`${path.sep}node_modules${path.sep}`) ? undefined : fileName;
}

/** @param {string} a @param {string} b */
const pairKey = (a, b) => (a < b ? `${a}\n${b}` : `${b}\n${a}`);

/** @param {ts.Program} program @param {Set<string>} allowed @returns {ImportGraph} */
function buildGraph(program, allowed) {
  const checker = program.getTypeChecker();
  /** @type {Map<string, Set<string>>} */
  const edges = new Map();
  for (const file of program.getSourceFiles()) {
    const from = path.resolve(file.fileName);
    if (file.isDeclarationFile || from.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const targets = new Set();
    for (const specifier of moduleSpecifiers(file)) {
      const to = ownTarget(checker, specifier);
      if (to && to !== from && !allowed.has(pairKey(from, to))) targets.add(to);
    }
    edges.set(from, targets);
  }
  // Tarjan's strongly connected components, iteratively (no recursion limit on deep graphs).
  /** @type {Map<string, number>} */ const index = new Map();
  /** @type {Map<string, number>} */ const low = new Map();
  /** @type {Map<string, number>} */ const component = new Map();
  /** @type {string[]} */ const stack = [];
  const onStack = new Set();
  let counter = 0;
  let components = 0;
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    /** @type {{ node: string, next: Iterator<string> }[]} */
    const work = [{ node: root, next: (edges.get(root) ?? new Set()).values() }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = /** @type {{ node: string, next: Iterator<string> }} */ (work[work.length - 1]);
      const step = frame.next.next();
      if (!step.done) {
        const to = step.value;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: (edges.get(to) ?? new Set()).values() });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(Number(low.get(frame.node)), Number(index.get(to))));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(Number(low.get(parent.node)), Number(low.get(frame.node))));
      if (low.get(frame.node) === index.get(frame.node)) {
        let member;
        do {
          member = /** @type {string} */ (stack.pop());
          onStack.delete(member);
          component.set(member, components);
        } while (member !== frame.node);
        components++;
      }
    }
  }
  return { component, edges };
}

/** The shortest way back from `start` to `goal` inside their component, for the message. */
function pathBack(/** @type {ImportGraph} */ graph, /** @type {string} */ start, /** @type {string} */ goal) {
  const wanted = graph.component.get(goal);
  /** @type {Map<string, string>} */
  const cameFrom = new Map();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length > 0) {
    const node = /** @type {string} */ (queue.shift());
    if (node === goal) break;
    for (const next of graph.edges.get(node) ?? []) {
      if (seen.has(next) || graph.component.get(next) !== wanted) continue;
      seen.add(next);
      cameFrom.set(next, node);
      queue.push(next);
    }
  }
  const route = [goal];
  for (let node = cameFrom.get(goal); node !== undefined; node = cameFrom.get(node)) route.unshift(node);
  return route;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports (type-only ones included) that close a cycle between our modules' },
    schema: [
      {
        type: 'object',
        properties: {
          allow: {
            type: 'array',
            items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: { cycle: 'Import cycle: {{route}}' },
  },
  create(context) {
    const program = context.sourceCode.parserServices?.program;
    const toTs = context.sourceCode.parserServices?.esTreeNodeToTSNodeMap;
    if (!program || !toTs) return {};
    /** @type {string[][]} */
    const allowPairs = context.options[0]?.allow ?? [];
    const allowKey = allowPairs
      .map(([a = '', b = '']) => pairKey(path.resolve(a), path.resolve(b)))
      .join('|');
    let byAllow = graphsByProgram.get(program);
    if (!byAllow) graphsByProgram.set(program, (byAllow = new Map()));
    let graph = byAllow.get(allowKey);
    if (!graph) {
      const allowed = new Set(
        allowPairs.map(([a = '', b = '']) => pairKey(path.resolve(a), path.resolve(b))),
      );
      byAllow.set(allowKey, (graph = buildGraph(program, allowed)));
    }
    const ownGraph = graph;
    const self = path.resolve(context.physicalFilename);
    const ownComponent = ownGraph.component.get(self);
    if (ownComponent === undefined) return {};
    const checker = program.getTypeChecker();
    const root = path.resolve(context.cwd);

    /** @param {{ source?: unknown }} node an import or export declaration */
    function check(node) {
      if (!node.source) return;
      const specifier = /** @type {ts.Expression} */ (toTs.get(/** @type {never} */ (node.source)));
      const target = ownTarget(checker, specifier);
      if (!target || target === self || ownGraph.component.get(target) !== ownComponent) return;
      if (!ownGraph.edges.get(self)?.has(target)) return; // an allowed pair
      const route = [self, ...pathBack(ownGraph, target, self)].map((file) => path.relative(root, file));
      const at = /** @type {import('eslint').Rule.Node} */ (node.source);
      context.report({ node: at, messageId: 'cycle', data: { route: route.join(' → ') } });
    }

    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
