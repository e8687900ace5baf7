import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FileImageFlash } from '../../firmware/drivers/flash/file-image.js';
import { replayImage } from '../../firmware/journal/replay.js';
import { loadDeviceKey } from '../../firmware/security/device-key.js';
import { createPanCipher } from '../../firmware/security/pan-at-rest.js';
import { buildReport, renderReport } from '../journal-inspector/report.js';
import { verifyImage } from '../journal-inspector/verify.js';
import { UsageError, type Command } from './command.js';

export const journalCommand: Command = {
  usage: `pos journal inspect <image> [--json] [--key-file <path> | --key-hex <hex>]
pos journal verify <image> [--json]

Opens a file flash image read-only (geometry from its header; it is never written) through the
journal inspector (tools/journal-inspector). inspect lists counters, transactions and sectors (PANs
masked with the device key, "sealed" without one); verify checks every record and sector and exits
1 when it finds a problem.`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, 'key-file': { type: 'string' }, 'key-hex': { type: 'string' } },
    });
    const [action, image, ...extra] = positionals;
    if (action !== 'inspect' && action !== 'verify') throw new UsageError('say what to do: pos journal inspect <image> or pos journal verify <image>');
    if (!image) throw new UsageError(`give the image file: pos journal ${action} <image>, e.g. var/sim/journal.img`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"; one image at a time`);
    if (!existsSync(image)) throw new Error(`no journal image at ${image}; give the path of a file flash image, e.g. var/sim/journal.img`);
    const geometry = await FileImageFlash.readGeometry(image);
    const flash = await FileImageFlash.open({ path: image, ...geometry, readOnly: true });
    let bytes: Uint8Array;
    try {
      bytes = await flash.read(0, geometry.size);
    } finally {
      await flash.close();
    }
    if (action === 'verify') {
      const result = verifyImage(bytes, flash.geometry);
      if (values.json) console.log(JSON.stringify(result));
      else {
        for (const note of result.notes) console.log(`note: ${note}`);
        for (const problem of result.problems) console.log(`problem: ${problem}`);
        console.log(`verify: ${result.ok ? 'OK' : 'FAILED'}: ${result.records} records in ${result.activeSectors} sectors, ${result.problems.length} problems`);
      }
      return result.ok ? 0 : 1;
    }
    const keyFile = values['key-file'];
    const keyHex = values['key-hex'];
    const key = keyFile !== undefined || keyHex !== undefined ? await loadDeviceKey({ keyFile, keyHex, create: false }) : undefined;
    const report = buildReport(replayImage(bytes, flash.geometry), flash.geometry, key ? createPanCipher(key) : undefined);
    console.log(values.json ? JSON.stringify(report) : renderReport(report, image));
    return 0;
  },
};
