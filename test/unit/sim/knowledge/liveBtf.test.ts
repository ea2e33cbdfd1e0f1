// Cross-check against the running kernel's BTF: every member the knowledge base names for a type
// (and every field it lets programs write) exists in the live struct, and the helper id table equals
// enum bpf_func_id. Catches typos in the data. Needs /sys/kernel/btf/vmlinux and bpftool.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { helperIds, knowledgeFor } from '../../../../server/src/engine/sim/knowledge';
import type { KernelVersion, SubsystemKnowledge } from '../../../../server/src/engine/sim/knowledge';

const VMLINUX = '/sys/kernel/btf/vmlinux';

function dumpVmlinux(): string | undefined {
  if (!existsSync(VMLINUX)) return undefined;
  const r = spawnSync('bpftool', ['btf', 'dump', 'file', VMLINUX, 'format', 'c'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return r.status === 0 ? r.stdout : undefined;
}

const header = dumpVmlinux();
const skipReason = header === undefined ? `needs ${VMLINUX} and bpftool` : undefined;

/** Kernel release of this machine as major.minor (os.release() is e.g. `6.18.44-fc-v782`). */
function liveKernel(): KernelVersion {
  const [major, minor] = release().split(/[.-]/).map(Number);
  return { major, minor };
}

/**
 * Member names of `struct name` in bpftool's C dump: depth-1 members, plus `outer.inner` for the
 * members of nested anonymous structs/unions that are named at their closing brace.
 */
function structMembers(text: string, name: string): Set<string> | undefined {
  const lines = text.split('\n');
  const start = lines.indexOf(`struct ${name} {`);
  if (start < 0) return undefined;
  const members = new Set<string>();
  let depth = 1;
  let nested: string[] = [];
  for (const raw of lines.slice(start + 1)) {
    const line = raw.trim();
    if (line.startsWith('}')) {
      depth--;
      if (depth === 0) break;
      const outer = /^}\s*(\w+)\s*(\[[^\]]*\])?;/.exec(line)?.[1];
      if (depth === 1 && outer !== undefined) {
        members.add(outer);
        for (const inner of nested) members.add(`${outer}.${inner}`);
      }
      if (depth === 1) nested = [];
      continue;
    }
    if (line.endsWith('{')) {
      depth++;
      continue;
    }
    const member = /\(\*(\w+)\)/.exec(line)?.[1] ?? /(\w+)\s*(\[[^\]]*\])*\s*(:\s*\d+)?;$/.exec(line)?.[1];
    if (member === undefined) continue;
    if (depth === 1) members.add(member);
    else if (depth === 2) nested.push(member);
  }
  return members;
}

/** Every member name a knowledge view refers to by name. */
function namedMembers(k: SubsystemKnowledge): Set<string> {
  const names = new Set<string>();
  for (const r of k.initMember) names.add(r.member);
  for (const s of k.specialMembers) names.add(s.member);
  for (const u of k.unsupportedMembers) names.add(u.member);
  for (const s of k.sleepable) if (s.members !== 'all') for (const m of s.members) names.add(m);
  for (const a of [...k.nullableArgs, ...k.refArgs]) names.add(a.member);
  return names;
}

/** Members the rules' closures read, listed here because closures cannot be inspected. */
const RULE_MEMBERS: Record<string, string[]> = {
  tcp_congestion_ops: ['ssthresh', 'undo_cwnd', 'cong_avoid', 'cong_control', 'release', 'name', 'flags'],
  bpf_dummy_ops: ['test_1', 'test_2', 'test_sleepable'],
  sched_ext_ops: ['enqueue', 'flags', 'name'],
  Qdisc_ops: ['enqueue', 'dequeue', 'init', 'reset', 'destroy', 'id'],
};

/** cgroup_* ops of sched_ext_ops exist only with CONFIG_EXT_GROUP_SCHED. */
const CONFIG_DEPENDENT = new Set(['sched_ext_ops.cgroup_init', 'sched_ext_ops.cgroup_exit', 'sched_ext_ops.cgroup_prep_move']);

describe.skipIf(skipReason !== undefined)(`live kernel BTF ${skipReason ? `(skipped: ${skipReason})` : ''}`, () => {
  const kernel = liveKernel();

  for (const type of ['tcp_congestion_ops', 'bpf_dummy_ops', 'sched_ext_ops', 'Qdisc_ops', 'hid_bpf_ops']) {
    const live = header === undefined ? undefined : structMembers(header, type);
    const k = knowledgeFor(type, kernel);
    const reason = live === undefined ? 'not in this kernel\'s BTF' : k === undefined ? 'kernel predates the type' : '';
    it.skipIf(reason !== '')(`every member named for ${type} exists in the live struct${reason ? ` (skipped: ${reason})` : ''}`, () => {
      const wanted = new Set([...namedMembers(k!), ...(RULE_MEMBERS[type] ?? [])]);
      const missing = [...wanted].filter((m) => !live!.has(m) && !CONFIG_DEPENDENT.has(`${type}.${m}`));
      expect(missing).toEqual([]);
    });
  }

  it('the types this machine registers are in its BTF: tcp_congestion_ops and bpf_dummy_ops', () => {
    expect(structMembers(header!, 'tcp_congestion_ops')).toBeDefined();
    expect(structMembers(header!, 'bpf_dummy_ops')).toBeDefined();
  });

  for (const type of ['tcp_congestion_ops', 'bpf_dummy_ops', 'sched_ext_ops', 'hid_bpf_ops']) {
    const k = knowledgeFor(type, kernel);
    // A type this kernel does not build has its pointee fields compiled out too (task_struct.scx).
    const built = header !== undefined && structMembers(header, type) !== undefined;
    const reason = !built ? 'not in this kernel\'s BTF' : k === undefined ? 'kernel predates the type' : '';
    it.skipIf(reason !== '')(`every writable field of ${type} exists in its container${reason ? ` (skipped: ${reason})` : ''}`, () => {
      for (const w of k!.writableFields) {
        for (const f of w.fields) {
          const container = structMembers(header!, f.container);
          expect(container, f.container).toBeDefined();
          const outer = f.field.split('.')[0];
          expect(container!.has(outer), `${f.container}.${outer}`).toBe(true);
          const nestedKnown = [...container!].some((m) => m.startsWith(`${outer}.`));
          if (nestedKnown) expect(container!.has(f.field), `${f.container}.${f.field}`).toBe(true);
        }
      }
    });
  }

  it('helper ids equal enum bpf_func_id', () => {
    const body = /enum bpf_func_id \{([^}]*)\}/.exec(header!)?.[1] ?? '';
    const live = new Map<string, number>();
    for (const m of body.matchAll(/BPF_FUNC_(\w+) = (\d+)/g)) {
      if (m[1] !== 'unspec') live.set(m[1], Number(m[2]));
    }
    for (const [name, id] of helperIds) expect(live.get(name), name).toBe(id);
  });
});
