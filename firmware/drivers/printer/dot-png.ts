/** Renders dot rows as a black-on-white PNG, one pixel per dot (pngjs). */
import { PNG } from 'pngjs';
import { HEAD_DOTS, dotAt, type DotRow } from './rasteriser.js';

export function dotRowsToPng(rows: readonly DotRow[]): Buffer {
  if (rows.length === 0) throw new RangeError('nothing to render: no dot rows');
  const png = new PNG({ width: HEAD_DOTS, height: rows.length, colorType: 0, inputColorType: 0, bitDepth: 8 });
  const pixels = Buffer.alloc(HEAD_DOTS * rows.length, 0xff);
  rows.forEach((row, y) => {
    for (let x = 0; x < HEAD_DOTS; x++) if (dotAt(row, x)) pixels[y * HEAD_DOTS + x] = 0;
  });
  png.data = pixels;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0 });
}
