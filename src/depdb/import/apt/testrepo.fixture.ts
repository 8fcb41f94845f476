/**
 * Test-only: a local apt repository over real .debs (apt-ftparchive writes Packages, Contents and Release; the
 * Release is clearsigned with a throwaway key by src/formats/openpgp), served on 127.0.0.1 by a small HTTP server
 * that honours single byte ranges, or ignores them on demand, and logs every request.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, normalize } from 'node:path';
import * as openpgp from 'openpgp';
import { clearsign } from '../../../formats/openpgp/index.ts';
import type { AptSource } from './sources.ts';

export const SUITE = 'testing-suite';

export interface TestRepo {
  root: string;
  uri: string;
  source: AptSource;
  keyringFile: string;
  /** Request log: "METHOD path range" per request. */
  log: string[];
  ignoreRange: boolean;
  /** Milliseconds to wait before answering a request for a .deb (to kill an import in the middle). */
  debDelayMs: number;
  /**
   * Rewrites the indices and the signed InRelease from the .debs now in pool/. With byHash, the Release says
   * Acquire-By-Hash: yes, Packages.xz is also stored under by-hash/SHA256/<hash>, and the plain Packages.xz is
   * removed, so only a by-hash fetch can find it.
   */
  publish(opts?: { byHash?: boolean; emptyContents?: boolean }): Promise<void>;
  close(): Promise<void>;
}

let keyPromise: Promise<{ privateKey: openpgp.PrivateKey; armoredPublic: string }> | undefined;

function testKey() {
  keyPromise ??= (async () => {
    const k = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'pkgme test archive', email: 'archive@example.org' }],
      format: 'object',
    });
    return { privateKey: k.privateKey, armoredPublic: k.publicKey.armor() };
  })();
  return keyPromise;
}

function ftparchive(args: string[], cwd: string): Buffer {
  return execFileSync('apt-ftparchive', args, { cwd, maxBuffer: 1 << 30 });
}

export async function makeTestRepo(debs: string[]): Promise<TestRepo> {
  const root = mkdtempSync(join(tmpdir(), 'pkgme-aptrepo-'));
  const pool = join(root, 'pool', 'main');
  mkdirSync(pool, { recursive: true });
  for (const d of debs) copyFileSync(d, join(pool, basename(d)));
  const { privateKey, armoredPublic } = await testKey();
  const keyringFile = join(root, 'test-archive.asc');
  writeFileSync(keyringFile, armoredPublic);

  const log: string[] = [];
  const repo = {
    root,
    uri: '',
    keyringFile,
    log,
    ignoreRange: false,
    debDelayMs: 0,
  } as unknown as TestRepo;

  repo.publish = async (opts = {}) => {
    const dists = join(root, 'dists', SUITE);
    const bin = join(dists, 'main', 'binary-amd64');
    rmSync(dists, { recursive: true, force: true });
    mkdirSync(bin, { recursive: true });
    const packages = ftparchive(['packages', 'pool'], root);
    writeFileSync(join(bin, 'Packages'), packages);
    writeFileSync(join(bin, 'Packages.xz'), execFileSync('xz', ['-6c'], { input: packages }));
    const contents = opts.emptyContents ? Buffer.alloc(0) : ftparchive(['contents', 'pool'], root);
    writeFileSync(
      join(dists, 'main', 'Contents-amd64.gz'),
      execFileSync('gzip', ['-9nc'], { input: contents }),
    );
    let release = ftparchive(
      [
        '-o',
        `APT::FTPArchive::Release::Suite=${SUITE}`,
        '-o',
        `APT::FTPArchive::Release::Codename=${SUITE}`,
        '-o',
        'APT::FTPArchive::Release::Architectures=amd64',
        '-o',
        'APT::FTPArchive::Release::Components=main',
        'release',
        '.',
      ],
      dists,
    ).toString('utf8');
    if (opts.byHash) {
      const xz = readFileSync(join(bin, 'Packages.xz'));
      const hash = createHash('sha256').update(xz).digest('hex');
      mkdirSync(join(bin, 'by-hash', 'SHA256'), { recursive: true });
      writeFileSync(join(bin, 'by-hash', 'SHA256', hash), xz);
      rmSync(join(bin, 'Packages.xz'));
      release = release.replace(/^(Date: .*\n)/m, '$1Acquire-By-Hash: yes\n');
    }
    writeFileSync(join(dists, 'Release'), release);
    writeFileSync(join(dists, 'InRelease'), await clearsign(release, privateKey));
  };

  const server: Server = createServer((req, res) => {
    if (repo.debDelayMs > 0 && req.url?.includes('/pool/')) {
      setTimeout(() => serve(req, res), repo.debDelayMs);
      return;
    }
    serve(req, res);
  });
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    const range = req.headers.range;
    log.push(`${req.method} /${rel} ${range ?? ''}`.trim());
    const file = join(root, rel);
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile() || rel.startsWith('..')) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    const data = readFileSync(file);
    const m = range && !repo.ignoreRange ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    if (m) {
      const first = Number(m[1]);
      const last = Math.min(m[2] === '' ? size - 1 : Number(m[2]), size - 1);
      if (first >= size) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, {
        'Content-Range': `bytes ${first}-${last}/${size}`,
        'Content-Length': last - first + 1,
      });
      res.end(data.subarray(first, last + 1));
      return;
    }
    res.writeHead(200, { 'Content-Length': size });
    res.end(data);
  };
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  repo.uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  repo.source = {
    uri: repo.uri,
    suite: SUITE,
    components: ['main'],
    archs: ['amd64'],
    signedBy: { path: keyringFile },
    origin: 'test',
  };
  repo.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(root, { recursive: true, force: true });
  };
  await repo.publish();
  return repo;
}

/** The .debs of the pool, by file name. */
export function poolDebs(repo: TestRepo): string[] {
  return readdirSync(join(repo.root, 'pool', 'main')).filter((f) => f.endsWith('.deb'));
}
