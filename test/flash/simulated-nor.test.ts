import { describe, expect, it } from 'vitest';
import { FlashRuleViolation, PowerCut } from '../../firmware/drivers/flash/flash-device.js';
import { SimulatedNorFlash } from '../../firmware/drivers/flash/simulated-nor.js';

const geometry = { size: 4 * 256, sectorSize: 256, programUnit: 16 };
const zeros = (n: number): Uint8Array => new Uint8Array(n);

describe('simulated NOR flash', () => {
  it('starts erased, programs by clearing bits and counts everything', async () => {
    const flash = new SimulatedNorFlash(geometry);
    expect(await flash.read(0, 4)).toEqual(new Uint8Array([255, 255, 255, 255]));
    await flash.program(16, new Uint8Array(16).fill(0x0f));
    await flash.erase(1);
    await flash.sync();
    expect((await flash.read(16, 1))[0]).toBe(0x0f);
    expect(flash.counters()).toEqual({ programs: 1, erases: 1, bytesProgrammed: 16, syncs: 1, eraseCountPerSector: [0, 1, 0, 0] });
    expect(flash.operationCount).toBe(2);
  });

  it('refuses a second program of a unit before an erase, and misaligned or out-of-range calls', async () => {
    const flash = new SimulatedNorFlash(geometry);
    await flash.program(0, zeros(16));
    await expect(flash.program(0, zeros(16))).rejects.toBeInstanceOf(FlashRuleViolation);
    await expect(flash.program(8, zeros(16))).rejects.toThrow(/aligned/);
    await expect(flash.program(16, zeros(10))).rejects.toThrow(/whole number/);
    await expect(flash.program(1024, zeros(16))).rejects.toThrow(/past the end/);
    await expect(flash.erase(4)).rejects.toThrow(/does not exist/);
    await flash.erase(0);
    await flash.program(0, zeros(16));
  });

  it('rejects a geometry that does not divide evenly', () => {
    expect(() => new SimulatedNorFlash({ size: 1000, sectorSize: 256, programUnit: 16 })).toThrow(/multiple of the sector size/);
    expect(() => new SimulatedNorFlash({ size: 1024, sectorSize: 250, programUnit: 16 })).toThrow(/multiple of the program unit/);
  });

  it('after a cut every call throws PowerCut until reboot', async () => {
    const flash = new SimulatedNorFlash(geometry);
    flash.armCut(2, 'none');
    await flash.program(0, zeros(16));
    await expect(flash.program(16, zeros(16))).rejects.toBeInstanceOf(PowerCut);
    await expect(flash.read(0, 1)).rejects.toBeInstanceOf(PowerCut);
    await expect(flash.sync()).rejects.toThrow('power cut after flash operation 2');
    flash.reboot();
    expect(await flash.read(16, 16)).toEqual(new Uint8Array(16).fill(255));
    await flash.program(16, zeros(16));
  });

  it('tears programs and erases the way each cut mode says, reproducibly from the seed', async () => {
    const outcome = async (mode: 'prefix' | 'somebits' | 'half-erase', op: 'program' | 'erase', seed: number) => {
      const flash = new SimulatedNorFlash({ ...geometry, seed });
      await flash.program(256, zeros(256));
      await flash.sync();
      flash.armCut(2, mode);
      await (op === 'program' ? flash.program(0, zeros(64)) : flash.erase(1)).catch((e: unknown) => {
        if (!(e instanceof PowerCut)) throw e;
      });
      flash.reboot();
      return op === 'program' ? flash.read(0, 64) : flash.read(256, 256);
    };
    const prefix = await outcome('prefix', 'program', 1);
    const landed = prefix.findIndex((b) => b === 255);
    expect(prefix.subarray(landed).every((b) => b === 255)).toBe(true);
    expect(prefix.subarray(0, landed).every((b) => b === 0)).toBe(true);
    const some = await outcome('somebits', 'program', 1);
    expect(some.some((b) => b !== 0 && b !== 255)).toBe(true);
    const erasedPrefix = await outcome('prefix', 'erase', 2);
    const firstOld = erasedPrefix.findIndex((b) => b === 0);
    expect(firstOld).toBeGreaterThanOrEqual(0);
    expect(erasedPrefix.subarray(firstOld).every((b) => b === 0)).toBe(true);
    const garbage = await outcome('half-erase', 'erase', 3);
    expect(garbage.some((b) => b !== 0 && b !== 255)).toBe(true);
    expect(await outcome('half-erase', 'erase', 3)).toEqual(garbage);
  });

  it('volatile stage: a synced program survives a cut; an unsynced one is dropped, lands or tears (all three seen over seeds)', async () => {
    const fates = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const flash = new SimulatedNorFlash({ ...geometry, seed });
      await flash.program(0, zeros(32));
      await flash.sync();
      await flash.program(256, zeros(64));
      expect(flash.unsyncedOperations).toBe(1);
      expect(await flash.read(256, 64)).toEqual(zeros(64)); // reads see the cache
      flash.armCut(3, 'none');
      await expect(flash.program(512, zeros(16))).rejects.toBeInstanceOf(PowerCut);
      flash.reboot();
      expect(await flash.read(0, 32)).toEqual(zeros(32));
      expect(await flash.read(512, 16)).toEqual(new Uint8Array(16).fill(0xff)); // mode none: the cut op did not land
      const staged = await flash.read(256, 64);
      fates.add(staged.every((b) => b === 0xff) ? 'dropped' : staged.every((b) => b === 0) ? 'landed' : 'torn');
    }
    expect([...fates].sort()).toEqual(['dropped', 'landed', 'torn']);
  });

  it('volatile stage: an unsynced erase may land after an unsynced program of the same sector (any order)', async () => {
    let programLost = false;
    for (let seed = 1; seed <= 60 && !programLost; seed++) {
      const flash = new SimulatedNorFlash({ ...geometry, seed });
      await flash.program(256, zeros(16));
      await flash.sync();
      await flash.erase(1);
      await flash.program(256, zeros(16));
      flash.armCut(4, 'none');
      await expect(flash.program(0, zeros(16))).rejects.toBeInstanceOf(PowerCut);
      flash.reboot();
      programLost = (await flash.read(256, 16)).every((b) => b === 0xff);
    }
    expect(programLost).toBe(true);
  });

  it('a torn unit cannot be programmed again until erased', async () => {
    const flash = new SimulatedNorFlash({ ...geometry, seed: 9 });
    flash.armCut(1, 'somebits');
    await expect(flash.program(0, zeros(16))).rejects.toBeInstanceOf(PowerCut);
    flash.reboot();
    await expect(flash.program(0, zeros(16))).rejects.toBeInstanceOf(FlashRuleViolation);
  });

  it('snapshot and restore bring back the image and the programmed-unit rule', async () => {
    const flash = new SimulatedNorFlash(geometry);
    const blank = flash.snapshot();
    await flash.program(0, zeros(16));
    const written = flash.snapshot();
    flash.restore(blank);
    await flash.program(0, zeros(16));
    flash.restore(written);
    await expect(flash.program(0, zeros(16))).rejects.toBeInstanceOf(FlashRuleViolation);
  });
});
