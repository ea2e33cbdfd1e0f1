// LSP-level: the client's custom requests (structOps/profile, types, trace, simulateMapCreation,
// simulateRegistration, simulateUnload, explainLog) on the real server over streams.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  explainLogRequest, mapCreationRequest, profileRequest, registrationRequest, traceRequest, typesRequest, unloadRequest,
} from '../../server/src/protocol';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';

const workspace = path.join(fixturesDir, 'lsp', 'misspelled');
const uri = pathToFileURL(path.join(workspace, 'cc.bpf.c')).toString();
const settings = { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } };

describe('client requests over LSP', () => {
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(workspace, settings);
  });
  afterAll(() => session.dispose());

  it('structOps/profile describes the active profile and the index state', async () => {
    const profile = await session.client.sendRequest(profileRequest.method);
    expect(profile).toMatchObject({ loaded: true, kernel: '6.18', libbpf: '1.7', ready: true });
    expect(['live', 'bundled', 'files']).toContain((profile as { btfSource: string }).btfSource);
    expect((profile as { objects: { name: string }[] }).objects[0].name).toBe('vmlinux');
  });

  it('structOps/types lists vmlinux struct_ops types with members and knowledge marks', async () => {
    const data = (await session.client.sendRequest(typesRequest.method)) as import('../../server/src/protocol').TypesData;
    const vmlinux = data.groups.find((g) => g.origin === 'vmlinux')!;
    const tcp = vmlinux.types.find((t) => t.name === 'tcp_congestion_ops')!;
    expect(tcp.registered).toBe(true);
    const ssthresh = tcp.members.find((m) => m.name === 'ssthresh')!;
    expect(ssthresh).toMatchObject({ isFunctionPointer: true, required: true });
    expect(ssthresh.prototype).toMatch(/ssthresh\)\(struct sock \*/);
    expect(tcp.members.find((m) => m.name === 'get_info')?.unsupported).toBe('PRG-11');
  });

  it('structOps/trace and simulateMapCreation return formatTrace text relative to the workspace', async () => {
    const trace = (await session.client.sendRequest(traceRequest.method, { uri })) as import('../../server/src/protocol').TextReport;
    expect(trace).toMatchObject({ ok: true, root: workspace });
    expect(trace.text.split('\n')[0]).toBe('cc.bpf.c — kernel 6.18 / libbpf 1.7');
    expect(trace.text).toContain('outcome: loads and attaches');
    const creation = (await session.client.sendRequest(mapCreationRequest.method, { uri })) as import('../../server/src/protocol').TextReport;
    expect(creation.text).toContain('every struct_ops map is created');
    expect(creation.text).not.toContain('map_update');
    const missing = (await session.client.sendRequest(traceRequest.method, { uri: pathToFileURL('/nowhere/x.c').toString() })) as { ok: boolean; text: string };
    expect(missing.ok).toBe(false);
    expect(missing.text).toContain('No struct_ops object');
  });

  it('registration and unload of a module with no sources in the workspace say so', async () => {
    for (const request of [registrationRequest, unloadRequest]) {
      const report = (await session.client.sendRequest(request.method, { module: 'nothing_here' })) as { ok: boolean; text: string };
      expect(report.ok).toBe(false);
      expect(report.text).toContain("'nothing_here' is not a kernel module whose sources are in the workspace");
    }
  });

  it('structOps/explainLog explains a libbpf line against the workspace facts', async () => {
    const report = (await session.client.sendRequest(explainLogRequest.method, {
      text: 'libbpf: struct_ops init_kern fixture_cc: Cannot find member cong_avoid in kernel BTF',
    })) as { ok: boolean; text: string };
    expect(report.ok).toBe(true);
    expect(report.text).toContain('LIB-12');
    expect(report.text).toMatch(/source: cc\.bpf\.c:\d+:\d+ fixture_cc\.cong_avoid/);
  });
});

describe('module requests over LSP', () => {
  const moduleWorkspace = path.join(fixturesDir, 'lsp', 'module');
  let session: LspSession;
  beforeAll(async () => {
    session = await startLspSession(moduleWorkspace, settings);
  });
  afterAll(() => session.dispose());

  it('structOps/simulateRegistration prints the insmod trace of a workspace module', async () => {
    const report = (await session.client.sendRequest(registrationRequest.method, { module: 'my_ops' })) as { ok: boolean; text: string; title: string };
    expect(report.title).toBe('Registration simulation: my_ops');
    expect(report.text.split('\n')[0]).toMatch(/^module my_ops \(insmod\) — /);
    expect(report.text).toMatch(/\n {2}outcome: /);
  });

  it('structOps/simulateUnload prints the rmmod trace', async () => {
    const report = (await session.client.sendRequest(unloadRequest.method, { module: 'my_ops' })) as { ok: boolean; text: string };
    expect(report.text.split('\n')[0]).toMatch(/^module my_ops \(rmmod\) — /);
  });
});
