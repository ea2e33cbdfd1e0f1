// A vmlinux.h the workspace has is what clang compiles against, however large (a generated one is
// ~3 MB, more than the index extracts whole) and wherever it is (an include directory outside the
// folder): the map's struct comes from it, not from the profile's BTF. Here the header's struct
// tcp_congestion_ops has a member the kernel lacks (libbpf refuses it at load; clang accepts it)
// and lacks one the kernel has (clang rejects the designator).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { fixtureEngine } from './expectMarkers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'large-header-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The padding fixture's vmlinux.h without sndbuf_expand, grown past 2 MiB by unrelated structs after it. */
function largeHeader(): string {
  const small = readFileSync(path.join(fixturesDir, 'checks/LIB-12-vmlinux-h-padding/vmlinux.h'), 'utf8').replace(/\tu32 \(\*sndbuf_expand\)\(struct sock \*\);\n/, '');
  const filler: string[] = [];
  for (let i = 0, size = 0; size < 2.2 * 1024 * 1024; i++) {
    filler.push(`struct filler_${i} {\n\tu32 a;\n\tu32 b;\n\tvoid (*op)(struct sock *);\n};\n\n`);
    size += filler[i].length;
  }
  return small.replace('#endif /* __VMLINUX_H__ */', `${filler.join('')}#endif /* __VMLINUX_H__ */`);
}

const program = (name: string, member: string) =>
  [
    '#include "vmlinux.h"',
    '#include <bpf/bpf_helpers.h>',
    'char LICENSE[] SEC("license") = "GPL";',
    'SEC(".struct_ops.link")',
    `struct tcp_congestion_ops ${name} = {`,
    `\t.${member} = 1,`,
    `\t.name = "${name}",`,
    '};',
    '',
  ].join('\n');

describe('a large vmlinux.h the index does not extract whole', () => {
  it.each([
    ['in the folder', false],
    ['in an include directory outside it', true],
  ])('gives the map its struct when it is %s', async (_where, outside) => {
    const root = path.join(dir, outside ? 'outside/ws' : 'inside');
    const headerDir = outside ? path.join(dir, 'outside/include') : root;
    mkdirSync(root, { recursive: true });
    mkdirSync(headerDir, { recursive: true });
    const header = largeHeader();
    expect(header.length).toBeGreaterThan(2 * 1024 * 1024);
    writeFileSync(path.join(headerDir, 'vmlinux.h'), header);
    const extra = path.join(root, 'extra.bpf.c');
    const missing = path.join(root, 'missing.bpf.c');
    writeFileSync(extra, program('extra_cc', 'foo_extra'));
    writeFileSync(missing, program('missing_cc', 'sndbuf_expand'));
    const engine = await fixtureEngine('6.18', '1.5');
    if (outside) engine.setSourceOptions({ includeDirs: [headerDir], defines: [] });
    await engine.indexFolders([root]);
    const findings = (file: string) => engine.findingsFor(file).map((f) => `${f.location.range.start.line + 1}: ${f.check} ${f.message}`);
    expect(findings(extra)).toEqual(['6: LIB-12 struct_ops init_kern extra_cc: Cannot find member foo_extra in kernel BTF']);
    expect(findings(missing)).toEqual(["6: BUILD-01 field designator 'sndbuf_expand' does not refer to any field in type 'struct tcp_congestion_ops'"]);

    // Opened in the editor, the header is not extracted whole either (that took seconds per change),
    // and its unsaved text is what the programs see: with sndbuf_expand back, clang accepts the
    // designator, and libbpf refuses the 1 in that function pointer instead.
    const edited = header.replace('\tsize_t (*get_info)', '\tu32 (*sndbuf_expand)(struct sock *);\n\tsize_t (*get_info)');
    const update = engine.updateFile(path.join(headerDir, 'vmlinux.h'), edited);
    expect(update.facts).toBeUndefined();
    expect(update.dependents).toEqual([extra, missing]);
    // As the language server does with the dependents of a change.
    for (const dependent of update.dependents) engine.refreshFile(dependent);
    expect(findings(missing)).toEqual(['6: LIB-15 struct_ops init_kern missing_cc: member sndbuf_expand is not a struct_ops program']);
  });
});
