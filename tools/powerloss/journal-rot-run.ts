import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';
import { invokeJournal } from '../../firmware/journal/journal-call.js';
import type { FlashJournal } from '../../firmware/journal/flash-journal.js';
import { advanceCountersAtMount, openJournal } from '../../firmware/journal/open-journal.js';
import type { ScannedFrame } from '../../firmware/journal/log-scan.js';
import { decodeRecord, type JournalRecord } from '../../firmware/journal/record-codec.js';
import { replayImage, type Replay } from '../../firmware/journal/replay.js';
import { JournalState } from '../../firmware/journal/journal-state.js';
import { dataEnd, dataStart, headerSlotBytes } from '../../firmware/journal/sector-header.js';
import { applyCall, canonical, emptyModel } from './journal-model.js';
import { generatedDay, resolveStep } from './journal-workload.js';

/**
 * The bit-rot sweep (issue 10): images holding a realistic day (owed reversals of every reason, one
 * GC has carried forward, an interrupted request, an approved sale whose receipt never printed, a
 * wrapped ring), mutated one way at a time: every bit of every sector's header and retire slots,
 * random single bits elsewhere, random bytes, whole program units, whole 256-byte pages. Each
 * mutant is replayed as mount replays it and compared with the clean image:
 * - silent loss: a live transaction changed, lost or brought back although the damage touched
 *   none of its records' copies, and mount reported nothing;
 * - STAN rollback: the STAN or voucher counter is behind the clean image's;
 * - crash: replay threw; hang: one mutant took over 5 s.
 * Every 25th header mutant is also mounted for real, written to (takeCounter: GC, orphan rescue,
 * retire-slot fallback) and mounted again.
 */
export interface RotOptions {
  geometry: { size: number; sectorSize: number; programUnit: number };
  seed: number;
  transactions: number;
  randomBits: number;
  randomBytes: number;
  units: number;
  pages: number;
  /** Only every n-th header bit (1 = all). */
  headerStride?: number;
}

export interface RotResult {
  mutants: number;
  silentLosses: number;
  stanRollbacks: number;
  crashes: number;
  hangs: number;
  reported: number;
  /** A record whose own bytes were hit was lost with no report (a rotted last frame reads as a torn write). */
  unreportedTouched: number;
  examples: string[];
  gcCopies: number;
}

const DEVICE_KEY = new Uint8Array(32).fill(0x33);
const HANG_MS = 5000;

interface Protected {
  image: Uint8Array;
  /** Transaction id -> canonical stored transaction. */
  transactions: Map<number, string>;
  /** Transaction id -> byte ranges of every copy of every one of its records. */
  ranges: Map<number, [number, number][]>;
  counters: { stan: number; voucher: number };
}

export async function buildRotImage(options: RotOptions): Promise<{ image: Uint8Array; gcCopies: number }> {
  const flash = new SimulatedNorFlash({ ...options.geometry, seed: options.seed });
  const random = new SeededRandom(options.seed);
  const mount = (): Promise<FlashJournal> => openJournal(flash, { deviceKey: DEVICE_KEY, randomBytes: (n) => random.bytes(n) });
  let journal = await mount();
  let model = emptyModel();
  let gcCopies = 0;
  const run = async (steps: ReturnType<typeof generatedDay>): Promise<void> => {
    for (const step of steps) {
      const call = resolveStep(step, model, journal.capacity().transactionsLeft === 0);
      if (!call) continue;
      await invokeJournal(journal, call);
      model = applyCall(model, call, step.do === 'begin' ? step.tx : undefined);
    }
  };
  await run(generatedDay({ seed: options.seed, transactions: options.transactions, maxOwedTransactions: options.transactions }));
  gcCopies += journal.gcCopies();
  // The end of the day: an owed reversal of every reason, an approved sale never printed, a
  // request in flight (begun, no outcome).
  const stanOf = async (): Promise<number> => {
    const stan = await journal.takeCounter('stan');
    const voucher = await journal.takeCounter('voucher');
    const batch = journal.view().counters.batch;
    const { journalSale } = await import('./journal-sale.js');
    await journal.begin({ ...journalSale(stan, batch, 1000 + stan), voucherNo: voucher });
    return stan;
  };
  if (journal.capacity().transactionsLeft < 6) await journal.settle(journal.view().counters.batch);
  for (const reason of ['98', '96', 'A0', '06'] as const) {
    const stan = await stanOf();
    await journal.requireReversal(stan, reason);
  }
  const unprinted = await stanOf();
  await journal.approve(unprinted, { authCode: '654321', rrn: '000000000777', hostDate: '1130', hostTime: '120000' });
  await stanOf();
  journal = await mount();
  return { image: await flash.read(0, options.geometry.size), gcCopies };
}

