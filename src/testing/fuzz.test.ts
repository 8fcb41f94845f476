import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mutate, prng } from './fuzz.ts';

test('mutate never changes its seed, even a Buffer seed (Buffer#slice is a view)', () => {
  const seed = Buffer.from('0123456789abcdef'.repeat(64));
  const before = Buffer.from(seed);
  const rnd = prng(42);
  let changed = 0;
  for (let i = 0; i < 2000; i++) {
    const out = mutate(seed, rnd, [seed], 1 << 20);
    if (Buffer.compare(Buffer.from(out), before) !== 0) changed++;
  }
  assert.deepEqual(seed, before);
  assert.ok(changed > 1900, `mutations should almost always change the input (${changed}/2000)`);
});
