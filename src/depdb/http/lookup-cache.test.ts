/**
 * The lookup cache's mechanics against a counting fetch: concurrent misses coalesce into one query per
 * (release, arch), hits never query, an invalidation during a running batch keeps its answers out of the cache, and a
 * failing query fails every waiter.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LookupCache, type Fetch } from './lookup-cache.ts';

function counting(answer: (libs: string[]) => Record<string, string[]>): { fetch: Fetch; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    fetch: async (_r, _a, libs) => {
      calls.push(libs);
      await new Promise((res) => setTimeout(res, 5));
      return answer(libs);
    },
  };
}

const providers = (libs: string[]): Record<string, string[]> =>
  Object.fromEntries(libs.filter((l) => !l.startsWith('none')).map((l) => [l, [`pkg-${l}`]]));

test('concurrent misses coalesce; hits do not query; unknown libs are absent', async () => {
  const c = counting(providers);
  const cache = new LookupCache(c.fetch, 1000);
  const libs = Array.from({ length: 16 }, (_, i) => [`lib${i}.so.1`, `lib${(i + 1) % 16}.so.1`, `none${i}`]);
  const answers = await Promise.all(libs.map((l) => cache.lookup('r', 'amd64', l)));
  assert.equal(c.calls.length, 1, 'one query for 16 concurrent requests');
  assert.equal(new Set(c.calls[0]).size, c.calls[0]!.length, 'each lib asked once');
  answers.forEach((a, i) => assert.deepEqual(a, providers(libs[i]!)));
  // While one batch runs, the next misses gather into one more batch.
  const first = cache.lookup('r', 'amd64', ['a.so.1']);
  await new Promise((res) => setImmediate(res));
  const more = await Promise.all([
    cache.lookup('r', 'amd64', ['b.so.1']),
    cache.lookup('r', 'amd64', ['c.so.1']),
  ]);
  await first;
  assert.deepEqual(more, [{ 'b.so.1': ['pkg-b.so.1'] }, { 'c.so.1': ['pkg-c.so.1'] }]);
  assert.equal(c.calls.length, 3);
  await cache.lookup('r', 'amd64', ['lib3.so.1', 'none3', 'b.so.1']);
  assert.equal(c.calls.length, 3, 'hits, including known-absent libs, do not query');
  await cache.lookup('other', 'amd64', ['lib3.so.1']);
  assert.equal(c.calls.length, 4, 'the cache is per release');
  console.log(`lookup cache: ${libs.length} concurrent requests → 1 query; ${cache.size} entries`);
});

test('an invalidation during a running batch keeps its answers out; errors reach every waiter', async () => {
  const c = counting(providers);
  const cache = new LookupCache(c.fetch, 1000);
  const p = cache.lookup('r', 'amd64', ['x.so.1']);
  await new Promise((res) => setImmediate(res));
  cache.invalidate();
  assert.deepEqual(await p, { 'x.so.1': ['pkg-x.so.1'] });
  assert.equal(cache.size, 0);

  const failing = new LookupCache(async () => {
    throw new Error('db down');
  }, 1000);
  const results = await Promise.allSettled([
    failing.lookup('r', 'amd64', ['a']),
    failing.lookup('r', 'amd64', ['b']),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  const off = counting(providers);
  const none = new LookupCache(off.fetch, 0);
  await none.lookup('r', 'amd64', ['a.so.1']);
  await none.lookup('r', 'amd64', ['a.so.1']);
  assert.equal(off.calls.length, 2, 'maxEntries 0: nothing cached');
});
