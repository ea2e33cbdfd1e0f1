// The kernel's BTF verifier (kernel/bpf/btf.c btf_parse via bpf(BPF_BTF_LOAD)) on many blobs in
// one process, for the reader's differential fuzz test. Input file: repeated [u32 length (host
// order)][length bytes]. Output: one line per blob, in order:
//   ok
//   rej <errno> <last line of the verifier log>     (the line that names the error)
// Each blob is loaded once without a log (the true errno: a full log turns it into ENOSPC) and,
// when rejected, once more with a log. Every fd is closed at once. Exit 0, or 2 on usage/IO error.
// Build: cc -O2 -o btfVerdicts btfVerdicts.c
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

// kernel/bpf/btf.c BTF_MAX_SIZE: larger blobs get E2BIG before any check.
#define BTF_MAX_SIZE (16 << 20)
static char log_buf[16 << 20];

static int btf_load(const void *data, uint32_t size, char *log, uint32_t log_size)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.btf = (unsigned long)data;
	attr.btf_size = size;
	if (log) {
		attr.btf_log_buf = (unsigned long)log;
		attr.btf_log_size = log_size;
		attr.btf_log_level = 1;
	}
	return syscall(SYS_bpf, BPF_BTF_LOAD, &attr, sizeof(attr));
}

/** The last non-empty line of the log, with tabs and control bytes made spaces. */
static void print_last_line(const char *log)
{
	size_t end = strnlen(log, sizeof(log_buf));
	while (end > 0 && (log[end - 1] == '\n' || log[end - 1] == ' '))
		end--;
	size_t start = end;
	while (start > 0 && log[start - 1] != '\n')
		start--;
	for (size_t i = start; i < end; i++)
		putchar((unsigned char)log[i] < 0x20 ? ' ' : log[i]);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s BLOBS\n", argv[0]);
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	uint32_t size;
	while (fread(&size, sizeof(size), 1, f) == 1) {
		char *data = malloc(size ? size : 1);
		if (!data || fread(data, 1, size, f) != size) {
			fprintf(stderr, "%s: short blob\n", argv[1]);
			return 2;
		}
		int fd = btf_load(data, size, NULL, 0);
		if (fd >= 0) {
			close(fd);
			printf("ok\n");
		} else {
			int err = errno;
			log_buf[0] = 0;
			int again = btf_load(data, size, log_buf, sizeof(log_buf));
			if (again >= 0)
				close(again);
			printf("rej %d ", err);
			print_last_line(log_buf);
			putchar('\n');
		}
		free(data);
		fflush(stdout);
	}
	fclose(f);
	return 0;
}
