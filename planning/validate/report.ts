/**
 * @module Renderings of a validation report: an aligned text table for people, JSON for programs, and JUnit
 * XML for CI servers (Jenkins, GitLab): one test suite per plan (several plans, one file), one test case per
 * rule that passed and one failing test case per violation (named by rule, command index and time), so each shows up on its own.
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

/** A plan that could not be validated (unreadable, not a valid plan): its own test suite with one error. */
export interface UnreadablePlan {
  readonly file: string;
  readonly message: string;
  readonly problems: readonly { readonly path: string; readonly message: string }[];
}

/** The test cases of one report. */
function junitCases(r: ValidationReport): string[] {
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
  return cases;
}

/**
 * Reports as JUnit XML (the Ant/Jenkins schema most CI servers read): one `<testsuite>` per plan, in the
 * order given; a plan that could not be read is a suite with one `<error>` test case.
 */
export function reportJunit(reports: ValidationReport | readonly ValidationReport[], unreadable: readonly UnreadablePlan[] = []): string {
  const list = Array.isArray(reports) ? (reports as readonly ValidationReport[]) : [reports as ValidationReport];
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const r of list) {
    const cases = junitCases(r);
    tests += cases.length;
    failures += r.errors;
    skipped += r.warnings;
    suites.push(`  <testsuite name="${xml(r.plan)}" file="${xml(r.file)}" tests="${cases.length}" failures="${r.errors}" errors="0" skipped="${r.warnings}">`, ...cases, '  </testsuite>');
  }
  for (const u of unreadable) {
    tests += 1;
    const body = [u.message, ...u.problems.map((p) => `${p.path}: ${p.message}`)].join('\n');
    suites.push(
      `  <testsuite name="${xml(u.file)}" file="${xml(u.file)}" tests="1" failures="0" errors="1" skipped="0">`,
      `    <testcase classname="plan.load" name="${xml(u.file)}">\n      <error message="${xml(u.message)}" type="input">${xml(body)}</error>\n    </testcase>`,
      '  </testsuite>',
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="idoc plan validate" tests="${tests}" failures="${failures}" errors="${unreadable.length}" skipped="${skipped}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
