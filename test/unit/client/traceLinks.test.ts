// Trace documents: struct-ops-trace URIs round-trip, and file:line references in formatTrace and
// formatExplanation text become links.

import { describe, expect, it } from 'vitest';
import { findDocLinks, findLinks, parseTraceQuery, resolveLinkPath, traceDocument } from '../../../client/src/traceLinks';

describe('trace documents', () => {
  it('round-trips a reference through the document query and names the tab after the file', () => {
    const ref = { kind: 'trace' as const, target: 'file:///w/tcp%20cc/broken_cc.bpf.c', map: 'broken_cc' };
    const doc = traceDocument(ref);
    expect(doc.path).toBe('/broken_cc.trace');
    expect(traceDocument({ kind: 'mapCreation', target: 'file:///w/x/good.bpf.c' }).path).toBe('/good.map-creation');
    expect(parseTraceQuery(doc.query)).toEqual(ref);
    expect(traceDocument({ kind: 'registration', target: 'bpf_testmod' }).path).toBe('/bpf_testmod.registration');
    expect(parseTraceQuery('kind=nope&target=x')).toBeUndefined();
  });

  it('finds file:line[:col] references of C sources in trace text', () => {
    const text = [
      'tcp_cc/broken_cc.bpf.c — kernel 6.18 / libbpf 1.7',
      '      LIB-12 error -EOPNOTSUPP (95) at tcp_cc/broken_cc.bpf.c:47:2',
      '      see tcp_cc/vmlinux.h:1200: declared here',
      '  source: /abs/x.bpf.c:9:2 lavd_ops.cgroup_set_bandwidth',
      '  kernel 6.18:1 is not a file',
    ].join('\n');
    expect(findLinks(text)).toEqual([
      { line: 1, start: 39, end: 66, file: 'tcp_cc/broken_cc.bpf.c', targetLine: 47, targetColumn: 2 },
      { line: 2, start: 10, end: 31, file: 'tcp_cc/vmlinux.h', targetLine: 1200, targetColumn: undefined },
      { line: 3, start: 10, end: 26, file: '/abs/x.bpf.c', targetLine: 9, targetColumn: 2 },
    ]);
    expect(text.split('\n')[1].slice(39, 66)).toBe('tcp_cc/broken_cc.bpf.c:47:2');
  });

  it('finds docs/checks/<ID>.md references of explanations', () => {
    expect(findDocLinks('  docs: docs/checks/LIB-20.md, docs/checks/REG-L3.md')).toEqual([
      { line: 0, start: 8, end: 29, id: 'LIB-20' },
      { line: 0, start: 31, end: 52, id: 'REG-L3' },
    ]);
  });

  it('resolves relative references against the report root', () => {
    expect(resolveLinkPath('a/b.c', '/w/')).toBe('/w/a/b.c');
    expect(resolveLinkPath('/abs/b.c', undefined)).toBe('/abs/b.c');
    expect(resolveLinkPath('b.c', undefined)).toBeUndefined();
  });
});
