/**
 * `pkgme deb info FILE [--json]` and `pkgme deb contents FILE [--json]`: what is inside a .deb, read by pkgme's own
 * reader (no dpkg needed), in the shapes `dpkg-deb --info` and `dpkg-deb --contents` print.
 */
import type { Command } from 'commander';
import { DebFile } from '../../formats/deb/read.ts';
import { listingFormatter } from '../../formats/deb/listing.ts';

export function register(program: Command): void {
  const deb = program.command('deb').description('Read Debian binary packages (.deb)');

  deb
    .command('info')
    .description('Show the control fields and the members of a .deb')
    .argument('<file>', 'the .deb')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const d = await DebFile.open(file);
      const { control, data, formatVersion, members } = d.info;
      if (opts.json) {
        const out = {
          file,
          formatVersion,
          members: members.map((m) => ({ name: m.name, size: m.size, offset: m.dataOffset })),
          control: {
            member: control.member.name,
            compression: control.member.compression,
            files: [...control.files].map(([name, f]) => ({
              name,
              size: f.data.length,
              mode: f.mode.toString(8),
            })),
            fields: control.fields.toJSON(),
          },
          data: { member: data.name, compression: data.compression, size: data.size },
        };
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
        return;
      }
      const lines = [` new Debian package, version ${formatVersion}.`];
      for (const m of members) lines.push(` ${m.name}: ${m.size} bytes`);
      for (const [name, f] of control.files) {
        const script = /^#!/.test(Buffer.from(f.data.subarray(0, 2)).toString('latin1')) ? '  (script)' : '';
        lines.push(` ${String(f.data.length).padStart(7)} bytes ${name}${script}`);
      }
      process.stdout.write(lines.join('\n') + '\n' + control.text.replace(/^/gm, ' '));
      if (!control.text.endsWith('\n')) process.stdout.write('\n');
    });

  deb
    .command('contents')
    .description('List the files a .deb installs (like dpkg-deb --contents, times in UTC)')
    .argument('<file>', 'the .deb')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const d = await DebFile.open(file);
      const entries = await d.listData();
      if (opts.json) {
        process.stdout.write(
          JSON.stringify(
            {
              file,
              data: d.info.data.name,
              entries: entries.map((e) => ({ ...e, mode: e.mode.toString(8) })),
            },
            null,
            2,
          ) + '\n',
        );
        return;
      }
      const line = listingFormatter();
      for (const e of entries) process.stdout.write(line(e) + '\n');
    });
}
