/**
 * Test-only: hostile archives, crafted with python3's tarfile and zipfile (which, unlike GNU tar, will write
 * absolute names, "..", links out of the tree and device nodes when told to). Each archive's name says what it
 * holds; extract.test.ts says what must happen to it. Not a *.test.ts file; only tests import it.
 */
import { execFileSync } from 'node:child_process';

const SCRIPT = String.raw`
import io, os, sys, tarfile, zipfile
out = sys.argv[1]
def tar(name, members, fmt=tarfile.GNU_FORMAT):
    with tarfile.open(os.path.join(out, name), 'w', format=fmt) as t:
        for m in members:
            info = tarfile.TarInfo(m['name'])
            info.type = m.get('type', tarfile.REGTYPE)
            info.mode = m.get('mode', 0o644)
            info.mtime = 1700000000
            info.linkname = m.get('link', '')
            info.devmajor, info.devminor = m.get('dev', (0, 0))
            data = m.get('data', b'')
            if info.type == tarfile.REGTYPE:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            else:
                t.addfile(info)
D, F, L, H = tarfile.DIRTYPE, tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE
evil = sys.argv[2]
tar('absolute.tar', [{'name': evil, 'data': b'pwned'}])
tar('dotdot.tar', [{'name': 'ok.txt', 'data': b'x'}, {'name': 'a/../../dotdot-escape.txt', 'data': b'pwned'}])
tar('symlink-etc.tar', [{'name': 'etc', 'type': L, 'link': '/etc'}, {'name': 'etc/pkgme-evil', 'data': b'pwned'}])
tar('symlink-up.tar', [{'name': 'up', 'type': L, 'link': '../..'}, {'name': 'up/pkgme-evil', 'data': b'pwned'}])
tar('through-link.tar', [{'name': 'd', 'type': D, 'mode': 0o755}, {'name': 'in', 'type': L, 'link': 'd'},
    {'name': 'in/file', 'data': b'x'}])
tar('link-chain.tar', [{'name': 'a', 'type': D, 'mode': 0o755}, {'name': 'a/up', 'type': L, 'link': '..'},
    {'name': 'b', 'type': L, 'link': 'a/up/..'}])
tar('hardlink-out.tar', [{'name': 'h', 'type': H, 'link': '../../../../etc/passwd'}])
tar('hardlink-abs.tar', [{'name': 'h', 'type': H, 'link': '/etc/passwd'}])
tar('device.tar', [{'name': 'null', 'type': tarfile.CHRTYPE, 'mode': 0o666, 'dev': (1, 3)}])
tar('fifo.tar', [{'name': 'pipe', 'type': tarfile.FIFOTYPE, 'mode': 0o644}])
tar('setuid.tar', [{'name': 'bin', 'type': D, 'mode': 0o755}, {'name': 'bin/su', 'mode': 0o4755, 'data': b'#!/bin/sh\n'},
    {'name': 'shared', 'type': D, 'mode': 0o3777}])
tar('many.tar', [{'name': 'f%05d' % i, 'data': b''} for i in range(500)])
tar('duplicate.tar', [{'name': 'a', 'data': b'1'}, {'name': 'a', 'data': b'2'}])
tar('dir-over-file.tar', [{'name': 'a', 'data': b'1'}, {'name': 'a', 'type': D, 'mode': 0o755}])
tar('file-under-file.tar', [{'name': 'a', 'data': b'1'}, {'name': 'a/b', 'data': b'2'}])
tar('deep.tar', [{'name': '/'.join(['d'] * 80) + '/f', 'data': b'x'}], tarfile.PAX_FORMAT)
tar('big.tar', [{'name': 'big', 'data': b'\0' * (3 << 20)}])
def zip_(name, members):
    with zipfile.ZipFile(os.path.join(out, name), 'w', zipfile.ZIP_DEFLATED) as z:
        for (n, data) in members:
            z.writestr(n, data)
zip_('zip-slip.zip', [('ok.txt', b'x'), ('../zip-slip-escape.txt', b'pwned')])
zip_('zip-abs.zip', [(evil, b'pwned')])
zi = zipfile.ZipInfo('link')
zi.create_system = 3
zi.external_attr = (0o120777 << 16)
with zipfile.ZipFile(os.path.join(out, 'zip-symlink-etc.zip'), 'w') as z:
    z.writestr(zi, '/etc')
    z.writestr('link/pkgme-evil', b'pwned')
`;

/** Writes the hostile archives into `dir`. `evilAbsolute` is the absolute path the absolute-name members use. */
export function makeHostileArchives(dir: string, evilAbsolute: string): void {
  execFileSync('python3', ['-c', SCRIPT, dir, evilAbsolute]);
}
