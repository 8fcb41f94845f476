/**
 * Test-only: ELF fixtures for architectures with no cross compiler here, made with the cross binutils alone (`as`
 * and `ld`, e.g. binutils-mips64el-linux-gnuabi64): an object file, a versioned shared library and a copy of it
 * without section headers. The assembler and linker set the real e_flags (MIPS ABI and ISA, ARM float ABI,
 * RISC-V float ABI), which is what the architecture rule reads. Cached under .cache/elf-fixtures/asm-<triplet>.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedFixture, run } from '../../../testing/env.ts';
import { dropSectionHeaders } from './fixtures.ts';

const BUILD_ID = 'asm-v1';

/** Triplets whose Debian architecture is decided by class, byte order or e_flags in ways gcc fixtures here miss. */
export const ASM_TRIPLETS = [
  'mips64el-linux-gnuabi64',
  'mipsel-linux-gnu',
  'mips-linux-gnu',
  'mips64el-linux-gnuabin32',
  'mipsisa64r6el-linux-gnuabi64',
  'riscv64-linux-gnu',
  'powerpc64le-linux-gnu',
  'powerpc64-linux-gnu',
  'arm-linux-gnueabi',
  'x86_64-linux-gnux32',
];

/** Debian package that provides `<triplet>-as` and `<triplet>-ld`. */
export function binutilsPackage(triplet: string): string {
  return `binutils-${triplet.replace(/_/g, '-')}`;
}

const ASM = `.data
.globl demo_data
.type demo_data, %object
.size demo_data, 1
demo_data: .byte 1
`;
const MAP = 'ASM_1.0 { global: demo_data; local: *; };\n';

export interface AsmFixtures {
  object: string;
  library: string;
  /** The library without section headers. */
  bare: string;
}

export function buildAsmFixtures(triplet: string): AsmFixtures {
  // Built once into a private directory renamed into place: several test files may ask at once.
  const dir = cachedFixture(
    `elf-fixtures/asm-${triplet}`,
    (tmp) => {
      writeFileSync(join(tmp, 'demo.s'), ASM);
      writeFileSync(join(tmp, 'demo.map'), MAP);
      run(`${triplet}-as`, ['-o', 'demo.o', 'demo.s'], { cwd: tmp });
      run(
        `${triplet}-ld`,
        ['-shared', '-soname', 'libasm.so.1', '--version-script', 'demo.map', '-o', 'libasm.so.1', 'demo.o'],
        { cwd: tmp },
      );
      writeFileSync(
        join(tmp, 'libasm.so.1.noshdr'),
        dropSectionHeaders(readFileSync(join(tmp, 'libasm.so.1'))),
      );
      writeFileSync(join(tmp, 'BUILD'), BUILD_ID);
    },
    { version: BUILD_ID },
  );
  const out = {
    object: join(dir, 'demo.o'),
    library: join(dir, 'libasm.so.1'),
    bare: join(dir, 'libasm.so.1.noshdr'),
  };
  return out;
}
