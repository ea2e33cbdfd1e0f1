// The trace document grammar's patterns (read as JavaScript regexes, which these patterns share with
// Oniguruma) on formatTrace and formatExplanation lines, and its registration in the manifest.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceLanguage } from '../../../client/src/traceView';
import { repoRoot } from '../../helpers/paths';

const grammar = JSON.parse(readFileSync(path.join(repoRoot, 'syntaxes', 'structops.trace.tmLanguage.json'), 'utf8')) as { scopeName: string; repository: Record<string, { match: string }> };
const re = (name: string) => new RegExp(grammar.repository[name].match);

describe('trace grammar', () => {
  it('matches phases with their status, check IDs, errnos and locations', () => {
    expect(re('phase').exec('  load         FAILED   bpf_object__load: init_kern_struct_ops_maps')?.[2]).toBe('FAILED');
    expect(re('phase').exec('  map_create   ok       BPF_MAP_CREATE cc')?.[3]).toBe('ok');
    expect(re('check').exec('      LIB-12 error -EOPNOTSUPP (95) at tcp_cc/broken_cc.bpf.c:47:2')?.[0]).toBe('LIB-12');
    expect(re('check').exec('REG-L3 legacy')?.[0]).toBe('REG-L3');
    expect(re('errno').exec('LIB-12 error -EOPNOTSUPP (95) at x')?.[0]).toBe('-EOPNOTSUPP (95)');
    expect(re('location').exec('at tcp_cc/broken_cc.bpf.c:47:2')?.[0]).toBe('tcp_cc/broken_cc.bpf.c:47:2');
    expect(re('header').test('tcp_cc/broken_cc.bpf.c — kernel 6.18 / libbpf 1.7')).toBe(true);
    expect(re('labels').test('  cause: The BPF-side type')).toBe(true);
  });

  it('is the grammar of the trace documents language', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(manifest.contributes.languages.map((l: { id: string }) => l.id)).toContain(traceLanguage);
    expect(manifest.contributes.grammars).toContainEqual({ language: traceLanguage, scopeName: grammar.scopeName, path: './syntaxes/structops.trace.tmLanguage.json' });
  });
});
