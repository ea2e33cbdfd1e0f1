// LSP-level: the server is ready after the first index phase (struct_ops files), then refreshes
// the explorer once the second phase has added the BPF program whose map a header macro defines.

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
