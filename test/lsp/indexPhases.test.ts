// LSP-level: the server is ready after the first index phase (struct_ops files), then refreshes
// the explorer once the second phase has added the BPF program whose map a header macro defines;
// a program that phase left unparsed (nothing it reads named struct_ops) is parsed once its header does.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explorerChangedNotification, explorerRequest } from '../../server/src/protocol';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { writePhaseWorkspace } from '../unit/index/phases';

const settings = { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } };

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('index phases in the server', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(writePhaseWorkspace(), settings);
  });
  afterAll(() => session.dispose());

  it('refreshes the explorer after ready with the second phase maps', async () => {
    const ready = session.notifications.findIndex((n) => n.method === 'structOps/ready');
    expect(ready).toBeGreaterThanOrEqual(0);
    await until(() => session.notifications.slice(ready).some((n) => n.method === explorerChangedNotification.method));
    const data = await session.client.sendRequest(explorerRequest);
    expect(data.maps.map((m) => m.name).sort()).toEqual(['macro_cc', 'own_cc']);
  });
});

describe('indexing progress', () => {
  it('begins, reports the phases and ends', async () => {
    const session = await startLspSession(writePhaseWorkspace(), settings, { workDoneProgress: true });
    try {
      const kinds = () => session.notifications.filter((n) => n.method === '$/progress').map((n) => n.kind);
      await until(() => kinds().includes('end'));
      expect(kinds()[0]).toBe('begin');
      expect(kinds().slice(1, -1).every((k) => k === 'report')).toBe(true);
      expect(kinds().length).toBeGreaterThan(2);
    } finally {
      await session.dispose();
    }
  });
});

describe('a second-phase program the index did not parse', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lsp-expanded-'));
  const header = path.join(dir, 'include/trace.h');
  const trace = path.join(dir, 'trace.bpf.c');
  let session: LspSession;
  beforeAll(async () => {
    mkdirSync(path.dirname(header));
    writeFileSync(header, '#define ON(name) SEC("tp/sched/sched_switch") int name(void *ctx) { return 0; }\n');
    writeFileSync(trace, '#include "include/trace.h"\nchar _license[] SEC("license") = "GPL";\nON(traced_cc)\n');
    session = await startLspSession(dir, settings);
  });
  afterAll(async () => {
    await session.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is parsed once its header, edited in the editor, defines a struct_ops map', async () => {
    await until(() => session.notifications.some((n) => n.method === explorerChangedNotification.method));
    expect((await session.client.sendRequest(explorerRequest)).maps).toEqual([]);
    session.open(pathToFileURL(header).toString(), '#define ON(name) SEC(".struct_ops.link") struct tcp_congestion_ops name = { .flags = 0 };\n');
    // The map is simulated: tcp_congestion_ops's init_member rejects it (no .name).
    const diagnostics = await session.diagnostics(pathToFileURL(trace).toString(), (d) => d.length > 0);
    expect(diagnostics.map((d) => d.code)).toEqual(['UPD-07']);
    expect((await session.client.sendRequest(explorerRequest)).maps.map((m) => m.name)).toEqual(['traced_cc']);
  });
});
