import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result } from 'axe-core';
import type { Page } from './browser.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The violations that make a screen unusable for someone: axe's "serious" and "critical". */
const BLOCKING = new Set(['serious', 'critical']);

/** One line per failing element, so a test failure says what to fix and where. */
function describeViolation(violation: Result): string[] {
  return violation.nodes.map(
    (node) =>
      `${violation.impact} ${violation.id}: ${node.target.join(' ')}: ${node.failureSummary ?? violation.help}`,
  );
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules plus best practices) on the page as it is now and
 * returns the serious and critical violations, described; an empty list means none.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's CSP (script-src 'self') refuses inline <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }
    ).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations.filter((v) => BLOCKING.has(v.impact ?? '')).flatMap(describeViolation);
}
