// PRG-16/19/20 from program bodies, against real kernel BTF: every fixture in test/fixtures/c/body
// marks the finding the simulator must give on a line with `// finding: ID ERRNO | message`
// (verifier log lines joined by ' | '); no other PRG-16/19/20 finding may appear.
// `{off:S.f}` / `{end:S.f}` in a message stand for a field's offset / end in the profile's vmlinux.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { errnoName, StructOpsEngine, traceFindings } from '../../../server/src/engine';
import type { BtfSpec } from '../../../server/src/engine/btf';
import { earlierFinding, resolveFieldPath } from '../../../server/src/engine/sim/programBody';
import type { Finding } from '../../../server/src/engine/sim/trace';
import { fixturesDir, hasLiveBtf, liveVmlinux, profilesDir, wasm } from '../../helpers/paths';

const dir = path.join(fixturesDir, 'c', 'body');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.c')).sort();
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const BODY_CHECKS = new Set(['PRG-16', 'PRG-19', 'PRG-20']);

function placeholders(message: string, spec: BtfSpec): string {
  return message.replace(/\{(off|end):(\w+)\.([\w.]+)\}/g, (_, what: string, struct: string, field: string) => {
    const r = resolveFieldPath(spec, struct, field.split('.'));
    if (!r) return '?';
    return String(what === 'off' ? r.offset : r.offset + (r.size ?? NaN));
  });
}

// The bundled profile's BTF is cut down to the struct_ops types and lacks tcp_sock.
describe.skipIf(!hasLiveBtf)('body findings on /sys/kernel/btf/vmlinux (needs sysfs BTF)', () => {
  let engine: StructOpsEngine;
  beforeAll(async () => {
    engine = await StructOpsEngine.create({ wasm, profilesDir, logger: silent });
    const profile = await engine.configureProfile({ btf: [liveVmlinux], kernelVersion: '6.18', libbpfVersion: '1.7', registeredNames: { tcp_congestion_ops: ['reno', 'cubic'] } });
    if (!('objects' in profile)) throw new Error(profile.message);
  });

  it.each(fixtures)('%s', (name) => {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    engine.updateFile(file, text);
    const trace = engine.simulate(file);
    engine.removeFile(file);
    const spec = engine.profile!.vmlinux!.spec;
    const want: string[] = [];
    text.split('\n').forEach((line, index) => {
      const m = /\/\/ finding: (\S+) (\S+) \| (.*)$/.exec(line);
      if (m) want.push(`${index + 1} ${m[1]} ${m[2]} ${placeholders(m[3], spec)}`);
    });
    const got = (trace ? traceFindings(trace) : [])
      .filter((f) => BODY_CHECKS.has(f.check))
      .map((f) => `${f.location.range.start.line + 1} ${f.check} ${errnoName(f.errno ?? 0)} ${f.message.replace(/\n/g, ' | ')}`);
    expect(want.length, `${name} has no // finding: marker`).toBeGreaterThan(0);
    expect(got.sort()).toEqual(want.sort());
  });

  it('resolves nested and anonymous members to kernel offsets', () => {
    const spec = engine.profile!.vmlinux!.spec;
    const icsk = resolveFieldPath(spec, 'inet_connection_sock', ['icsk_ack', 'pending']);
    const ack = resolveFieldPath(spec, 'inet_connection_sock', ['icsk_ack']);
    expect(icsk?.size).toBe(1);
    expect(icsk!.offset).toBeGreaterThanOrEqual(ack!.offset);
    // The same field seen from tcp_sock, which embeds inet_connection_sock first.
    expect(resolveFieldPath(spec, 'tcp_sock', ['inet_conn', 'icsk_ack', 'pending'])?.offset).toBe(icsk!.offset);
    const priv = resolveFieldPath(spec, 'inet_connection_sock', ['icsk_ca_priv', 3]);
    expect(priv!.offset - resolveFieldPath(spec, 'inet_connection_sock', ['icsk_ca_priv', 0])!.offset).toBe(24);
    expect(resolveFieldPath(spec, 'tcp_sock', ['no_such_field'])).toBeUndefined();
    expect(resolveFieldPath(spec, 'tcp_sock', ['icsk_ca_priv', 99])).toBeUndefined();
    // A flavoured local type resolves through its essential name, as CO-RE does.
    expect(resolveFieldPath(spec, 'tcp_sock___local', ['snd_cwnd'])).toEqual(resolveFieldPath(spec, 'tcp_sock', ['snd_cwnd']));
  });
});

describe('earlierFinding', () => {
  const at = (line: number, character: number, file = '/x.c'): Finding => ({
    check: 'PRG-18' as Finding['check'], severity: 'error', phase: 'prog_load', message: `${line}:${character}`, channel: 'verifier',
    location: { file, range: { start: { line, character }, end: { line, character } } }, related: [], explanation: '',
  });
  it('keeps the one first in the source', () => {
    expect(earlierFinding(at(3, 1), at(2, 9)).message).toBe('2:9');
    expect(earlierFinding(at(3, 1), at(3, 4)).message).toBe('3:1');
    expect(earlierFinding(undefined, at(3, 4)).message).toBe('3:4');
    expect(earlierFinding(at(5, 0), at(1, 0, '/other.c')).message).toBe('5:0');
  });
});
