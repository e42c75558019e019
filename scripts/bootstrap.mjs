#!/usr/bin/env node
// The README's two commands start here: `npm start` and `npm test` (and `npm run bench`).
// Node built-ins only, because on a fresh clone nothing else is installed yet: it installs the dependencies
// from the lockfile when they are missing or stale, makes sure the services answer, then hands over.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const command = process.argv[2] ?? 'help';
const passThrough = process.argv.slice(3);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
  DO_NOT_TRACK: '1',
};

function log(message) {
  process.stdout.write(`[bootstrap] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`\n[bootstrap] ERROR: ${message}\n\n`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.error) fail(`${cmd} ${args.join(' ')}: ${result.error.message}`);
  return result.status ?? 1;
}

function runOrFail(cmd, args, options = {}) {
  const status = run(cmd, args, options);
  if (status !== 0) fail(`\`${cmd} ${args.join(' ')}\` exited with ${status}`);
}

function which(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).stdout.trim() || null;
}

// ---------------------------------------------------------------- Node and dependencies

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) fail(`Node ${process.versions.node} is too old: install Node 20.19+.`);
}

function ensureDependencies() {
  const lockPath = join(root, 'package-lock.json');
  const stampPath = join(root, 'node_modules', '.bootstrap-lock-hash');
  const lockHash = existsSync(lockPath) ? createHash('sha256').update(readFileSync(lockPath)).digest('hex') : 'none';
  const installed = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
  const haveModules = existsSync(join(root, 'node_modules', '.package-lock.json'));
  if (haveModules && installed === lockHash) return;
  log(existsSync(lockPath) ? 'installing dependencies from the lockfile (npm ci)…' : 'installing dependencies…');
  runOrFail('npm', [existsSync(lockPath) ? 'ci' : 'install', '--no-audit', '--no-fund']);
  writeFileSync(stampPath, lockHash);
}

// ---------------------------------------------------------------- services

function tcpAnswers(host, port, probe, expect, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let answered = false;
    let buffer = '';
    const done = (ok) => {
      if (answered) return;
      answered = true;
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('connect', () => {
      if (probe) socket.write(probe);
      else done(true);
    });
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      if (expect.test(buffer)) done(true);
    });
  });
}

async function waitFor(check, what, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function aptInstall(pkg) {
  if (!isRoot || !which('apt-get')) return false;
  log(`installing Debian package ${pkg}…`);
  if (run('apt-get', ['update', '-qq']) !== 0) return false;
  return run('apt-get', ['install', '-y', '-qq', pkg], { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } }) === 0;
}

function redisTarget() {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return { host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) };
}

async function ensureRedis() {
  const { host, port } = redisTarget();
  const ping = () => tcpAnswers(host, port, 'PING\r\n', /\+PONG|-NOAUTH|-ERR/);
  if (await ping()) return;
  if (host !== '127.0.0.1' && host !== 'localhost') fail(`Redis does not answer at ${host}:${port} (REDIS_URL).`);
  if (!which('redis-server') && !aptInstall('redis-server')) {
    fail('Redis is not installed and could not be installed. Run: sudo apt-get install -y redis-server');
  }
  log(`starting redis-server on 127.0.0.1:${port}…`);
  const logDir = existsSync('/var/log/redis') ? '/var/log/redis' : join(root, 'data');
  mkdirSync(logDir, { recursive: true });
  run('redis-server', [
    '--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no',
    '--logfile', join(logDir, `redis-${port}.log`),
  ]);
  if (!(await waitFor(ping, 'redis', 10))) fail(`redis-server did not answer on 127.0.0.1:${port}; see ${logDir}/redis-${port}.log`);
}

function postgresTarget() {
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  return { host: url.hostname, port: Number(url.port || 5432) };
}

async function ensurePostgres() {
  const { host, port } = postgresTarget();
  // An SSLRequest packet: any PostgreSQL server answers it with one byte, S or N.
  const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
  const probe = () => tcpAnswers(host, port, sslRequest, /^[SN]/);
  if (await probe()) return;
  if (!existsSync('/etc/postgresql') && !aptInstall('postgresql')) {
    fail('PostgreSQL is not installed and could not be installed. Run: sudo apt-get install -y postgresql');
  }
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (versions.length === 0) fail('PostgreSQL is installed but has no cluster under /etc/postgresql.');
  log(`starting PostgreSQL ${versions[0]}/main…`);
  run('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start']);
  if (!(await waitFor(probe, 'postgres', 20))) {
    fail(`PostgreSQL does not answer on ${host}:${port}. Start it: pg_ctlcluster --skip-systemctl-redirect ${versions[0]} main start`);
  }
  const psql = (sql) => spawnSync('psql', ['-h', host, '-p', String(port), '-U', 'postgres', '-tAc', sql], { encoding: 'utf8' });
  if (!psql("select 1 from pg_database where datname='test'").stdout.includes('1')) psql('create database test');
}

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  if (aptInstall('chromium') && existsSync(path)) return path;
  log(`WARNING: no Chromium at ${path}; browser tests will fail. Run: sudo apt-get install -y chromium`);
  return null;
}

// ---------------------------------------------------------------- commands

async function test() {
  checkNode();
  ensureDependencies();
  await ensureRedis();
  await ensurePostgres();
  ensureChromium();
  log('build, lint and typecheck every workspace (turbo)…');
  runOrFail('npx', ['turbo', 'run', 'build', 'lint', 'typecheck', '--output-logs=errors-only']);
  mkdirSync(join(root, 'test-output'), { recursive: true });
  const jsonReport = join(root, 'test-output', 'vitest.json');
  log('running every test (vitest, all workspaces)…');
  const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonReport}`, ...passThrough]);
  if (existsSync(jsonReport)) {
    const report = JSON.parse(readFileSync(jsonReport, 'utf8'));
    const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    process.stdout.write(`\ntests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped\n`);
    if (report.numTotalTests === 0) fail('no test ran');
  }
  process.exit(status);
}

async function bench() {
  checkNode();
  ensureDependencies();
  await ensureRedis();
  await ensurePostgres();
  runOrFail('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']);
  // Figures of this run only: the benches write bench-results/<workspace>.json, compared below with the baseline.
  rmSync(join(root, 'bench-results'), { recursive: true, force: true });
  const benchArgs = passThrough.filter((arg) => arg !== '--update-baseline');
  const status = run('npx', ['turbo', 'run', 'bench', '--concurrency=1', '--output-logs=full', ...benchArgs]);
  // Ratios vs docs/benchmarks-baseline.json with WARN lines; never changes the exit status (timing is noisy).
  run(process.execPath, [join(root, 'scripts', 'bench-compare.mjs'), ...(passThrough.includes('--update-baseline') ? ['--update-baseline'] : [])]);
  process.exit(status);
}

async function start() {
  checkNode();
  ensureDependencies();
  await ensureRedis();
  runOrFail('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']);
  const launcher = join(root, 'scripts', 'platform.mjs');
  const child = spawn(process.execPath, [launcher, ...passThrough], { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 0)));
}

const commands = { test, bench, start };
const selected = commands[command];
if (!selected) fail(`usage: node scripts/bootstrap.mjs <${Object.keys(commands).join('|')}>`);
await selected();
