/**
 * Parses a .env.example: the variables it defines (uncommented `NAME=value` lines), their example values,
 * and whether each is documented by a comment in its paragraph (the block of lines since the last blank line).
 * A commented-out `# NAME=` is documentation of a planned variable, not a definition.
 */
export interface EnvExampleEntry {
  name: string;
  value: string;
  line: number;
  documented: boolean;
}

export function parseEnvExample(text: string): EnvExampleEntry[] {
  const entries: EnvExampleEntry[] = [];
  let paragraphHasComment = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') {
      paragraphHasComment = false;
      return;
    }
    if (line.startsWith('#')) {
      paragraphHasComment = true;
      return;
    }
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m) throw new Error(`line ${i + 1} is neither a comment nor NAME=value: ${raw}`);
    entries.push({ name: m[1] ?? '', value: unquote((m[2] ?? '').trim()), line: i + 1, documented: paragraphHasComment });
  });
  return entries;
}

function unquote(value: string): string {
  const m = /^(['"])(.*)\1$/.exec(value);
  return m ? (m[2] ?? '') : value;
}
