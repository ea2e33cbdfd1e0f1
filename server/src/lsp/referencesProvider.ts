// References of a struct_ops program: every map member initializer that places it (the program
// name inside `.member = (void *)prog`), plus the definition when the client asks for it.

import type { Location as LspLocation, ReferenceParams } from 'vscode-languageserver';
import { membersFilledBy, symbolAt, wiredNameRange, type BpfProgram } from '../engine';
import { factsSeeing, lspLocation, sourceOf, uriOf, type FeatureContext } from './sourceProvider';

export function references(ctx: FeatureContext, params: ReferenceParams): LspLocation[] | null {
  const source = sourceOf(ctx, params.textDocument.uri);
  if (!source) return null;
  const symbol = symbolAt(source.facts, source.file, params.position, source.index);
  let name: string;
  if (symbol?.kind === 'program') name = symbol.program.name;
  else if (symbol?.kind === 'wiredProgram') name = symbol.name;
  else return null;
  const seeing = factsSeeing(ctx, source.file);
  let definition: BpfProgram | undefined;
  for (const facts of seeing) definition ??= facts.programs.find((p) => p.name === name);
  const result: LspLocation[] = [];
  if (params.context.includeDeclaration && definition) result.push(lspLocation(definition.nameLocation));
  for (const { member } of membersFilledBy(seeing, name)) {
    const file = member.valueLocation.file;
    const text = file === source.file ? source.index : ctx.documents.get(uriOf(file))?.getText();
    result.push({ uri: uriOf(file), range: wiredNameRange(member, name, text) });
  }
  return result;
}
