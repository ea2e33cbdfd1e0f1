// LSP-level inlay hints over the real server: off by default; with structOps.inlayHints.enabled,
// each member wired to a program shows the kernel member's index and prototype after its comma.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InlayHint } from 'vscode-languageserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../helpers/paths';
import { startLspSession, type LspSession } from '../helpers/lspHarness';
import { forDocument, positionOf } from '../helpers/lspRequests';

const workspace = path.join(fixturesDir, 'lsp', 'features');
const file = path.join(workspace, 'cc.bpf.c');
const uri = pathToFileURL(file).toString();
const text = readFileSync(file, 'utf8');
const whole = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
const profile = { kernel: { btf: [], version: '6.18' }, libbpf: { version: '1.7' } };

describe('inlay hints over LSP', () => {
  describe('enabled', () => {
    let session: LspSession;
    beforeAll(async () => {
      session = await startLspSession(workspace, { ...profile, inlayHints: { enabled: true } });
      await session.diagnostics(uri);
    });
    afterAll(() => session.dispose());

    it('shows #index and prototype after each wired member', async () => {
      const hints = await forDocument<InlayHint[]>(session, 'textDocument/inlayHint', uri, { range: whole });
      expect(hints.map((h) => [h.position, h.label])).toEqual([
        [positionOf(text, '(void *)feat_ssthresh,', '(void *)feat_ssthresh,'.length), '#0 u32 (*ssthresh)(struct sock *sk)'],
        [positionOf(text, '(void *)feat_cong_avoid,', '(void *)feat_cong_avoid,'.length), expect.stringMatching(/^#\d+ void \(\*cong_avoid\)\(struct sock \*sk, u32 ack, u32 acked\)$/)],
        [positionOf(text, '(void *)feat_undo,', '(void *)feat_undo,'.length), expect.stringMatching(/^#\d+ u32 \(\*undo_cwnd\)\(struct sock \*sk\)$/)],
      ]);
      expect(hints.every((h) => h.paddingLeft)).toBe(true);
    });

    it('returns only hints inside the requested range', async () => {
      const line = positionOf(text, '.undo_cwnd').line;
      const hints = await forDocument<InlayHint[]>(session, 'textDocument/inlayHint', uri, { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } } });
      expect(hints.map((h) => h.position.line)).toEqual([line]);
    });
  });

  describe('default (off)', () => {
    let session: LspSession;
    beforeAll(async () => {
      session = await startLspSession(workspace, profile);
      await session.diagnostics(uri);
    });
    afterAll(() => session.dispose());

    it('returns no hints', async () => {
      expect(await forDocument(session, 'textDocument/inlayHint', uri, { range: whole })).toBeNull();
    });
  });
});
