import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const committedDir = join(packageDir, 'src/generated');
const scratchDir = mkdtempSync(join(tmpdir(), 'shared-types-gen-'));

describe('generated code', () => {
  afterAll(() => {
    rmSync(scratchDir, { recursive: true, force: true });
  });

  it('is what schemas/ generates today (run `npm run generate` when this fails)', () => {
    execFileSync(process.execPath, ['--import', 'tsx', join(packageDir, 'scripts/generate.ts'), scratchDir], {
      cwd: packageDir,
      stdio: 'pipe',
    });
    const committed = readdirSync(committedDir).sort();
    expect(readdirSync(scratchDir).sort()).toEqual(committed);
    for (const file of committed) {
      expect(readFileSync(join(scratchDir, file), 'utf8'), file).toBe(readFileSync(join(committedDir, file), 'utf8'));
    }
  }, 60_000);
});
