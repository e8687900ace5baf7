import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImageFlash, IMAGE_HEADER_BYTES } from '../../firmware/drivers/flash/file-image.js';
import { openJournal } from '../../firmware/journal/open-journal.js';
import { APPROVAL, TEST_KEY, sale, seededIvs } from './sample-transactions.js';

const run = promisify(execFile);
const geometry = { size: 8 * 4096, sectorSize: 4096, programUnit: 16 };
let dir: string;
let image: string;
let keyFile: string;

async function inspector(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'tools/journal-inspector/main.ts', ...args]);
    return { stdout, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; code: number };
    return { stdout: failed.stdout, code: failed.code };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-inspector-'));
  image = join(dir, 'journal.img');
  keyFile = join(dir, 'device.key');
  await writeFile(keyFile, Buffer.from(TEST_KEY).toString('hex') + '\n', { mode: 0o600 });
  const flash = await FileImageFlash.open({ path: image, ...geometry });
  const journal = await openJournal(flash, { deviceKey: TEST_KEY, randomBytes: seededIvs() });
  await journal.raiseCounter('batch', 3);
  await journal.takeCounter('stan');
  await journal.begin(sale(1, { batchNo: 3 }));
  await journal.approve(1, APPROVAL);
  await journal.printed(1);
  await journal.begin(sale(2, { batchNo: 3, amountFen: 1234 }));
  await journal.requireReversal(2, '98');
  await journal.begin(sale(3, { batchNo: 3 }));
  await journal.requireReversal(3, 'A0');
  await journal.reversalTried(3, 3);
  await journal.reversalFailed(3);
  await flash.close();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('journal inspector', () => {
  it('inspect lists reversals, unsettled transactions with masked PANs, counters, capacity and wear, and never writes', async () => {
    const before = await readFile(image);
    const { mtimeMs } = await stat(image);
    const { stdout, code } = await inspector('inspect', image, '--key-file', keyFile);
    expect(code).toBe(0);
    expect(stdout).toContain('counters: STAN 1, voucher 0, batch 3');
    expect(stdout).toMatch(/pending reversals: 1\n {2}STAN 000002 .* reversal-pending 12\.34 card 622202\*{9}0123 reason 98 tries 0/);
    expect(stdout).toMatch(/failed reversals \(manual handling\): 1\n {2}STAN 000003 .* reason A0 tries 3/);
    expect(stdout).toMatch(/unsettled transactions: 1\n {2}STAN 000001 .* approved 88\.00 card 622202\*{9}0123 printed/);
    expect(stdout).toMatch(/capacity: \d+ more transactions/);
    expect(stdout).toMatch(/ {2}0 active {2}erases 0 seq 1 records 11\n/);
    expect(stdout).not.toContain('6222021234567890123');
    expect(await readFile(image)).toEqual(before);
    expect((await stat(image)).mtimeMs).toBe(mtimeMs);
  });

  it('inspect --json without a key shows PANs as sealed', async () => {
    const { stdout } = await inspector('inspect', image, '--json');
    const report = JSON.parse(stdout) as { reversalsPending: { pan: string; stan: number }[]; sectors: { eraseCount?: number }[] };
    expect(report.reversalsPending.map((r) => [r.stan, r.pan])).toEqual([[2, 'sealed']]);
    expect(report.sectors).toHaveLength(8);
  });

  it('verify passes a good image and fails, naming the sector, when a record is corrupted', async () => {
    expect((await inspector('verify', image)).code).toBe(0);
    const bad = join(dir, 'bad.img');
    const bytes = await readFile(image);
    bytes[IMAGE_HEADER_BYTES + 32 + 40] ^= 0x10;
    await writeFile(bad, bytes);
    const { stdout, code } = await inspector('verify', bad, '--json');
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as { problems: string[] }).problems[0]).toMatch(/^sector 0: \d+ program units fail their frame CRC/);
  });

  it('rejects usage errors and files that are not images', async () => {
    expect((await inspector('frobnicate', image)).code).toBe(2);
    expect((await inspector('inspect', keyFile)).code).toBe(2);
  });
});
