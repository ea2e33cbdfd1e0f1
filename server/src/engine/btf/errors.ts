// The one error type of the BTF layer. Every malformed input becomes a BtfError value that names
// the part that failed, where (byte offset, type id) and the likely cause, like libbpf's pr_warn
// lines; context is prepended at each layer ("type [12]: member 3: bad type ID 99999").

export type BtfErrorCode =
  | 'truncated' // input ends before a structure it announces
  | 'bad-magic'
  | 'bad-version'
  | 'bad-flags'
  | 'bad-header' // hdr_len or section descriptors
  | 'bad-section' // section bounds, alignment, overlap
  | 'bad-strings' // string section framing
  | 'bad-name' // a name offset outside the string section
  | 'bad-kind'
  | 'bad-vlen' // kind-specific data overruns the type section
  | 'bad-type-id' // a referenced type id that does not exist
  | 'loop' // modifier/typedef/pointer/array chain that never ends
  | 'bad-type' // a reference to the wrong kind, e.g. a member of type FUNC
  | 'bad-size' // size that cannot be resolved or overflows
  | 'not-found'
  | 'bad-elf'
  | 'no-btf-section'
  | 'compressed'
  | 'io';

export class BtfError extends Error {
  readonly code: BtfErrorCode;
  readonly offset?: number;
  readonly typeId?: number;

  constructor(code: BtfErrorCode, message: string, where: { offset?: number; typeId?: number } = {}) {
    super(message);
    this.name = 'BtfError';
    this.code = code;
    this.offset = where.offset;
    this.typeId = where.typeId;
  }

  /** The same error with `prefix: ` in front, e.g. the file name. */
  withContext(prefix: string): BtfError {
    return new BtfError(this.code, `${prefix}: ${this.message}`, { offset: this.offset, typeId: this.typeId });
  }
}

export function isBtfError(value: unknown): value is BtfError {
  return value instanceof BtfError;
}

/** " at offset 0x1c" when the offset is known; offsets are absolute in the parsed buffer. */
export function atOffset(offset: number | undefined): string {
  return offset === undefined ? '' : ` at offset 0x${offset.toString(16)}`;
}
