// Loads a raw BTF file into the running kernel with bpf(BPF_BTF_LOAD) so the kernel's own BTF
// verifier judges it (kernel/bpf/btf.c btf_parse). Prints "ok" or the verifier log; exit 0 ok,
// 1 rejected, 2 usage/IO error. Used by test/unit/btf tests (compiled at test time, needs root).
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.btf\n", argv[0]);
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	static char data[64 << 20];
	size_t size = fread(data, 1, sizeof(data), f);
	fclose(f);
	static char log[16 << 20];
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.btf = (unsigned long)data;
	attr.btf_size = size;
	attr.btf_log_buf = (unsigned long)log;
	attr.btf_log_size = sizeof(log);
	attr.btf_log_level = 1;
	int fd = syscall(SYS_bpf, BPF_BTF_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		int err = errno;
		printf("rejected: %s\n%s", strerror(err), log);
		return 1;
	}
	close(fd);
	printf("ok\n");
	return 0;
}
