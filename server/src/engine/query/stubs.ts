// Source text the editor inserts: a struct_ops program stub typed from a kernel member's
// prototype, and the initializer line that wires it into a map.

import type { KernelMemberInfo } from './kernelOps';

/** Kernel integer typedefs (`u32`) as the uapi names BPF programs use (`__u32`). */
function uapiType(type: string): string {
  return type.replace(/(^|[^A-Za-z0-9_])([us](?:8|16|32|64))(?![A-Za-z0-9_])/g, '$1__$2');
}

function declaration(type: string, name: string): string {
  const t = uapiType(type);
  return t.endsWith('*') ? `${t}${name}` : `${t} ${name}`;
}

/**
 * `SEC("struct_ops/<member>") <ret> BPF_PROG(<name>, <params>) { return 0; }`, or undefined when
 * the member is not a function pointer. `indent` is one level of the file's indentation.
 */
export function programStub(member: KernelMemberInfo, name: string, indent = '\t'): string | undefined {
  if (!member.isFunctionPointer || member.returnType === undefined || member.params === undefined) return undefined;
  const returnType = uapiType(member.returnType);
  const params = member.params.map((p) => (p.type.includes('(') ? `void *${p.name}` : declaration(p.type, p.name)));
  const head = `BPF_PROG(${[name, ...params].join(', ')})`;
  const signature = returnType.endsWith('*') ? `${returnType}${head}` : `${returnType} ${head}`;
  const body = returnType === 'void' ? '' : `${indent}return 0;\n`;
  return `SEC("struct_ops/${member.name}")\n${signature}\n{\n${body}}\n`;
}

/** `.<member> = (void *)<program>,` */
export function wiringLine(member: string, program: string): string {
  return `.${member} = (void *)${program},`;
}

/** `name`, or `name_2`, `name_3`, ... : the first not in `taken`. */
export function freshName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let i = 2; ; i++) if (!taken.has(`${name}_${i}`)) return `${name}_${i}`;
}