function protect(image: Uint8Array, geometry: RotOptions['geometry']): Protected {
  const replay = replayImage(image, { ...geometry, erasedValue: 0xff, needsErase: true });
  const transactions = new Map<number, string>();
  for (const [id, entry] of replay.state.transactions) transactions.set(id, canonical(entry.tx));
  const ranges = new Map<number, [number, number][]>();
  const add = (id: number, frame: ScannedFrame): void => {
    if (!ranges.has(id)) ranges.set(id, []);
    ranges.get(id)!.push([frame.offset, frame.offset + frame.length]);
  };
  for (const frame of replay.scan.frames) {
    for (const id of replay.effects.get(frame.seq)?.transactionIds ?? []) add(id, frame);
  }
  // A transaction that is gone from the clean image was removed by a record (a settle record, or a
  // begin reusing its STAN): that record is one of its records too. If the damage destroyed it,
  // the transaction coming back is the loss of a record the damage touched, not a silent loss.
  for (const [seq, removed] of removals(replay)) {
    const frames = replay.scan.frames.filter((f) => f.seq === seq);
    for (const id of removed) for (const frame of frames) add(id, frame);
  }
  return { image, transactions, ranges, counters: { stan: replay.state.counters.stan, voucher: replay.state.counters.voucher } };
}

/** Record sequence number -> transactions it removed from the state, replaying the clean image again. */
function removals(replay: Replay): Map<number, number[]> {
  const state = new JournalState(0);
  const removedBy = new Map<number, number[]>();
  const bySeq = new Map<number, ScannedFrame>();
  for (const frame of replay.scan.frames) if (!bySeq.has(frame.seq)) bySeq.set(frame.seq, frame);
  for (const seq of [...bySeq.keys()].sort((a, b) => a - b)) {
    const frame = bySeq.get(seq)!;
    const before = new Set(state.transactions.keys());
    state.apply(decodeRecord(frame.payload), seq, frame.length);
    const removed = [...before].filter((id) => !state.transactions.has(id));
    if (removed.length > 0) removedBy.set(seq, removed);
  }
  return removedBy;
}

type Mutation = { name: string; at: number; length: number; apply: (image: Uint8Array) => void };

function* mutations(options: RotOptions, image: Uint8Array): Generator<Mutation> {
  const { sectorSize, programUnit, size } = options.geometry;
  const random = new SeededRandom(options.seed ^ 0x5eed);
  const metaBytes = dataStart(programUnit);
  const stride = options.headerStride ?? 1;
  let n = 0;
  for (let base = 0; base < size; base += sectorSize) {
    for (let bit = 0; bit < metaBytes * 8; bit++) {
      if (n++ % stride !== 0) continue;
      const at = base + (bit >> 3);
      yield { name: `header bit ${bit} of sector ${base / sectorSize}`, at, length: 1, apply: (img) => void (img[at]! ^= 1 << (bit & 7)) };
    }
  }
  // Every metadata slot (two header copies, two start retire slots, the end retire mark) of every
  // sector as one damaged program unit: zeros look exactly like a retire mark.
  const slot = headerSlotBytes(programUnit);
  const endSlot = dataEnd(sectorSize, programUnit);
  for (let base = 0; base < size; base += sectorSize) {
    for (const offset of [0, slot, 2 * slot, 3 * slot, endSlot]) {
      for (const content of ['zeros', 'erased', 'random'] as const) {
        const at = base + offset;
        const bytes = content === 'random' ? random.bytes(slot) : new Uint8Array(slot).fill(content === 'zeros' ? 0 : 0xff);
        yield { name: `slot at ${at} ${content}`, at, length: slot, apply: (img) => img.set(bytes, at) };
      }
    }
    for (let bit = 0; bit < slot * 8; bit++) {
      if (n++ % stride !== 0) continue;
      const at = base + endSlot + (bit >> 3);
      yield { name: `end-mark bit ${bit} of sector ${base / sectorSize}`, at, length: 1, apply: (img) => void (img[at]! ^= 1 << (bit & 7)) };
    }
  }
  const elsewhere = (): number => {
    for (;;) {
      const at = random.int(0, size - 1);
      if (at % sectorSize >= metaBytes) return at;
    }
  };
  for (let i = 0; i < options.randomBits; i++) {
    const at = elsewhere();
    const bit = random.int(0, 7);
    yield { name: `bit ${bit} at ${at}`, at, length: 1, apply: (img) => void (img[at]! ^= 1 << bit) };
  }
  for (let i = 0; i < options.randomBytes; i++) {
    const at = random.int(0, size - 1);
    const value = random.int(0, 255);
    if (value === image[at]) continue;
    yield { name: `byte ${at} = ${value}`, at, length: 1, apply: (img) => void (img[at] = value) };
  }
  for (let i = 0; i < options.units; i++) {
    const at = random.int(0, size / programUnit - 1) * programUnit;
    const content = random.pick(['zeros', 'erased', 'random'] as const);
    const bytes = content === 'random' ? random.bytes(programUnit) : new Uint8Array(programUnit).fill(content === 'zeros' ? 0 : 0xff);
    yield { name: `unit at ${at} ${content}`, at, length: programUnit, apply: (img) => img.set(bytes, at) };
  }
  for (let i = 0; i < options.pages; i++) {
    const at = random.int(0, size / 256 - 1) * 256;
    const content = random.pick(['zeros', 'erased', 'random'] as const);
    const bytes = content === 'random' ? random.bytes(256) : new Uint8Array(256).fill(content === 'zeros' ? 0 : 0xff);
    yield { name: `page at ${at} ${content}`, at, length: 256, apply: (img) => img.set(bytes, at) };
  }
}

