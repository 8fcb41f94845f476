/** Fuzz the SVG size reader with the machine's SVG icons. (The PNG header has its own target in formats/png.) */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz } from '../../testing/fuzz.ts';
import { readSvgSize } from './icons.ts';

test('fuzz SVG size reader', async () => {
  const seeds: Uint8Array[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }))
      if (seeds.length >= 24) return;
      else if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.svg')) seeds.push(readFileSync(join(d, e.name)));
  };
  walk('/usr/share/icons');
  seeds.push(
    new TextEncoder().encode('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg width="1"/>'),
  );
  assert.ok(seeds.length > 1, 'no SVG seeds on the machine');
  await fuzz({ name: 'svg-size', seeds, run: (input) => readSvgSize(input) });
});
