// Inlay hints (opt-in, structOps.inlayHints.enabled): after each member wired to a program, the
// kernel member's index and prototype, e.g. `#0 u32 (*ssthresh)(struct sock *sk)`.

import { InlayHintKind, type InlayHint, type InlayHintParams } from 'vscode-languageserver';
import { containsPosition } from '../engine';
import { kernelInfo, sourceOf, type FeatureContext } from './sourceProvider';

export function inlayHints(ctx: FeatureContext, params: InlayHintParams): InlayHint[] | null {
  if (!ctx.settings()?.inlayHints.enabled) return null;
  const source = sourceOf(ctx, params.textDocument.uri);
  if (!source) return null;
  const hints: InlayHint[] = [];
  for (const map of source.facts.maps) {
    if (map.location.file !== source.file) continue;
    const info = kernelInfo(ctx, map.typeName);
    if (!info) continue;
    for (const init of map.members) {
      const end = init.valueLocation.range.end;
      if (init.value.kind !== 'function' || init.valueLocation.file !== source.file || !containsPosition(params.range, end)) continue;
      const member = info.members.find((m) => m.name === init.name);
      if (!member) continue;
      // After the trailing comma when there is one, so the hint reads as a comment on the member.
      const after = source.text[source.index.offsetAt(end)] === ',' ? { line: end.line, character: end.character + 1 } : end;
      hints.push({ position: after, label: `#${member.index} ${member.prototype}`, kind: InlayHintKind.Type, paddingLeft: true });
    }
  }
  return hints;
}
