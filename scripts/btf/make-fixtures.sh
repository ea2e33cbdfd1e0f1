#!/bin/sh
# Regenerates the binary BTF fixtures in test/fixtures/btf/ from test/fixtures/btf/src/:
#   testmod.base.btf  small standalone base: the vmlinux types testmod.c uses (our minimiser)
#   testmod.btf       split BTF of testmod.c on that base (clang -g, pahole -J --btf_base)
#   testmod.ko        the same as an ELF relocatable object with .BTF (debug info stripped)
#   struct_ops.bpf.o / struct_ops.bpfeb.o  BPF objects (little/big endian) with .struct_ops maps
# The split BTF depends on the exact base ids, so the base is committed beside it; fixtures.json
# records both digests. Needs node, clang, pahole, bpftool, llvm-objcopy and /sys/kernel/btf/vmlinux.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
fx="$root/test/fixtures/btf"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$root/node_modules/.bin/esbuild" "$root/server/src/engine/btf/index.ts" --bundle --platform=node --format=cjs --outfile="$tmp/btf.js" --log-level=warning
node -e '
const btf = require(process.argv[1]);
const fs = require("fs");
const vm = btf.parseAnyBtf(new Uint8Array(fs.readFileSync("/sys/kernel/btf/vmlinux")), { name: "vmlinux" });
if (vm instanceof btf.BtfError) throw vm;
const roots = ["bpf_struct_ops_common_value", "sock", "sk_buff", "module"].map((n) => vm.findByNameKind(n, btf.BtfKind.Struct));
for (const n of ["u32", "u64"]) roots.push(vm.findByNameKind(n, btf.BtfKind.Typedef));
fs.writeFileSync(process.argv[2], btf.minimizeBtf(vm, roots, { pointerDepth: 0 }));
' "$tmp/btf.js" "$fx/testmod.base.btf"

bpftool btf dump file "$fx/testmod.base.btf" format c > "$tmp/vmlinux.h"
clang -g -O0 -c -Wno-unknown-attributes -I"$tmp" "$fx/src/testmod.c" -o "$tmp/testmod.o"
pahole -J --btf_base "$fx/testmod.base.btf" "$tmp/testmod.o"
llvm-objcopy --dump-section .BTF="$fx/testmod.btf" "$tmp/testmod.o"
llvm-objcopy --strip-debug "$tmp/testmod.o" "$fx/testmod.ko"

for target in bpf bpfeb; do
	clang -O2 -g -target "$target" -c "$fx/src/struct_ops.bpf.c" -o "$tmp/struct_ops.$target.o"
	llvm-objcopy --strip-debug "$tmp/struct_ops.$target.o" "$fx/struct_ops.$target.o"
done

cat > "$fx/fixtures.json" <<JSON
{
  "generator": "scripts/btf/make-fixtures.sh",
  "kernel": "$(uname -r)",
  "tools": "$(clang --version | head -1); pahole $(pahole --version)",
  "testmod.base.btf": "$(sha256sum "$fx/testmod.base.btf" | cut -d' ' -f1)",
  "testmod.btf": "$(sha256sum "$fx/testmod.btf" | cut -d' ' -f1)"
}
JSON
ls -l "$fx"
