/**
 * Small lexical helpers over TypeScript/JavaScript source text, enough to find object literals and their keys
 * without a parser: comments and strings are masked first, so braces or keys inside them never count.
 */

/** The text with comments and string/template contents replaced by spaces (same length, same offsets). */
export function maskCommentsAndStrings(text: string): string {
  const out = text.split('');
  let i = 0;
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && regexCanStart(text, i)) {
      // A regex literal: /…/flags. Its body may hold quotes, '//' or brackets that must not count.
      let k = i + 1;
      let inClass = false;
      while (k < text.length && text[k] !== '\n') {
        const d = text[k];
        if (d === '\\') k++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        k++;
      }
      blank(i + 1, Math.min(k, text.length));
      i = k + 1;
    } else if (c === "'" || c === '"' || c === '`') {
      let k = i + 1;
      while (k < text.length && text[k] !== c) {
        if (text[k] === '\\') k++;
        else if (c !== '`' && text[k] === '\n') break;
        k++;
      }
      blank(i + 1, Math.min(k, text.length));
      i = k + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** True when a '/' at `index` starts a regex literal rather than a division (judged by the token before it). */
function regexCanStart(text: string, index: number): boolean {
  let k = index - 1;
  while (k >= 0 && /\s/.test(text[k] ?? '')) k--;
  if (k < 0) return true;
  const prev = text[k] ?? '';
  if ('(,=:[!&|?{};+-*%<>~^'.includes(prev)) return true;
  const word = /[A-Za-z_$][\w$]*$/.exec(text.slice(Math.max(0, k - 10), k + 1))?.[0];
  return word !== undefined && ['return', 'typeof', 'case', 'of', 'in', 'delete', 'void', 'throw', 'new', 'else', 'do'].includes(word);
}

const OPEN: Record<string, string> = { '{': '}', '(': ')', '[': ']' };
const CLOSE = new Set(['}', ')', ']']);

/** Index of the bracket closing the one at `openIndex` in masked text, or -1. */
export function matchBracket(masked: string, openIndex: number): number {
  let depth = 0;
  for (let i = openIndex; i < masked.length; i++) {
    const c = masked[i] ?? '';
    if (c in OPEN) depth++;
    else if (CLOSE.has(c)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Index of the innermost `{` that encloses `index` in masked text, or -1. */
export function enclosingBrace(masked: string, index: number): number {
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    const c = masked[i] ?? '';
    if (CLOSE.has(c)) depth++;
    else if (c in OPEN) {
      if (depth === 0) return c === '{' ? i : -1;
      depth--;
    }
  }
  return -1;
}

/** Keys written directly inside the object literal spanning [open, close] (not keys of nested objects). */
export function topLevelKeys(original: string, masked: string, open: number, close: number): { key: string; index: number }[] {
  const keys: { key: string; index: number }[] = [];
  let depth = 0;
  let expectKey = true;
  for (let i = open + 1; i < close; i++) {
    const c = masked[i] ?? '';
    if (c in OPEN) {
      depth++;
      expectKey = false;
      continue;
    }
    if (CLOSE.has(c)) {
      depth--;
      continue;
    }
    if (depth !== 0) continue;
    if (c === ',') {
      expectKey = true;
      continue;
    }
    if (!expectKey || /\s/.test(c)) continue;
    // A key: identifier or quoted string, followed by ':' (a shorthand or spread is not an env key).
    const rest = original.slice(i, close);
    const match = /^(?:([A-Za-z_$][\w$]*)|'([^']*)'|"([^"]*)")\s*:/.exec(rest);
    if (match) keys.push({ key: match[1] ?? match[2] ?? match[3] ?? '', index: i });
    expectKey = false;
  }
  return keys;
}

/** 1-based line number of an offset, for messages. */
export function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
