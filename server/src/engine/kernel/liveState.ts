// Kernel state that BTF does not carry but reg() rules depend on: the names a subsystem already
// has registered (tcp congestion controls). Read from procfs for the live profile; elsewhere only
// what every kernel registers itself is known.

import { readFileSync } from 'node:fs';

/** Per struct_ops type, the names already registered on the kernel being simulated. */
export type RegisteredNameTable = Readonly<Record<string, readonly string[]>>;

/** `reno` is built into every kernel with INET (net/ipv4/tcp_cong.c tcp_reno). */
export const builtinRegisteredNames: RegisteredNameTable = { tcp_congestion_ops: ['reno'] };

/** The live kernel's registered names; falls back to the built-in ones when procfs is unreadable. */
export function readLiveRegisteredNames(file = '/proc/sys/net/ipv4/tcp_available_congestion_control'): RegisteredNameTable {
  try {
    const names = readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean);
    return names.length > 0 ? { tcp_congestion_ops: names } : builtinRegisteredNames;
  } catch {
    return builtinRegisteredNames;
  }
}
