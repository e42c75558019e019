/**
 * A Dockerfile read as stages of instructions (line continuations joined, comments and parser directives
 * dropped), plus the rules every image of the platform follows: multi-stage, a non-root final user, a
 * HEALTHCHECK, a command, and no secret in ENV/ARG or copied in.
 */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): { preamble: Instruction[]; stages: Stage[] } {
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i] ?? '';
    if (/^\s*#/.test(line) || line.trim() === '') continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i] ?? '';
      if (/^\s*#/.test(next)) continue;
      line = line.replace(/\\\s*$/, ' ') + next.trim();
    }
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const instruction: Instruction = { keyword: (m[1] ?? '').toUpperCase(), args: (m[2] ?? '').trim(), line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(instruction.args);
      stages.push({ from: from?.[1] ?? '', name: from?.[2], instructions: [] });
    } else {
      const current = stages.at(-1);
      if (current) current.instructions.push(instruction);
      else preamble.push(instruction);
    }
  }
  return { preamble, stages };
}

/** Names that must never be given a value in an image (they are secrets, passed at run time). */
export const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|ENCRYPTION_KEY|(^|_)KEY$)/i;

/** A secret by its name (URLs such as OKX_WS_PRIVATE_URL are addresses, not secrets). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !/_URLS?$/.test(name);
}

/** Variable names declared by ENV (both `ENV A=1 B=2` and legacy `ENV A 1`) or ARG. */
export function declaredNames(instruction: Instruction): string[] {
  if (instruction.keyword === 'ARG') return [instruction.args.split('=')[0]?.trim() ?? ''];
  if (instruction.keyword !== 'ENV') return [];
  if (!instruction.args.includes('=')) return [instruction.args.split(/\s+/)[0] ?? ''];
  return [...instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)].map((m) => m[1] ?? '');
}

/** Sources of a COPY/ADD (everything but the destination and the --flags). */
export function copySources(instruction: Instruction): string[] {
  if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return [];
  let args = instruction.args;
  if (args.startsWith('[')) {
    const list = JSON.parse(args) as unknown;
    return Array.isArray(list) ? list.slice(0, -1).map(String) : [];
  }
  args = args.replace(/--[a-z-]+(=\S+)?\s+/g, '');
  const parts = args.split(/\s+/).filter(Boolean);
  return parts.slice(0, -1);
}

export interface DockerfileProblem {
  line: number;
  message: string;
}

const ROOT_USERS = new Set(['root', '0', '0:0', 'root:root']);

/** Every rule a Dockerfile of this repository breaks (empty when it is fine). */
export function dockerfileProblems(text: string): DockerfileProblem[] {
  const problems: DockerfileProblem[] = [];
  const { preamble, stages } = parseDockerfile(text);
  if (stages.length < 2) problems.push({ line: 1, message: `multi-stage build expected, found ${stages.length} FROM` });
  const final = stages.at(-1);
  if (final) {
    const users = final.instructions.filter((i) => i.keyword === 'USER');
    const lastUser = users.at(-1);
    if (!lastUser) problems.push({ line: 1, message: 'final stage has no USER: the container would run as root' });
    else if (ROOT_USERS.has(lastUser.args.trim().toLowerCase())) {
      problems.push({ line: lastUser.line, message: `final stage runs as root (USER ${lastUser.args})` });
    }
    const health = final.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
    if (!health) problems.push({ line: 1, message: 'final stage has no HEALTHCHECK' });
    else if (/^NONE\b/i.test(health.args)) problems.push({ line: health.line, message: 'HEALTHCHECK NONE disables the health check' });
    if (!final.instructions.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) {
      problems.push({ line: 1, message: 'final stage has no CMD or ENTRYPOINT' });
    }
  }
  for (const instruction of [...preamble, ...stages.flatMap((s) => s.instructions)]) {
    for (const name of declaredNames(instruction)) {
      if (isSecretName(name)) {
        problems.push({ line: instruction.line, message: `${instruction.keyword} ${name} looks like a secret: pass it at run time, never in the image` });
      }
    }
    for (const source of copySources(instruction)) {
      if (/(^|\/)\.env(\.(?!example$)[^/]*)?$/.test(source) || source === '.env*') {
        problems.push({ line: instruction.line, message: `${instruction.keyword} ${source} would bake an env file into the image` });
      }
    }
  }
  return problems;
}
