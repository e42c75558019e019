/** The result table, as Markdown (printed to the terminal and written into docs/reliability.md). */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Row } from './reconcile.js';

export interface ReportHeader {
  command: string;
  seed: number;
  minutes: number;
  date: string;
  schedule: string[];
  notes: string[];
}

export function renderTable(rows: Row[]): string {
  const lines = ['| check | result | bound | |', '|---|---|---|---|'];
  for (const row of rows) {
    const verdict = row.ok === null ? '' : row.ok ? 'ok' : '**FAIL**';
    lines.push(`| ${row.name} | ${row.value.replaceAll('|', '\\|')} | ${row.limit} | ${verdict} |`);
  }
  return lines.join('\n');
}

export function renderReport(header: ReportHeader, rows: Row[]): string {
  return [
    `Run of ${header.date}: \`${header.command}\` (seed ${header.seed}, ${header.minutes} min of trading)`,
    '',
    renderTable(rows),
    '',
    'Faults injected (offsets from the start of trading):',
    '',
    ...header.schedule.map((s) => `- ${s}`),
    ...(header.notes.length > 0 ? ['', ...header.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

export const RESULT_START = '<!-- soak-result:start -->';
export const RESULT_END = '<!-- soak-result:end -->';

/** Replaces the block between the result markers of `file` (appends one when there is none). */
export function writeResult(file: string, report: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Reliability\n';
  }
  const block = `${RESULT_START}\n${report}\n${RESULT_END}`;
  const a = text.indexOf(RESULT_START);
  const b = text.indexOf(RESULT_END);
  const next = a >= 0 && b > a ? `${text.slice(0, a)}${block}${text.slice(b + RESULT_END.length)}` : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
