#!/bin/sh
# Safety wrapper around the live loader, shared by run.mjs and test/helpers/live.ts.
#   guard.sh run LOADER OBJ [loader args...]   run one object, then clean up
#   guard.sh bpftool OBJ                       `bpftool struct_ops register OBJ`, then clean up
#                                              (bpftool leaves non-link maps registered: the
#                                              cleanup report then lists what it registered)
#   guard.sh cleanup                           only clean up
# Holds an exclusive lock (/run/lock/sot-live.lock) so two live runs never overlap (they would
# clash on cc names), bounds the loader with timeout(1), and afterwards unregisters every
# struct_ops map whose name starts with sot_ (`bpftool struct_ops unregister id N`).
# The last stdout line is always `#guard {"struct_ops":[..],"tcp_cc":[..],"cleaned":[..],"still":[..]}`
# listing what of ours was left registered, what was cleaned and what is still there.
set -u
LOCK=${SOT_LIVE_LOCK:-/run/lock/sot-live.lock}
[ -d "$(dirname "$LOCK")" ] || LOCK=/tmp/sot-live.lock
exec 9>"$LOCK"
if ! flock -w 600 9; then
	echo '{"outcome":"fail","phase":null,"errno":0,"errno_name":"NONE","note":"guard.sh: could not take the live lock"}'
	echo '#guard {"struct_ops":[],"tcp_cc":[],"cleaned":[],"still":[],"error":"lock"}'
	exit 1
fi

mode=${1:-}
rc=0
if [ "$mode" = run ]; then
	shift
	loader=$1
	shift
	timeout -k 5 30 "$loader" "$@"
	rc=$?
elif [ "$mode" = bpftool ]; then
	timeout -k 5 30 bpftool struct_ops register "$2" 2>&1
	rc=$?
	echo "#bpftool-exit $rc"
elif [ "$mode" != cleanup ]; then
	echo "usage: $0 run LOADER OBJ [args] | bpftool OBJ | cleanup" >&2
	exit 2
fi

ours_so() { bpftool struct_ops show 2>/dev/null | awk '$2 ~ /^sot_/ { sub(":", "", $1); print $1 ":" $2 }'; }
ours_cc() { tr ' ' '\n' </proc/sys/net/ipv4/tcp_available_congestion_control | grep '^sot_'; }
jlist() { # words -> JSON array of strings
	printf '['
	sep=''
	for w in "$@"; do printf '%s"%s"' "$sep" "$w"; sep=','; done
	printf ']'
}

so=$(ours_so)
cc=$(ours_cc)
cleaned=''
for entry in $so; do
	id=${entry%%:*}
	if bpftool struct_ops unregister id "$id" >/dev/null 2>&1; then
		cleaned="$cleaned $entry"
	fi
done
still=''
if [ -n "$so$cc" ]; then
	still="$(ours_so) $(ours_cc)"
fi
# shellcheck disable=SC2086
printf '#guard {"struct_ops":%s,"tcp_cc":%s,"cleaned":%s,"still":%s}\n' \
	"$(jlist $so)" "$(jlist $cc)" "$(jlist $cleaned)" "$(jlist $still)"
exit $rc
