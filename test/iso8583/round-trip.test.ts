import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../firmware/hal/seeded-random.js';
import { decodeMessage, encodeMessage } from '../../firmware/iso8583/codec.js';
import { CUP_POS_FIELDS, CUP_POS_SM4_FIELDS } from '../../firmware/iso8583/cup-pos-fields.js';
import { randomMessage } from '../../tools/fuzz/iso8583-messages.js';
import { iterationsFor } from '../mutation-budget.js';

const MESSAGES = iterationsFor(3000);

describe.each([
  ['CUP POS', CUP_POS_FIELDS, 20261122],
  ['CUP POS with SM4 PIN blocks', CUP_POS_SM4_FIELDS, 7],
])('round trips over generated %s messages (seed %#)', (_name, table, seed) => {
  it(`decode(encode(m)) = m and encode(decode(x)) = x for ${MESSAGES} messages, seed ${seed}`, () => {
    const random = new SeededRandom(seed);
    for (let i = 0; i < MESSAGES; i++) {
      const message = randomMessage(random, table);
      const bytes = encodeMessage(message, table);
      const decoded = decodeMessage(bytes, table);
      expect(decoded, `message ${i} of seed ${seed}`).toEqual(message);
      expect(Buffer.from(encodeMessage(decoded, table)).equals(Buffer.from(bytes)), `message ${i} of seed ${seed}`).toBe(true);
    }
  });
});
