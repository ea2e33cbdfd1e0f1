// A workspace for the two index phases: a struct_ops program and a kernel module's descriptor
// with its Kbuild file (first phase); a BPF program whose only section of its own is its license,
// with a struct_ops map from a header's macro (second phase), and an unrelated Makefile (read only
// when asked which module a source next to it belongs to).

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const phaseFiles = {
  'include/cc_define.h': '#define CC_DEFINE(n) SEC(".struct_ops.link") struct tcp_congestion_ops n = { .flags = 0 }\n',
  'own_cc.bpf.c': [
    'char _license[] SEC("license") = "GPL";',
    'SEC("struct_ops/own_init")',
    'void own_init(void *sk) {}',
    'SEC(".struct_ops.link")',
    'struct tcp_congestion_ops own_cc = { .init = (void *)own_init };',
    '',
  ].join('\n'),
  'macro_cc.bpf.c': ['#include "include/cc_define.h"', 'char _license[] SEC("license") = "GPL";', 'CC_DEFINE(macro_cc);', ''].join('\n'),
  'module/Kbuild': 'obj-m += my_mod.o\n',
  'module/my_mod.c': 'struct bpf_struct_ops bpf_my_ops = { .name = "my_ops" };\n',
  'tools/Makefile': 'obj-y += tool.o\n',
};

/** Writes the phase workspace into a new temporary directory; returns the directory. */
export function writePhaseWorkspace(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'index-phases-'));
  for (const [name, text] of Object.entries(phaseFiles)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
