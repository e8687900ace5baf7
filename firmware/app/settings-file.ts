/**
 * Settings kept as a JSON file (in the terminal's state directory), replaced atomically
 * (atomic-json-file.ts), so a power cut leaves either the old or the new settings.
 */
import { readJsonFile, writeJsonFileAtomically } from './atomic-json-file.js';
import { defaultSettings, type SettingsStore, type TerminalSettings } from './settings.js';

export class JsonFileSettingsStore implements SettingsStore {
  constructor(readonly path: string) {}

  /**
   * A damaged file is treated as none: the shell falls back to the defaults and logs it. A file
   * written before a setting existed gets that setting's default, not a reset of everything.
   */
  async load(): Promise<TerminalSettings | undefined> {
    const stored = await readJsonFile(this.path);
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return undefined;
    return { ...defaultSettings(), ...(stored as Partial<TerminalSettings>) };
  }

  async save(settings: TerminalSettings): Promise<void> {
    await writeJsonFileAtomically(this.path, settings);
  }
}
