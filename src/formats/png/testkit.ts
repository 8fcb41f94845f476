/** Test helper: the machine's PNG icons, the real samples the oracle, error and fuzz tests share. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every .png under /usr/share/icons and /usr/share/pixmaps, sorted. */
export function machinePngs(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let ents;
    try {
      ents = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.png')) out.push(p);
    }
  };
  walk('/usr/share/icons');
  walk('/usr/share/pixmaps');
  return out.sort();
}
