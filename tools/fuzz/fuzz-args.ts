/** Command-line options of the fuzzers: --iterations <N> [--seed <S>] [--hang-ms <ms>]. */
export interface FuzzArgs {
  iterations: number;
  seed: number;
  hangMs: number;
}

export function parseFuzzArgs(argv: readonly string[], defaultSeed: number): FuzzArgs {
  const options: FuzzArgs = { iterations: 100_000, seed: defaultSeed, hangMs: 50 };
  const keys: Record<string, keyof FuzzArgs> = { '--iterations': 'iterations', '--seed': 'seed', '--hang-ms': 'hangMs' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!;
    const key = keys[name];
    if (key === undefined) throw new Error(`unknown option ${name}; use --iterations <N> [--seed <S>] [--hang-ms <ms>]`);
    const value = argv[i + 1];
    const number = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isSafeInteger(number) || number < 0) {
      throw new Error(`${name} needs a non-negative integer, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    }
    options[key] = number;
  }
  return options;
}
