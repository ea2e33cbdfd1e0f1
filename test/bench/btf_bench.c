// Baseline for test/bench/btf.mjs: libbpf's btf__parse of a BTF file, then every
// bpf_struct_ops_<T> value type (kernel is_valid_value_type shape) and T's ops members with
// their arity. Prints timings as JSON, or the listing with "list" (the whole-process case).
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Returns the number of ops members found; prints them when out != NULL. */
static int query(const struct btf *btf, FILE *out)
{
	int n = btf__type_cnt(btf), found = 0;
	for (int id = 1; id < n; id++) {
		const struct btf_type *vt = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, vt->name_off);
		if (!btf_is_struct(vt) || btf_vlen(vt) != 2 || strncmp(name, "bpf_struct_ops_", 15))
			continue;
		const struct btf_member *m = btf_members(vt);
		const struct btf_type *common = btf__type_by_id(btf, m[0].type);
		const struct btf_type *t = btf__type_by_id(btf, m[1].type);
		if (!btf_is_struct(common) || strcmp(btf__name_by_offset(btf, common->name_off), "bpf_struct_ops_common_value") ||
		    !btf_is_struct(t) || strcmp(btf__name_by_offset(btf, t->name_off), name + 15))
			continue;
		if (out)
			fprintf(out, "[%d] struct %s (value [%d])\n", m[1].type, name + 15, id);
		const struct btf_member *tm = btf_members(t);
		for (int i = 0; i < btf_vlen(t); i++) {
			const struct btf_type *mt = btf__type_by_id(btf, tm[i].type);
			while (btf_is_mod(mt) || btf_is_typedef(mt))
				mt = btf__type_by_id(btf, mt->type);
			if (!btf_is_ptr(mt))
				continue;
			const struct btf_type *fp = btf__type_by_id(btf, mt->type);
			if (!btf_is_func_proto(fp))
				continue;
			found++;
			if (out)
				fprintf(out, "  %s/%d\n", btf__name_by_offset(btf, tm[i].name_off), btf_vlen(fp));
		}
	}
	return found;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [list | ITERATIONS]\n", argv[0]);
		return 2;
	}
	const char *path = argv[1];
	if (argc > 2 && !strcmp(argv[2], "list")) {
		struct btf *btf = btf__parse(path, NULL);
		if (!btf)
			return 1;
		query(btf, stdout);
		btf__free(btf);
		return 0;
	}
	int iters = argc > 2 ? atoi(argv[2]) : 20;
	double t0 = now_ms();
	struct btf *btf = btf__parse(path, NULL);
	if (!btf) {
		perror("btf__parse");
		return 1;
	}
	int ops = query(btf, NULL);
	double cold = now_ms() - t0;
	btf__free(btf);
	double best = 1e9, total = 0;
	for (int i = 0; i < iters; i++) {
		double a = now_ms();
		btf = btf__parse(path, NULL);
		query(btf, NULL);
		double d = now_ms() - a;
		btf__free(btf);
		total += d;
		if (d < best)
			best = d;
	}
	printf("{\"coldMs\": %.3f, \"warmMinMs\": %.3f, \"warmMeanMs\": %.3f, \"opsMembers\": %d}\n", cold, best, total / iters, ops);
	return 0;
}
