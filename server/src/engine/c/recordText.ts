// Finds one struct or union definition in a header's text without parsing the header: the index
// does not extract headers too large to hold whole (a generated vmlinux.h is ~3 MB) or outside the
// folders, yet clang puts the definitions a BPF program uses from them into its object's BTF.

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/**
 * Where the first definition `struct TAG { ... };` (or `union`, or a `typedef` of one) is, from
 * the start of its line through its semicolon; undefined when the text has none. Comments and
 * literals inside the braces are skipped while matching them.
 */
export function findRecordDefinition(text: string, tag: string): { start: number; end: number } | undefined {
  if (!IDENTIFIER.test(tag)) return undefined;
  const head = new RegExp(String.raw`(?:^|\n)([ \t]*(?:typedef[ \t]+)?(?:struct|union)[ \t]+${tag}\s*\{)`).exec(text);
  if (!head) return undefined;
  const start = head.index + head[0].length - head[1].length;
  let depth = 0;
  for (let i = head.index + head[0].length - 1; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const eol = text.indexOf('\n', i);
      if (eol < 0) return undefined;
      i = eol;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      i = close + 1;
    } else if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      const semicolon = text.indexOf(';', i + 1);
      return semicolon < 0 ? undefined : { start, end: semicolon + 1 };
    }
  }
  return undefined;
}
