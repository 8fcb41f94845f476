/**
 * `tar -tv` style lines for data entries, the format `dpkg-deb --contents` prints (so `pkgme deb contents` reads
 * the same as the tool people know, and the tests can compare field by field).
 */
import type { ArchiveEntryType, TarEntry } from '../tar/read.ts';

const TYPE_CHAR: Record<ArchiveEntryType, string> = {
  file: '-',
  directory: 'd',
  symlink: 'l',
  hardlink: 'h',
  'char-device': 'c',
  'block-device': 'b',
  fifo: 'p',
};

/** "drwxr-xr-x", with s/S, t/T for setuid, setgid and sticky, as GNU tar and ls print them. */
export function modeString(type: ArchiveEntryType, mode: number): string {
  const bit = (mask: number, c: string) => (mode & mask ? c : '-');
  const special = (x: number, s: number, lower: string) =>
    mode & s ? (mode & x ? lower : lower.toUpperCase()) : bit(x, 'x');
  return (
    TYPE_CHAR[type] +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(0o010, 0o2000, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(0o001, 0o1000, 't')
  );
}

function utcDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * A formatter for the lines of one listing, like `dpkg-deb -c` (GNU tar -tv) prints them, times in UTC. Stateful as
 * GNU tar is: owner and size fill at least 19 columns, and once a longer pair was printed, the following lines keep
 * that width.
 */
export function listingFormatter(): (e: TarEntry) => string {
  let width = 19;
  return (e) => {
    const owner = `${e.uname || e.uid}/${e.gname || e.gid}`;
    const size = String(e.size);
    width = Math.max(width, owner.length + 1 + size.length);
    let name = e.name;
    if (e.type === 'symlink') name += ` -> ${e.linkname ?? ''}`;
    if (e.type === 'hardlink') name += ` link to ${e.linkname ?? ''}`;
    return `${modeString(e.type, e.mode)} ${owner} ${size.padStart(width - owner.length - 1)} ${utcDate(e.mtime)} ${name}`;
  };
}

/** One listing line on its own (the width as for a first line). */
export function formatListing(e: TarEntry): string {
  return listingFormatter()(e);
}
