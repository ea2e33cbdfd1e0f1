// .BTF inside ELF: the committed .bpf.o fixtures (little and big endian, with the .struct_ops
// and .struct_ops.link DATASECs), hand-made ELF32/ELF64 files in both byte orders, and the
// errors for missing, compressed and truncated sections.

import { describe, expect, it } from 'vitest';
import {
  BtfBuilder, BtfError, BtfKind, BtfSpec, formatMember, parseElfBtf, readElfSections, type BtfDatasec,
} from '../../../server/src/engine/btf';
import { fixture, makeElf } from './helpers';

function spec(bytes: Uint8Array): BtfSpec {
  const s = parseElfBtf(bytes);
  if (s instanceof BtfError) throw s;
  return s;
}

describe.each([['struct_ops.bpf.o', true], ['struct_ops.bpfeb.o', false]] as const)('%s', (file, littleEndian) => {
  const s = spec(fixture(file));

  it('is read in its own byte order', () => {
    expect(s.littleEndian).toBe(littleEndian);
  });

  it('has the struct_ops DATASECs with their VARs', () => {
    for (const [section, variable, type] of [['.struct_ops', 'fixture_cc', 'tcp_congestion_ops'], ['.struct_ops.link', 'fixture_dummy', 'bpf_dummy_ops']]) {
      const id = s.findByNameKind(section, BtfKind.Datasec);
      expect(id, section).toBeDefined();
      const sec = s.typeById(id as number) as BtfDatasec;
      expect(sec.vars).toHaveLength(1);
      const v = s.typeById(sec.vars[0].type);
      expect(v).toMatchObject({ kind: BtfKind.Var, name: variable });
      const target = s.typeById((v as { type: number }).type);
      expect(target).toMatchObject({ kind: BtfKind.Struct, name: type });
      expect(sec.vars[0].size).toBe(s.resolveSize(target!.id));
    }
  });

  it('decodes the local struct_ops type and the programs', () => {
    const cc = s.findByNameKind('tcp_congestion_ops', BtfKind.Struct) as number;
    expect(formatMember(s, cc, 1)).toBe('void (*cong_avoid)(struct sock *, __u32, __u32)');
    expect(s.findByNameKind('fixture_ssthresh', BtfKind.Func)).toBeDefined();
  });
});

describe('ELF container', () => {
  const btf = (() => {
    const b = new BtfBuilder();
    b.add({ kind: BtfKind.Int, name: 'int', size: 4, signed: true, char: false, bool: false, bits: 32, bitOffset: 0 });
    return b.build();
  })();

  it.each([[true, true], [true, false], [false, true], [false, false]])('finds .BTF in ELF%s (64-bit=%s, little-endian=%s)', (is64, littleEndian) => {
    const elf = makeElf({ is64, littleEndian, sections: [{ name: '.text', data: new Uint8Array(16) }, { name: '.BTF', data: btf }] });
    const s = spec(elf);
    expect(s.typeById(1)).toMatchObject({ kind: BtfKind.Int, name: 'int' });
    const sections = readElfSections(elf);
    expect(Array.isArray(sections) && sections.map((x) => x.name)).toEqual(['', '.text', '.BTF', '.shstrtab']);
  });

  it('parses a module on its distilled .BTF.base (6.11+ modules) without a given base', () => {
    const elf = makeElf({ is64: true, littleEndian: true, sections: [{ name: '.BTF', data: fixture('testmod.btf') }, { name: '.BTF.base', data: fixture('testmod.base.btf') }] });
    const s = spec(elf);
    expect(s.isModule()).toBe(true);
    expect(s.structOpsValueTypes().map((v) => v.typeName)).toEqual(['testmod_ops']);
  });

  it('reports a missing .BTF section', () => {
    const e = parseElfBtf(makeElf({ is64: true, littleEndian: true, sections: [{ name: '.text', data: new Uint8Array(4) }] }));
    expect(e).toMatchObject({ code: 'no-btf-section' });
    expect((e as BtfError).message).toMatch(/without -g/);
  });

  it('reports SHF_COMPRESSED sections as such', () => {
    const e = parseElfBtf(makeElf({ is64: true, littleEndian: true, sections: [{ name: '.BTF', data: btf, flags: 0x800 }] }));
    expect(e).toMatchObject({ code: 'compressed' });
  });

  it('gives ELF-relative offsets for errors inside .BTF', () => {
    const bad = btf.slice();
    bad[2] = 9; // version
    const elf = makeElf({ is64: true, littleEndian: true, sections: [{ name: '.BTF', data: bad }] });
    const e = parseElfBtf(elf) as BtfError;
    expect(e.code).toBe('bad-version');
    expect(elf[e.offset as number]).toBe(9);
  });

  it('rejects truncated and non-ELF input', () => {
    const elf = makeElf({ is64: true, littleEndian: true, sections: [{ name: '.BTF', data: btf }] });
    expect(parseElfBtf(elf.subarray(0, 40))).toBeInstanceOf(BtfError);
    expect(parseElfBtf(elf.subarray(0, elf.length - 10))).toMatchObject({ code: 'truncated' });
    expect(parseElfBtf(btf)).toMatchObject({ code: 'bad-elf' });
  });
});
