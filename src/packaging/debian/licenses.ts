/**
 * SPDX license ids → DEP-5 short names and the license text debian/copyright carries for them.
 *
 * Why a table and not a library: DEP-5 (copyright-format 1.0) has its own short names (MIT is "Expat", GNU
 * licenses are "GPL-2+" rather than "GPL-2.0-or-later", BSD variants end in "-clause"), and Debian policy 12.5
 * says licenses shipped in /usr/share/common-licenses are referred to, not copied (lintian:
 * copyright-file-contains-full-gpl-license). Which files that directory holds is fixed by base-files; the list
 * below is bookworm's, and every entry is also in bullseye (CC0-1.0 and MPL came with base-files 10).
 */

export interface Dep5License {
  /** The DEP-5 short name (`GPL-2+`, `Expat`, `proprietary`). */
  name: string;
  /** The SPDX id it was made from (for the SPDX text of a license the upload does not include). */
  spdx?: string;
  /** The file in /usr/share/common-licenses that holds the full text, if any. */
  commonFile?: string;
  /** Human name for the notice ("GNU General Public License"). */
  title: string;
  /** For GNU licenses: the version and whether "or later" applies, for the standard notice. */
  gnu?: { version: string; later: boolean };
}

/** /usr/share/common-licenses in bookworm (base-files 12.4), the symlinks GPL/LGPL/GFDL aside. */
export const COMMON_LICENSE_FILES = [
  'Apache-2.0',
  'Artistic',
  'BSD',
  'CC0-1.0',
  'GFDL-1.2',
  'GFDL-1.3',
  'GPL-1',
  'GPL-2',
  'GPL-3',
  'LGPL-2',
  'LGPL-2.1',
  'LGPL-3',
  'MPL-1.1',
  'MPL-2.0',
] as const;

const GNU_FAMILIES: ReadonlyArray<[spdx: string, dep5: string, title: string]> = [
  ['AGPL', 'AGPL', 'GNU Affero General Public License'],
  ['LGPL', 'LGPL', 'GNU Lesser General Public License'],
  ['GPL', 'GPL', 'GNU General Public License'],
  ['GFDL', 'GFDL', 'GNU Free Documentation License'],
];

/** Non-GNU ids whose DEP-5 name differs from the SPDX id, or that have a common-licenses file. */
const OTHERS: Record<string, Omit<Dep5License, 'gnu'>> = {
  MIT: { name: 'Expat', title: 'Expat (MIT) license' },
  'BSD-2-Clause': { name: 'BSD-2-clause', title: 'BSD 2-clause license' },
  'BSD-3-Clause': { name: 'BSD-3-clause', title: 'BSD 3-clause license' },
  'BSD-4-Clause': { name: 'BSD-4-clause', title: 'BSD 4-clause license' },
  'Apache-2.0': { name: 'Apache-2.0', commonFile: 'Apache-2.0', title: 'Apache License, Version 2.0' },
  'MPL-1.1': { name: 'MPL-1.1', commonFile: 'MPL-1.1', title: 'Mozilla Public License, Version 1.1' },
  'MPL-2.0': { name: 'MPL-2.0', commonFile: 'MPL-2.0', title: 'Mozilla Public License, Version 2.0' },
  'CC0-1.0': { name: 'CC0-1.0', commonFile: 'CC0-1.0', title: 'Creative Commons CC0 1.0 Universal' },
  'Artistic-1.0-Perl': { name: 'Artistic', commonFile: 'Artistic', title: 'Artistic License' },
  'Artistic-1.0': { name: 'Artistic', commonFile: 'Artistic', title: 'Artistic License' },
};

/** True for the ids pkgme uses for non-free terms: `proprietary` and any `LicenseRef-…`. */
export function isProprietary(spdx: string): boolean {
  return spdx === 'proprietary' || spdx.startsWith('LicenseRef-');
}

/**
 * DEP-5 view of one SPDX license id (no operators). GNU ids: `GPL-2.0-only`/`GPL-2.0` → GPL-2,
 * `GPL-2.0-or-later`/`GPL-2.0+` → GPL-2+, with ".0" dropped but ".1" kept (LGPL-2.1). Unknown ids keep their
 * SPDX spelling, a valid DEP-5 name for a license given in full.
 */
export function dep5License(spdx: string): Dep5License {
  if (isProprietary(spdx)) {
    const name = spdx === 'LicenseRef-proprietary' ? 'proprietary' : spdx;
    return { name, title: 'proprietary license' };
  }
  // Own keys only: an id such as "toString" must not find Object.prototype's members.
  const other = Object.hasOwn(OTHERS, spdx) ? OTHERS[spdx] : undefined;
  if (other !== undefined) return { ...other, spdx };
  for (const [family, dep5, title] of GNU_FAMILIES) {
    const m = new RegExp(`^${family}-(\\d(?:\\.\\d)?)(-only|-or-later|\\+)?$`).exec(spdx);
    if (m === null) continue;
    const version = m[1]!.replace(/\.0$/, '');
    const later = m[2] === '-or-later' || m[2] === '+';
    const base = `${dep5}-${version}`;
    const file = (COMMON_LICENSE_FILES as readonly string[]).includes(base) ? base : undefined;
    return {
      name: later ? `${base}+` : base,
      spdx,
      ...(file !== undefined ? { commonFile: file } : {}),
      title,
      gnu: { version, later },
    };
  }
  return { name: spdx, spdx, title: `${spdx} license` };
}

/**
 * Standard texts of short permissive licenses that are not in /usr/share/common-licenses, for uploads whose
 * license was recognised from a notice rather than a full text: DEP-5 wants the text in debian/copyright. They are
 * the SPDX templates with the holder placeholder replaced by "the copyright holder(s)" wording.
 */
export const STANDARD_TEXTS: Record<string, string> = {
  Expat: `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`,
  'BSD-2-clause': `Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.`,
  'BSD-3-clause': `Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the following disclaimer in the documentation and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its contributors may be used to endorse or promote products derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.`,
  ISC: `Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted, provided that the above copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.`,
  Zlib: `This software is provided 'as-is', without any express or implied warranty. In no event will the authors be held liable for any damages arising from the use of this software.

Permission is granted to anyone to use this software for any purpose, including commercial applications, and to alter it and redistribute it freely, subject to the following restrictions:

1. The origin of this software must not be misrepresented; you must not claim that you wrote the original software. If you use this software in a product, an acknowledgment in the product documentation would be appreciated but is not required.

2. Altered source versions must be plainly marked as such, and must not be misrepresented as being the original software.

3. This notice may not be removed or altered from any source distribution.`,
};
