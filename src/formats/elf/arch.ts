/**
 * Machine → Debian architecture. e_machine alone is not enough: Debian splits some machines by word size, byte
 * order and ABI, all of which the header records (the rule is written out in docs/elf.md):
 *
 * - class: x86-64 in ELFCLASS32 is x32; s390 64-bit is s390x; MIPS 64-bit is mips64(el).
 * - byte order: ppc64 (big) vs ppc64el; mips vs mipsel.
 * - ABI flags: ARM EABI5 with EF_ARM_ABI_FLOAT_HARD (the hard-float calling convention) is armhf, with
 *   EF_ARM_ABI_FLOAT_SOFT armel. Objects with neither (relocatable .o files never get them) are decided by
 *   Tag_ABI_VFP_args in .ARM.attributes (1 = VFP registers = armhf), then by the interpreter
 *   (/lib/ld-linux-armhf.so.3 = armhf), else armel. MIPS n32 (EF_MIPS_ABI2 in ELFCLASS32) is
 *   mipsn32(el); the R6 ISA (EF_MIPS_ARCH_32R6 / 64R6) is mipsr6(el) / mips64r6(el).
 *
 * Only GNU/Linux ports are named (the Hurd and kFreeBSD ports share machines with Linux ones and are told apart by
 * other means). Unknown combinations give null, never a guess.
 */

export interface ArchInput {
  machine: number;
  class: 32 | 64;
  endian: 'little' | 'big';
  flags: number;
  interpreter?: string | null;
  /** ARM only: Tag_ABI_VFP_args from .ARM.attributes (1 = arguments in VFP registers), when the file has one. */
  armVfpArgs?: number | null;
}

const EM = {
  SPARC: 2,
  I386: 3,
  M68K: 4,
  MIPS: 8,
  PARISC: 15,
  SPARC32PLUS: 18,
  PPC: 20,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  SH: 42,
  SPARCV9: 43,
  IA_64: 50,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  LOONGARCH: 258,
  ALPHA: 0x9026,
} as const;

const EF_ARM_EABIMASK = 0xff000000;
const EF_ARM_ABI_FLOAT_SOFT = 0x00000200;
const EF_ARM_ABI_FLOAT_HARD = 0x00000400;
const EF_MIPS_ABI2 = 0x00000020;
const EF_MIPS_ARCH = 0xf0000000;
const EF_MIPS_ARCH_32R6 = 0x90000000;
const EF_MIPS_ARCH_64R6 = 0xa0000000;

function arm(i: ArchInput): string | null {
  if (i.endian === 'big') return null; // armeb was never a released Debian port
  const eabi = (i.flags & EF_ARM_EABIMASK) >>> 24;
  if (eabi === 0) return null; // the old ABI ("arm") is long gone
  if ((i.flags & EF_ARM_ABI_FLOAT_HARD) !== 0) return 'armhf';
  if ((i.flags & EF_ARM_ABI_FLOAT_SOFT) !== 0) return 'armel';
  if (i.armVfpArgs !== undefined && i.armVfpArgs !== null) return i.armVfpArgs === 1 ? 'armhf' : 'armel';
  return (i.interpreter ?? '').endsWith('/ld-linux-armhf.so.3') ? 'armhf' : 'armel';
}

function mips(i: ArchInput): string {
  const el = i.endian === 'little' ? 'el' : '';
  const isa = (i.flags & EF_MIPS_ARCH) >>> 0;
  if (i.class === 64) return isa === EF_MIPS_ARCH_64R6 ? `mips64r6${el}` : `mips64${el}`;
  if ((i.flags & EF_MIPS_ABI2) !== 0) return isa === EF_MIPS_ARCH_64R6 ? `mipsn32r6${el}` : `mipsn32${el}`;
  return isa === EF_MIPS_ARCH_32R6 ? `mipsr6${el}` : `mips${el}`;
}

export function debianArch(i: ArchInput): string | null {
  const little = i.endian === 'little';
  switch (i.machine) {
    case EM.X86_64:
      return i.class === 64 ? 'amd64' : 'x32';
    case EM.I386:
      return i.class === 32 ? 'i386' : null;
    case EM.AARCH64:
      return little && i.class === 64 ? 'arm64' : null;
    case EM.ARM:
      return arm(i);
    case EM.PPC:
      return little ? null : 'powerpc';
    case EM.PPC64:
      return little ? 'ppc64el' : 'ppc64';
    case EM.S390:
      return i.class === 64 ? 's390x' : 's390';
    case EM.RISCV:
      return i.class === 64 ? 'riscv64' : null;
    case EM.LOONGARCH:
      return i.class === 64 ? 'loong64' : null;
    case EM.MIPS:
      return mips(i);
    case EM.SPARCV9:
      return 'sparc64';
    case EM.SPARC:
    case EM.SPARC32PLUS:
      return 'sparc';
    case EM.IA_64:
      return 'ia64';
    case EM.ALPHA:
      return 'alpha';
    case EM.PARISC:
      return 'hppa';
    case EM.M68K:
      return 'm68k';
    case EM.SH:
      return little ? 'sh4' : null;
    default:
      return null;
  }
}
