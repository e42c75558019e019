// Shared view of the deployment for the tests: which Compose files exist, their services with the example
// environment, and which app each of our images runs.
import { basename, dirname, join } from 'node:path';
import {
  exampleOf,
  isFile,
  loadCompose,
  parseEnvExample,
  readText,
  rel,
  repoPath,
  servicesOf,
  walkFiles,
  type ComposeFile,
  type ServiceInfo,
} from '../src/index.js';

export const dockerDir = repoPath('docker');

/** Compose files: docker/compose.yaml, docker/<group>/compose.yaml, docker/servers/*.yaml. */
export function composeFiles(): string[] {
  return walkFiles(dockerDir, (p) => {
    if (!/\.ya?ml$/.test(p)) return false;
    const name = basename(p);
    return /^(docker-)?compose\.ya?ml$/.test(name) || basename(dirname(p)) === 'servers';
  });
}

/** Group compose files (the ones that define services). */
export function groupComposeFiles(): ComposeFile[] {
  return composeFiles()
    .map(loadCompose)
    .filter((f) => f.doc.services !== undefined);
}

/** Example values of a .env.example as an environment; empty secrets get a placeholder so `:?` passes. */
export function exampleEnvironment(examplePath: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of parseEnvExample(readText(examplePath))) env[entry.name] = entry.value === '' ? 'example-value' : entry.value;
  return env;
}

/** The .env.example next to a group's compose file. */
export function groupExamplePath(file: ComposeFile): string {
  return join(file.dir, '.env.example');
}

/** Every service of every group, with the app it runs when it is built from docker/<app>.Dockerfile. */
export function allServices(): (ServiceInfo & { app: string | undefined })[] {
  return groupComposeFiles().flatMap((file) =>
    servicesOf(file).map((service) => {
      const m = service.dockerfile ? /^([a-z0-9-]+)\.Dockerfile$/.exec(basename(service.dockerfile)) : null;
      return { ...service, app: m?.[1] };
    }),
  );
}

/** Dockerfiles of the repository: docker/<app>.Dockerfile. */
export function dockerfiles(): string[] {
  return walkFiles(dockerDir, (p) => p.endsWith('.Dockerfile') || basename(p) === 'Dockerfile');
}

export function exampleFor(envFile: string): string {
  const example = exampleOf(envFile);
  if (!isFile(example)) throw new Error(`${rel(envFile)} is used as env_file but ${rel(example)} does not exist`);
  return example;
}
