import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { storeMasterKey } from '../../firmware/security/master-key-loading.js';
import { UsageError, type Command } from './command.js';

export const keysCommand: Command = {
  usage: `pos keys load-tmk <file|-> [--kcv <hex>] [--state-dir <dir>] [--owner <user>]

Reads the TMK as hex (16, 32 or 48 digits; whitespace and # comment lines ignored) from <file>, or
from standard input with "-" (nothing left on disk but the stored key), checks it and stores it as
<state-dir>/master.key (default $POS_STATE_DIR or /var/lib/pos-terminal), mode 0600, owned by
--owner (default pos, when that user exists). Prints the key check value (KCV), never the key.
Refuses, storing nothing: a key whose KCV differs from --kcv (the one the ceremony printed), and a
weak key (all zeros, one byte repeated, repeated halves or thirds, a DES weak key).`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { kcv: { type: 'string' }, 'state-dir': { type: 'string' }, owner: { type: 'string' } },
    });
    const [action, source, ...extra] = positionals;
    if (action !== 'load-tmk') throw new UsageError('say what to do: pos keys load-tmk <file|->');
    if (!source) throw new UsageError('give the key file, or - to read the key from standard input: pos keys load-tmk -');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const stateDir = values['state-dir'] ?? process.env.POS_STATE_DIR ?? '/var/lib/pos-terminal';
    const text = source === '-' ? readFileSync(0, 'utf8') : readFileSync(source, 'utf8');
    const ownerName = values.owner ?? 'pos';
    const owner = lookUpUser(ownerName);
    if (!owner && values.owner !== undefined) throw new UsageError(`user ${ownerName} does not exist here; create it (deploy does) or leave out --owner`);
    const loaded = storeMasterKey(text, source === '-' ? 'standard input' : source, {
      stateDir,
      ...(values.kcv !== undefined ? { expectedCheckValue: values.kcv } : {}),
      ...(owner ? { owner } : {}),
    });
    console.log(`master key stored: ${loaded.file} (${loaded.lengthName} length, mode 0600${owner ? `, owner ${ownerName}` : ''})`);
    console.log(`KCV ${loaded.checkValue}`);
    return 0;
  },
};

/** uid and gid of `name`, or undefined when there is no such user (a development machine). */
function lookUpUser(name: string): { uid: number; gid: number } | undefined {
  if (!/^[a-z_][a-z0-9_-]*$/i.test(name)) throw new UsageError(`--owner ${name} is not a user name`);
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}
