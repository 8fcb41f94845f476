/**
 * A complete PackagePlan for the generators' tests and for trying them by hand; `samplePlan({...})` overrides
 * fields. Test-only (no production module imports it).
 */
import type { PackagePlan } from '../types.ts';

export function samplePlan(over: Partial<PackagePlan> = {}): PackagePlan {
  return {
    package: 'demo-app',
    upstreamVersion: '1.2.3',
    revision: '1',
    version: '1.2.3-1',
    architecture: 'amd64',
    maintainer: 'Jane Doe <jane@example.org>',
    section: 'utils',
    priority: 'optional',
    homepage: 'https://www.example.org/demo',
    summary: 'Small demonstration tool for packaging tests',
    description:
      'Demo App shows how pkgme turns a tarball into a Debian package.\n\nIt has:\n- a launcher\n- a bundled library',
    license: 'GPL-2.0-or-later',
    copyright: '2024 Example Ltd',
    release: 'bookworm',
    standardsVersion: '4.6.2',
    depends: 'libc6 (>= 2.34)',
    executables: ['demo-app-1.2.3/bin/demo-app'],
    desktop:
      '[Desktop Entry]\nType=Application\nName=Demo App\nExec=demo-app\nIcon=demo-app\nCategories=Utility;\n',
    icon: 'demo-app',
    categories: ['Utility'],
    uploadName: 'demo-app-1.2.3-linux-x86_64.tar.gz',
    date: 1_700_000_000,
    fields: {},
    problems: [],
    ...over,
  };
}
