// The CLI waits for both index phases: `check` on a folder simulates the struct_ops program of
// the first phase and the BPF program whose map comes from a header macro (second phase).

import { describe, expect, it } from 'vitest';
import { writePhaseWorkspace } from '../unit/index/phases';
import { checkInProcess } from './inProcess';

describe('check on a folder', () => {
  it('checks the objects of both index phases', async () => {
    const dir = writePhaseWorkspace();
    const run = await checkInProcess(['.', '--kernel', '6.18', '--libbpf', '1.7', '--format', 'json'], dir);
    expect(run.stderr).toBe('');
    const document = JSON.parse(run.stdout) as { objects: { file: string }[] };
    expect(document.objects.map((o) => o.file)).toEqual(['macro_cc.bpf.c', 'own_cc.bpf.c']);
  });
});
