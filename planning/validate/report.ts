/**
 * @module Renderings of a validation report: an aligned text table for people, JSON for programs, and JUnit
 * XML for CI servers (Jenkins, GitLab): one test suite per plan, one test case per rule that passed and one
 * failing test case per violation (named by rule, command index and time), so each shows up on its own.
 */
import type { ValidationReport } from './validate.js';

/** The report as a text table with a summary line. */
export function reportText(r: ValidationReport): string {
  const head = `${r.file}: plan ${r.plan}, ${r.commands} commands, ${r.rules.length} rules`;
  if (!r.violations.length) return `${head}: no violations\n`;
  const rows = r.violations.map((v) => [v.rule, v.index === null ? '-' : String(v.index), v.time ?? '-', v.command ?? '-', v.severity === 'warning' ? `warning: ${v.message}` : v.message]);
  const titles = ['RULE', 'INDEX', 'TIME', 'COMMAND', 'MESSAGE'];
  const widths = titles.map((t, k) => Math.max(t.length, ...rows.map((row) => row[k]!.length)));
  const line = (cells: string[]) => cells.map((c, k) => (k === cells.length - 1 ? c : c.padEnd(widths[k]!))).join('  ');
  const out = [line(titles), ...rows.map(line)];
  out.push('', `${head}: ${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}

/** The report as JSON text. */
export const reportJson = (r: ValidationReport): string => `${JSON.stringify(r, null, 2)}\n`;

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    // XML 1.0 forbids most control characters even as references.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '?');

/** The report as JUnit XML (the Ant/Jenkins schema most CI servers read). */
export function reportJunit(r: ValidationReport): string {
  const cases: string[] = [];
  for (const rule of r.rules) {
    const vs = r.violations.filter((v) => v.rule === rule.id);
    if (!vs.length) {
      cases.push(`    <testcase classname="plan.${xml(rule.kind)}" name="${xml(rule.id)}"/>`);
      continue;
    }
    for (const v of vs) {
      const name = `${rule.id}${v.index === null ? '' : ` command ${v.index}`}${v.time ? ` at ${v.time}` : ''}`;
      const tag = v.severity === 'warning' ? 'skipped' : 'failure';
      const body = `${v.command ?? ''} ${v.time ?? ''}\n${v.message}`.trim();
      cases.push(`    <testcase classname="plan.${xml(rule.kind)}" name="${xml(name)}">\n      <${tag} message="${xml(v.message)}" type="${xml(v.messageId)}">${xml(body)}</${tag}>\n    </testcase>`);
    }
  }
  const tests = cases.length;
  const skipped = r.warnings;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="idoc plan validate" tests="${tests}" failures="${r.errors}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${xml(r.plan)}" file="${xml(r.file)}" tests="${tests}" failures="${r.errors}" errors="0" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
