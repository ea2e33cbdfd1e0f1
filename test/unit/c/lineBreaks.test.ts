// Line breaks: a source saved with old Mac line ends (a lone CR, as GCC and editors accept) gives
// the same facts at the same lines and columns as the same source with LF.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFacts } from '../../../server/src/engine/c/extract';
import type { CParser } from '../../../server/src/engine/c/parser';
import { repoRoot, testParser } from './helpers';

let parser: CParser;
beforeAll(async () => {
  parser = await testParser();
});

describe('line breaks', () => {
  it('reads lone-CR sources as lines, with the same facts and ranges as LF', () => {
    const file = path.join(repoRoot, 'examples', 'tcp_cc', 'broken_cc.bpf.c');
    const lf = readFileSync(file, 'utf8');
    const cr = lf.replace(/\n/g, '\r');
    const fromLf = extractFacts(parser, file, lf);
    const fromCr = extractFacts(parser, file, cr);
    expect(fromLf.maps.length).toBeGreaterThan(0);
    expect(fromCr.maps).toEqual(fromLf.maps);
    expect(fromCr.programs.map((p) => [p.name, p.nameLocation])).toEqual(fromLf.programs.map((p) => [p.name, p.nameLocation]));
  });

  it('keeps CRLF sources as they are', () => {
    const file = path.join(repoRoot, 'examples', 'tcp_cc', 'good_cc.bpf.c');
    const lf = readFileSync(file, 'utf8');
    const fromCrlf = extractFacts(parser, file, lf.replace(/\n/g, '\r\n'));
    const fromLf = extractFacts(parser, file, lf);
    expect(fromCrlf.maps.map((m) => [m.name, m.nameLocation.range.start])).toEqual(fromLf.maps.map((m) => [m.name, m.nameLocation.range.start]));
  });
});
