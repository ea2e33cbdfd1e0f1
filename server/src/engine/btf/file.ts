// Parsing BTF input, told apart by its magic: raw BTF or an ELF file's .BTF, as bytes or from a file
// read page by page (PagedFile) instead of whole.

import { isElf, parseElfBtf } from './elf';
import { BtfError } from './errors';
import { PagedFile } from './pagedFile';
import { type BtfSpec, type ParseOptions, parseBtf, parsePagedBtf } from './spec';

/** Raw BTF or an ELF file with a .BTF section, told apart by the magic. */
export function parseAnyBtf(bytes: Uint8Array, options: ParseOptions = {}): BtfSpec | BtfError {
  return isElf(bytes) ? parseElfBtf(bytes, options) : parseBtf(bytes, options);
}

export interface FileParseOptions extends ParseOptions {
  /**
   * The file is the running kernel's (/sys/kernel/btf): immutable while the kernel runs, and BTF
   * the kernel itself uses as is: btf_parse_vmlinux and btf_parse_module check the header, the
   * strings and each type's meta data, with no resolve pass (no reference or loop walks). A large
   * one is read page by page on first use, with record framing checked and, like the kernel,
   * no reference or loop walks, which would read every type.
   */
  readonly kernelSysfs?: boolean;
}

/** Below this size a kernel file is read whole: module BTF is small and disappears on rmmod. */
const PAGED_MIN_SIZE = 1 << 20;

/** Parses a BTF file (raw or ELF). Never throws; I/O errors become a BtfError with code `io`. */
export function parseBtfFile(file: string, options: FileParseOptions = {}): BtfSpec | BtfError {
  try {
    const paged = PagedFile.open(file);
    if (options.kernelSysfs && paged.size >= PAGED_MIN_SIZE) {
      const spec = parsePagedBtf(paged, options);
      if (spec) return spec;
    }
    paged.ensure(0, paged.size);
    return parseAnyBtf(paged.bytes, options);
  } catch (e) {
    return new BtfError('io', `cannot read ${file}: ${(e as Error).message}`);
  }
}
