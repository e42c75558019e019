/** Where the repository is and how to walk it: every check reads files relative to the repository root. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: packages/deploy-checks/{src,dist}/ → ../../.. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

/** Path relative to the repository root with forward slashes, for messages. */
export function rel(path: string): string {
  return relative(repoRoot, path).split(sep).join('/');
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.next', '.turbo', 'coverage', '__fixtures__', '__tests__', 'generated']);

/** Files under `dir` (recursively) accepted by `keep`, skipping build output and dependencies. */
export function walkFiles(dir: string, keep: (path: string) => boolean): string[] {
  const found: string[] = [];
  if (!isDirectory(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) found.push(...walkFiles(path, keep));
    } else if (entry.isFile() && keep(path)) {
      found.push(path);
    }
  }
  return found.sort();
}

/** The apps of the monorepo (apps/<name>). */
export function appNames(): string[] {
  const dir = repoPath('apps');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isFile(join(dir, e.name, 'package.json')))
    .map((e) => e.name)
    .sort();
}

const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const TEST_FILE = /\.(test|spec|bench)\.[cm]?[jt]sx?$|\.d\.ts$/;

/** Production source files of an app: apps/<app>/src, without tests, fixtures or generated code. */
export function appSourceFiles(app: string): string[] {
  return walkFiles(repoPath('apps', app, 'src'), (p) => SOURCE_FILE.test(p) && !TEST_FILE.test(p));
}
