import { FileImageFlash } from '../../firmware/drivers/flash/file-image.js';
import { replayImage } from '../../firmware/journal/replay.js';
import { loadDeviceKey } from '../../firmware/security/device-key.js';
import { createPanCipher } from '../../firmware/security/pan-at-rest.js';
import { buildReport, renderReport } from './report.js';
import { verifyImage } from './verify.js';

/**
 * `npm run journal -- inspect <image> [--json] [--key-file <path> | --key-hex <hex>]`
 * `npm run journal -- verify <image> [--json]`
 * Opens the image read-only (geometry from its header) and never writes to it. Without a device
 * key, PANs show as "sealed"; with one, masked (first 6, last 4).
 */
const USAGE = 'usage: journal inspect <image> [--json] [--key-file <path> | --key-hex <hex>] | journal verify <image> [--json]';

async function main(args: string[]): Promise<number> {
  const [command, image] = args;
  if ((command !== 'inspect' && command !== 'verify') || !image || image.startsWith('--')) {
    console.error(USAGE);
    return 2;
  }
  const json = args.includes('--json');
  const valueOf = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i < 0 ? undefined : args[i + 1];
  };
  const geometry = await FileImageFlash.readGeometry(image);
  const flash = await FileImageFlash.open({ path: image, ...geometry, readOnly: true });
  let bytes: Uint8Array;
  try {
    bytes = await flash.read(0, geometry.size);
  } finally {
    await flash.close();
  }
  if (command === 'verify') {
    const result = verifyImage(bytes, flash.geometry);
    if (json) console.log(JSON.stringify(result));
    else {
      for (const note of result.notes) console.log(`note: ${note}`);
      for (const problem of result.problems) console.log(`problem: ${problem}`);
      console.log(`verify: ${result.ok ? 'OK' : 'FAILED'}: ${result.records} records in ${result.activeSectors} sectors, ${result.problems.length} problems`);
    }
    return result.ok ? 0 : 1;
  }
  const keyFile = valueOf('--key-file');
  const keyHex = valueOf('--key-hex');
  const key = keyFile || keyHex ? await loadDeviceKey({ keyFile, keyHex, create: false }) : undefined;
  const report = buildReport(replayImage(bytes, flash.geometry), flash.geometry, key ? createPanCipher(key) : undefined);
  console.log(json ? JSON.stringify(report) : renderReport(report, image));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`journal: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
