// One documentation page per check, generated from the catalogue and the behavioural spec
// (docs/struct-ops-semantics.md): diagnostics link to these pages through their code.

import { checkCatalogue, type CheckInfo } from './checks';
import { ExtraCheckId, type ExtraPhase } from './trace';

const lintNote = 'Not a kernel or libbpf rule: a lint warning (phase `lint`) for a mistake the kernel and libbpf do not report as such. It never changes the simulated outcome.';

const extraDocs: Readonly<Record<ExtraCheckId, { title: string; phase: ExtraPhase; body: string }>> = {
  [ExtraCheckId['BUILD-01']]: {
    title: 'clang rejects the source',
    phase: 'build',
    body: 'Not a kernel or libbpf rule: the compiler would stop here, so libbpf never sees an object. Typical causes: a member designator that the BPF-side type (usually `vmlinux.h` generated for the kernel profile) does not have; a program name that is not defined; an `#include` that no include directory has (`\'scx/common.bpf.h\' file not found`): add the directory the build passes with `-I` to `structOps.includePaths`, the project config, or a compile_commands.json.',
  },
  [ExtraCheckId['LINT-01']]: {
    title: 'Program prototype differs from the member',
    phase: 'lint',
    body: `${lintNote} The program declares another argument count, other argument types or another return type than the kernel member it fills (its func proto in the kernel profile's BTF). The \`(void *)\` cast in the map initializer hides this from clang, and the verifier checks only what the program does with its context: reading an argument the member does not have is PRG-16, a \`void\` program for a member that returns a value is PRG-17, and neither is reported again here. Ex: \`__u64 BPF_PROG(ss, struct sock *sk)\` for \`u32 (*ssthresh)(struct sock *sk)\`.`,
  },
  [ExtraCheckId['LINT-02']]: {
    title: 'SEC() suffix names another member',
    phase: 'lint',
    body: `${lintNote} libbpf takes the text after \`struct_ops/\` as free-form (libbpf.c SEC_DEF("struct_ops+")): the map initializer alone decides the member. Reported only when the suffix is the name of another member of the same type, e.g. \`SEC("struct_ops/cong_avoid")\` on a program placed in \`.ssthresh\`.`,
  },
  [ExtraCheckId['LINT-03']]: {
    title: 'BPF-side copy of a module struct has drifted',
    phase: 'lint',
    body: `${lintNote} The BPF source defines the ops struct itself (copied from a module header), and the workspace module libbpf would take the type from now defines it differently: members removed, resized, reordered or added. libbpf matches members by name at the kernel's offsets (LIB-12), so a removed member fails the load when set, a resized one fails (LIB-18), and the rest silently stays as the copy says. Including the module's header avoids it.`,
  },
  [ExtraCheckId['LINT-04']]: {
    title: 'Ops type defined by two modules',
    phase: 'lint',
    body: `${lintNote} Two module BTF objects define the struct libbpf looks up (\`T\` on libbpf 1.4-1.6, \`bpf_struct_ops_T\` on 1.7+). libbpf.c find_ksym_btf_id walks module BTFs in BTF object id order (load order) and takes the first hit without trying the others, so an object written for the other module fails at load (observed on 6.12.117 / libbpf 1.5). The warning names the module that would be picked when the load order is known, or assumed (workspace modules load after the profile's, in name order).`,
  },
};

/** The spec's paragraph for a check: the bullet that starts with `**ID**`, up to the next bullet or heading. */
export function specParagraph(spec: string, id: string): string | undefined {
  const lines = spec.split('\n');
  const start = lines.findIndex((l) => l.includes(`**${id}**`) && /^\s*- /.test(l));
  if (start < 0) return undefined;
  const out = [lines[start].replace(/^\s*- /, '')];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*- \*\*/.test(line) || /^#/.test(line) || line.trim() === '' || /^- /.test(line)) break;
    out.push(line.trim());
  }
  return out.join(' ').trim();
}

function page(id: string, title: string, phase: string, body: string): string {
  return `# ${id}: ${title}\n\nPhase: \`${phase}\`\n\n${body}\n\nSee [struct-ops-semantics.md](../struct-ops-semantics.md) for the whole behavioural specification.\n`;
}

/** Every page as file name → markdown text. */
export function checkDocumentation(spec: string): Map<string, string> {
  const pages = new Map<string, string>();
  for (const check of checkCatalogue as readonly CheckInfo[]) {
    const paragraph = specParagraph(spec, check.id) ?? `${check.title}. The summary table of the specification describes this check.`;
    pages.set(`${check.id}.md`, page(check.id, check.title, check.phase, paragraph));
  }
  for (const [id, doc] of Object.entries(extraDocs)) pages.set(`${id}.md`, page(id, doc.title, doc.phase, doc.body));
  return pages;
}
