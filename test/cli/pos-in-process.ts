import { vi } from 'vitest';
import { main } from '../../tools/cli/dispatch.js';

/** Runs `pos` in-process and collects what it printed (stdout split into lines). */
export async function pos(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out: out.join('\n').split('\n'), err };
}
