/**
 * Settings kept as a JSON file (in the terminal's state directory). A save writes a temporary file,
 * syncs it and renames it over the old one, so a power cut leaves either the old or the new settings.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SettingsStore, TerminalSettings } from './settings.js';

export class JsonFileSettingsStore implements SettingsStore {
  constructor(readonly path: string) {}

  async load(): Promise<TerminalSettings | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as TerminalSettings;
    } catch {
      // A damaged file is treated as none: the shell falls back to the defaults and logs it.
      return undefined;
    }
  }

  async save(settings: TerminalSettings): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(settings, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.path);
  }
}
