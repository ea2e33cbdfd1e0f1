// One documentation page per check, generated from the catalogue and the behavioural spec
// (docs/struct-ops-semantics.md): diagnostics link to these pages through their code.

import { checkCatalogue, type CheckInfo } from './checks';
import { ExtraCheckId } from './trace';

const extraDocs: Readonly<Record<ExtraCheckId, { title: string; body: string }>> = {
  [ExtraCheckId['BUILD-01']]: {
    title: 'clang rejects the source',
    body: 'Not a kernel or libbpf rule: the compiler would stop here, so libbpf never sees an object. Typical cause: a member designator that the BPF-side type (usually `vmlinux.h` generated for the kernel profile) does not have, or a program name that is not defined.',
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
  for (const [id, doc] of Object.entries(extraDocs)) pages.set(`${id}.md`, page(id, doc.title, 'build', doc.body));
  return pages;
}
