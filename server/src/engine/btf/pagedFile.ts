// A file read into memory page by page on first use. For the running kernel's vmlinux BTF
// (/sys/kernel/btf/vmlinux, ~5 MB, immutable while the kernel runs): a lookup touches a few
// dozen pages, and on these VMs every first-touched page of a buffer costs a page fault, which
// made reading the whole file cost more than parsing it. Reads stream through one reused
// scratch buffer; the paged buffer is allocated without zeroing, so unread pages are never touched.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const PAGE_SHIFT = 12;
const PAGE_SIZE = 1 << PAGE_SHIFT;
const SCRATCH_SIZE = 256 * 1024;

let scratch: Buffer | undefined;

/** The process's reused streaming buffer, at least `size` bytes (grown for huge type records). */
function scratchBuffer(size = SCRATCH_SIZE): Buffer {
  if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, SCRATCH_SIZE));
  return scratch;
}

export class PagedFile {
  /** The whole file's address space; only pages marked in `loaded` hold file data. */
  readonly bytes: Buffer;
  private readonly loaded: Uint8Array;

  private constructor(readonly path: string, readonly size: number) {
    this.bytes = Buffer.allocUnsafeSlow(size);
    this.loaded = new Uint8Array((size + PAGE_SIZE - 1) >>> PAGE_SHIFT);
  }

  /** Opens a file for paged reading; throws the fs error when it cannot be opened. */
  static open(file: string): PagedFile {
    const fd = openSync(file, 'r');
    try {
      return new PagedFile(file, fstatSync(fd).size);
    } finally {
      closeSync(fd);
    }
  }

  /** Makes [offset, offset + length) readable in `bytes`, reading the pages not read yet. */
  ensure(offset: number, length: number): void {
    if (length <= 0 || offset >= this.size) return;
    const first = offset >>> PAGE_SHIFT;
    const last = (Math.min(offset + length, this.size) - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      if (this.loaded[p] === 1) continue;
      // One read for the run of unread pages starting here.
      let q = p;
      while (q < last && this.loaded[q + 1] === 0) q++;
      this.readPages(p, q);
      p = q;
    }
  }

  /** Index of the first NUL at or after `offset` and before `limit`, reading pages as it goes; -1 if none. */
  nulFrom(offset: number, limit: number): number {
    for (let at = offset; at < limit; ) {
      const pageEnd = Math.min(((at >>> PAGE_SHIFT) + 1) << PAGE_SHIFT, limit);
      this.ensure(at, pageEnd - at);
      const found = this.bytes.indexOf(0, at);
      if (found >= 0 && found < pageEnd) return found;
      at = pageEnd;
    }
    return -1;
  }

  /**
   * Streams [offset, offset + length) through the scratch buffer in order, calling `chunk` with
   * each filled part and its file offset. `chunk` returns how many bytes it consumed; the rest is
   * read again at the start of the next part (a record cut by the chunk end). A return of 0 asks
   * for a buffer of at least `need()` bytes; a negative one stops the stream.
   */
  stream(offset: number, length: number, chunk: (buf: Buffer, len: number, at: number, final: boolean) => number, need: () => number): void {
    const fd = openSync(this.path, 'r');
    try {
      let buf = scratchBuffer();
      for (let pos = offset, end = offset + length; pos < end; ) {
        const len = Math.min(buf.length, end - pos);
        readFully(fd, buf, len, pos, this.path);
        const consumed = chunk(buf, len, pos, pos + len === end);
        if (consumed < 0) return;
        if (consumed === 0) {
          const size = need();
          if (size <= buf.length) throw new Error(`${this.path}: no progress at byte ${pos} with a ${buf.length}-byte buffer`);
          buf = scratchBuffer(size);
        }
        pos += consumed;
      }
    } finally {
      closeSync(fd);
    }
  }

  private readPages(first: number, last: number): void {
    const from = first << PAGE_SHIFT;
    const to = Math.min((last + 1) << PAGE_SHIFT, this.size);
    const fd = openSync(this.path, 'r');
    try {
      readFully(fd, this.bytes, to - from, from, this.path, from);
    } finally {
      closeSync(fd);
    }
    this.loaded.fill(1, first, last + 1);
  }
}

/** Reads `length` bytes at file position `pos` into `buf` at `into`; sysfs returns a page per read. */
function readFully(fd: number, buf: Buffer, length: number, pos: number, file: string, into = 0): void {
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buf, into + done, length - done, pos + done);
    if (n === 0) throw new Error(`${file}: ended at byte ${pos + done}, before its stat size; did the file change while it was read?`);
    done += n;
  }
}