export async function runRotSweep(options: RotOptions, onProgress?: (done: number) => void): Promise<RotResult> {
  const geometry = { ...options.geometry, erasedValue: 0xff, needsErase: true };
  const built = await buildRotImage(options);
  const clean = protect(built.image, options.geometry);
  const decoded = new Map<number, { seq: number; record: JournalRecord }>();
  for (const frame of replayImage(clean.image, geometry).scan.frames) {
    decoded.set(frame.offset, { seq: frame.seq, record: decodeRecord(frame.payload) });
  }
  const result: RotResult = {
    mutants: 0,
    silentLosses: 0,
    stanRollbacks: 0,
    crashes: 0,
    hangs: 0,
    reported: 0,
    unreportedTouched: 0,
    examples: [],
    gcCopies: built.gcCopies,
  };
  const note = (text: string): void => void (result.examples.length < 10 && result.examples.push(text));
  const metaBytes = dataStart(options.geometry.programUnit);
  let headerMutants = 0;
  for (const mutation of mutations(options, clean.image)) {
    const image = clean.image.slice();
    mutation.apply(image);
    result.mutants++;
    if (onProgress && result.mutants % 5000 === 0) onProgress(result.mutants);
    const started = Date.now();
    let replay;
    try {
      replay = replayImage(image, geometry, decodeOutside(mutation));
    } catch (error) {
      result.crashes++;
      note(`${mutation.name}: replay threw ${String(error)}`);
      continue;
    }
    if (Date.now() - started > HANG_MS) result.hangs++;
    const reported = replay.findings.length > 0;
    if (reported) result.reported++;
    advanceCountersAtMount(replay);
    const counters = { ...replay.state.counters };
    if (counters.stan < clean.counters.stan || counters.voucher < clean.counters.voucher) {
      result.stanRollbacks++;
      note(`${mutation.name}: counters went back (stan ${counters.stan} < ${clean.counters.stan} or voucher)`);
    }
    judge(replay.state.transactions, mutation, reported);
    if (mutation.at % options.geometry.sectorSize < metaBytes && headerMutants++ % 25 === 0) {
      await mountAndWrite(image, mutation, reported);
    }
  }
  return result;

  /** Frames the mutation did not touch decode as in the clean image: reuse those (speed only). */
  function decodeOutside(mutation: Mutation): (frame: ScannedFrame) => JournalRecord {
    return (frame) => {
      const touched = mutation.at < frame.offset + frame.length && mutation.at + mutation.length > frame.offset;
      const cached = touched ? undefined : decoded.get(frame.offset);
      if (cached && cached.seq === frame.seq) return structuredClone(cached.record);
      return decodeRecord(frame.payload);
    };
  }

  function judge(
    transactions: ReadonlyMap<number, { tx: unknown }>,
    mutation: Mutation,
    reported: boolean,
  ): void {
    const hit = (id: number): boolean =>
      (clean.ranges.get(id) ?? []).some(([from, to]) => mutation.at < to && mutation.at + mutation.length > from);
    for (const [id, tx] of clean.transactions) {
      const seen = transactions.get(id);
      if (seen && canonical(seen.tx) === tx) continue;
      if (reported) continue;
      if (hit(id)) {
        result.unreportedTouched++;
        continue;
      }
      result.silentLosses++;
      note(`${mutation.name}: transaction ${id} ${seen ? 'changed' : 'lost'} with no report`);
    }
    for (const id of transactions.keys()) {
      if (clean.transactions.has(id) || reported) continue;
      if (hit(id)) {
        result.unreportedTouched++;
        continue;
      }
      result.silentLosses++;
      note(`${mutation.name}: transaction ${id} came back with no report`);
    }
  }

  async function mountAndWrite(image: Uint8Array, mutation: Mutation, reported: boolean): Promise<void> {
    const flash = new SimulatedNorFlash({ ...options.geometry, seed: 1 });
    flash.restore({ image: image.slice(), programmedUnits: programmedUnits(image, options.geometry.programUnit) });
    try {
      const journal = await openJournal(flash, { deviceKey: DEVICE_KEY });
      const stan = await journal.takeCounter('stan');
      if (stan <= clean.counters.stan) {
        result.stanRollbacks++;
        note(`${mutation.name}: STAN ${stan} handed out again after mount`);
      }
      const again = replayImage(await flash.read(0, options.geometry.size), geometry);
      judge(again.state.transactions, mutation, reported);
    } catch (error) {
      result.crashes++;
      note(`${mutation.name}: mount and write failed: ${String(error)}`);
    }
  }
}

/** A unit counts as programmed when it does not read erased (how the NOR model tracks it). */
function programmedUnits(image: Uint8Array, unit: number): Uint8Array {
  const units = new Uint8Array(image.length / unit);
  for (let u = 0; u < units.length; u++) {
    for (let i = u * unit; i < (u + 1) * unit; i++) {
      if (image[i] !== 0xff) {
        units[u] = 1;
        break;
      }
    }
  }
  return units;
}
