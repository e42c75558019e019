/** Command line of `npm run soak -- …`; a bad flag is an error naming it. */
export interface SoakArgs {
  minutes: number;
  seed: number;
  paper: number;
  live: number;
  /** Faults per minute of trading (at least one of each kind is always injected). */
  faultsPerMinute: number;
  writeDoc: string | null;
  json: string | null;
  keepDatabase: boolean;
  logDir: string | null;
  postgresUrl: string;
}

const USAGE = 'usage: npm run soak -- [--minutes N] [--seed S] [--paper N] [--live N] [--faults-per-minute N] [--write-doc FILE] [--json FILE] [--log-dir DIR] [--keep-db] [--postgres URL]';

export function parseArgs(argv: string[], defaultSeed: number): SoakArgs {
  const args: SoakArgs = {
    minutes: 1,
    seed: defaultSeed,
    paper: 50,
    live: 5,
    faultsPerMinute: 6,
    writeDoc: null,
    json: null,
    keepDatabase: false,
    logDir: null,
    postgresUrl: process.env.SOAK_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag ?? ''}: needs a value (${USAGE})`);
      return v;
    };
    const number = (min: number, integer: boolean) => {
      const raw = value();
      const n = Number(raw);
      if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new Error(`${flag ?? ''}: must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${raw}"`);
      return n;
    };
    switch (flag) {
      case '--minutes':
        args.minutes = number(0.5, false);
        break;
      case '--seed':
        args.seed = number(0, true);
        break;
      case '--paper':
        args.paper = number(0, true);
        break;
      case '--live':
        args.live = number(0, true);
        break;
      case '--faults-per-minute':
        args.faultsPerMinute = number(0, false);
        break;
      case '--write-doc':
        args.writeDoc = value();
        break;
      case '--json':
        args.json = value();
        break;
      case '--log-dir':
        args.logDir = value();
        break;
      case '--postgres':
        args.postgresUrl = value().replace(/\/+$/, '');
        break;
      case '--keep-db':
        args.keepDatabase = true;
        break;
      case undefined:
      default:
        throw new Error(`unknown argument "${flag ?? ''}" (${USAGE})`);
    }
  }
  return args;
}
