// Live struct_ops loader: ground truth for the simulator's differential tests.
// Does what `bpftool struct_ops register OBJ` does with the system libbpf (1.1.x):
// open -> load -> bpf_map__attach_struct_ops for every struct_ops map in object order
// (going on after a failed map) -> tears everything down again, and prints ONE JSON line.
// Build: cc -O2 -o loader loader.c -lbpf -lelf -lz   (see run.sh)
//
// Usage: loader [--sleepable=PROG]... [--no-attach] OBJ
//   --sleepable=PROG  bpf_program__set_flags(PROG, BPF_F_SLEEPABLE) before load (libbpf 1.1 has no
//                     SEC("struct_ops.s"), so this is the only way to load a sleepable struct_ops prog).
//   --no-attach       stop after bpf_object__load.
//   --hold-ms=N       sleep N ms between attach and teardown (to test the signal safety net).
//
// Phase of the first failure: open | load | map_create | prog_load | map_update (| link_create: never
// with libbpf 1.1, which does not know BPF_F_LINK / ".struct_ops.link" maps, spec LIB-01).
// libbpf's bpf_object__load hides map creation and program loading; they are told apart by the
// messages libbpf prints (`map '%s': failed to create`, `prog '%s': BPF program load failed`,
// `prog '%s': failed to load`).
//
// SAFETY: every map that attached is detached (bpf_link__destroy -> BPF_MAP_DELETE_ELEM) before exit,
// also from the SIGSEGV/SIGBUS/SIGABRT/SIGTERM/SIGINT/SIGALRM handlers (raw bpf(2) delete, which is
// async-signal-safe). A watchdog alarm(20) bounds the run.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#define MAX_LOG 4096
#define MAX_MAPS 64
#define MAX_PROGS 128
#define MAX_KMSG 256

struct log_line {
	char level; /* 'W', 'I', 'D' */
	char *text;
};

static struct log_line g_log[MAX_LOG];
static int g_nlog;
static char g_partial[8192];
static size_t g_partial_len;
static char g_partial_level = 'D';

static const char *g_stage = "init"; /* open | load | attach | teardown | done */
static const char *g_obj_path = "";

struct map_rec {
	const char *name;
	int fd;
	bool struct_ops;
	bool tried;
	bool attached;
	int err;      /* positive errno of the attach, 0 if ok */
	bool detached;
	int detach_err;
	struct bpf_link *link;
	unsigned int flags;
	bool created_logged;
};
static struct map_rec g_maps[MAX_MAPS];
static int g_nmaps;

/* fds of attached maps, for the signal handlers (plain ints only) */
static volatile int g_attached_fds[MAX_MAPS];
static volatile int g_nattached;

static char *g_kmsg[MAX_KMSG];
static int g_nkmsg;
static int g_kmsg_fd = -1;

static const char *errno_name(int e)
{
	switch (e) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOLINK: return "ENOLINK";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EINPROGRESS: return "EINPROGRESS";
	case 524: return "ENOTSUPP";
	case 4000: return "LIBBPF_ERRNO__LIBELF";
	case 4001: return "LIBBPF_ERRNO__FORMAT";
	case 4002: return "LIBBPF_ERRNO__KVERSION";
	case 4003: return "LIBBPF_ERRNO__ENDIAN";
	case 4004: return "LIBBPF_ERRNO__INTERNAL";
	case 4005: return "LIBBPF_ERRNO__RELOC";
	case 4006: return "LIBBPF_ERRNO__LOAD";
	case 4007: return "LIBBPF_ERRNO__VERIFY";
	case 4008: return "LIBBPF_ERRNO__PROG2BIG";
	case 4009: return "LIBBPF_ERRNO__KVER";
	case 4010: return "LIBBPF_ERRNO__PROGTYPE";
	case 4011: return "LIBBPF_ERRNO__WRNGPID";
	case 4012: return "LIBBPF_ERRNO__INVSEQ";
	case 4013: return "LIBBPF_ERRNO__NLPARSE";
	default: return "UNKNOWN";
	}
}

/* ---------- libbpf print capture ---------- */

static void push_line(char level, const char *s, size_t n)
{
	if (g_nlog >= MAX_LOG)
		return;
	char *t = malloc(n + 1);
	if (!t)
		return;
	memcpy(t, s, n);
	t[n] = 0;
	g_log[g_nlog].level = level;
	g_log[g_nlog].text = t;
	g_nlog++;
}

static void flush_partial(void)
{
	if (g_partial_len) {
		push_line(g_partial_level, g_partial, g_partial_len);
		g_partial_len = 0;
	}
}

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char lv = level == LIBBPF_WARN ? 'W' : level == LIBBPF_INFO ? 'I' : 'D';
	char *buf = NULL;
	va_list cp;
	va_copy(cp, args);
	int n = vasprintf(&buf, fmt, cp);
	va_end(cp);
	if (n < 0 || !buf)
		return 0;
	/* split into lines; a verifier log arrives as one multi-line message */
	const char *p = buf;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (g_partial_len == 0)
			g_partial_level = lv;
		size_t room = sizeof(g_partial) - 1 - g_partial_len;
		size_t take = len < room ? len : room;
		memcpy(g_partial + g_partial_len, p, take);
		g_partial_len += take;
		if (nl) {
			push_line(g_partial_level, g_partial, g_partial_len);
			g_partial_len = 0;
			p = nl + 1;
		} else {
			p += len;
		}
	}
	free(buf);
	return 0;
}

/* ---------- kmsg (kernel log lines printed during the run: TCP:, BPF:, ...) ---------- */

static void kmsg_open(void)
{
	g_kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (g_kmsg_fd >= 0)
		lseek(g_kmsg_fd, 0, SEEK_END);
}

static void kmsg_collect(void)
{
	char rec[8192];
	if (g_kmsg_fd < 0)
		return;
	for (;;) {
		ssize_t n = read(g_kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)
				continue; /* overwritten records */
			break;
		}
		if (n == 0)
			break;
		rec[n] = 0;
		char *msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		char *nl = strchr(msg, '\n');
		if (nl)
			*nl = 0;
		if (g_nkmsg < MAX_KMSG)
			g_kmsg[g_nkmsg++] = strdup(msg);
	}
	close(g_kmsg_fd);
	g_kmsg_fd = -1;
}

/* ---------- tcp congestion control list ---------- */

static char g_cc_before[4096], g_cc_attached[4096], g_cc_after[4096];

static void read_cc(char *dst, size_t sz)
{
	dst[0] = 0;
	int fd = open("/proc/sys/net/ipv4/tcp_available_congestion_control", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, dst, sz - 1);
	close(fd);
	if (n < 0)
		n = 0;
	dst[n] = 0;
	char *nl = strchr(dst, '\n');
	if (nl)
		*nl = 0;
}

/* ---------- JSON output ---------- */

static void js_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* words of `now` not in `base` (space separated lists) */
static void js_cc_diff(FILE *f, const char *now, const char *base)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", now);
	bool first = true;
	fputc('[', f);
	for (char *tok = strtok(tmp, " "); tok; tok = strtok(NULL, " ")) {
		bool found = false;
		/* whole-word search */
		size_t l = strlen(tok);
		for (const char *q = base; (q = strstr(q, tok)); q += l) {
			bool start = q == base || q[-1] == ' ';
			bool end = q[l] == 0 || q[l] == ' ';
			if (start && end) {
				found = true;
				break;
			}
		}
		if (!found) {
			if (!first)
				fputc(',', f);
			js_str(f, tok);
			first = false;
		}
	}
	fputc(']', f);
}

struct prog_rec {
	const char *name;
	const char *sec;
	bool autoload;
	int fd;
	int type;
	unsigned int flags;
};
static struct prog_rec g_progs[MAX_PROGS];
static int g_nprogs;

static struct {
	const char *outcome;
	const char *phase; /* NULL -> null */
	int err;           /* positive */
	bool crash;
	int signal;
	bool timeout;
	const char *note;
} R = { "ok", NULL, 0, false, 0, false, NULL };

static bool starts_with(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static const char *first_warn(void)
{
	for (int i = 0; i < g_nlog; i++)
		if (g_log[i].level == 'W')
			return g_log[i].text;
	return NULL;
}

static void emit(void)
{
	FILE *f = stdout;
	flush_partial();
	fprintf(f, "{\"object\":");
	js_str(f, g_obj_path);
	fprintf(f, ",\"outcome\":");
	js_str(f, R.outcome);
	fprintf(f, ",\"phase\":");
	if (R.phase)
		js_str(f, R.phase);
	else
		fputs("null", f);
	fprintf(f, ",\"errno\":%d,\"errno_name\":", R.err);
	js_str(f, errno_name(R.err));
	fprintf(f, ",\"strerror\":");
	js_str(f, R.err ? strerror(R.err) : "");
	fprintf(f, ",\"crash\":%s", R.crash ? "true" : "false");
	if (R.signal)
		fprintf(f, ",\"signal\":%d", R.signal);
	fprintf(f, ",\"timeout\":%s,\"stage\":", R.timeout ? "true" : "false");
	js_str(f, g_stage);
	if (R.note) {
		fprintf(f, ",\"note\":");
		js_str(f, R.note);
	}
	fprintf(f, ",\"first_error\":");
	const char *fw = first_warn();
	if (fw)
		js_str(f, fw);
	else
		fputs("null", f);

	fprintf(f, ",\"maps\":[");
	for (int i = 0, k = 0; i < g_nmaps; i++) {
		struct map_rec *m = &g_maps[i];
		if (k++)
			fputc(',', f);
		fprintf(f, "{\"name\":");
		js_str(f, m->name);
		fprintf(f, ",\"struct_ops\":%s,\"flags\":%u,\"created\":%s,\"tried\":%s,\"attached\":%s,\"errno\":%d,\"errno_name\":",
			m->struct_ops ? "true" : "false", m->flags, m->fd >= 0 || m->created_logged ? "true" : "false",
			m->tried ? "true" : "false", m->attached ? "true" : "false", m->err);
		js_str(f, errno_name(m->err));
		fprintf(f, ",\"detached\":%s,\"detach_errno\":%d}", m->detached ? "true" : "false", m->detach_err);
	}
	fprintf(f, "],\"progs\":[");
	for (int i = 0; i < g_nprogs; i++) {
		struct prog_rec *p = &g_progs[i];
		if (i)
			fputc(',', f);
		fprintf(f, "{\"name\":");
		js_str(f, p->name);
		fprintf(f, ",\"section\":");
		js_str(f, p->sec);
		fprintf(f, ",\"type\":%d,\"autoload\":%s,\"flags\":%u,\"loaded\":%s}", p->type,
			p->autoload ? "true" : "false", p->flags, p->fd >= 0 ? "true" : "false");
	}
	fprintf(f, "],\"tcp_cc_registered\":");
	js_cc_diff(f, g_cc_attached, g_cc_before);
	fprintf(f, ",\"tcp_cc_left\":");
	js_cc_diff(f, g_cc_after[0] ? g_cc_after : g_cc_before, g_cc_before);

	/* the verifier log: lines between BEGIN/END PROG LOAD LOG */
	fprintf(f, ",\"verifier_log\":[");
	bool in = false, firstv = true;
	for (int i = 0; i < g_nlog; i++) {
		const char *t = g_log[i].text;
		if (strstr(t, "-- BEGIN PROG LOAD LOG --")) {
			in = true;
			continue;
		}
		if (strstr(t, "-- END PROG LOAD LOG --")) {
			in = false;
			continue;
		}
		if (in) {
			if (!firstv)
				fputc(',', f);
			js_str(f, t);
			firstv = false;
		}
	}
	fprintf(f, "],\"warnings\":[");
	for (int i = 0, k = 0; i < g_nlog; i++) {
		if (g_log[i].level != 'W')
			continue;
		if (k++)
			fputc(',', f);
		js_str(f, g_log[i].text);
	}
	fprintf(f, "],\"kmsg\":[");
	for (int i = 0; i < g_nkmsg; i++) {
		if (i)
			fputc(',', f);
		js_str(f, g_kmsg[i]);
	}
	fprintf(f, "],\"log\":[");
	for (int i = 0; i < g_nlog; i++) {
		if (i)
			fputc(',', f);
		char pre[3] = { g_log[i].level, ' ', 0 };
		char *s = NULL;
		if (asprintf(&s, "%s%s", pre, g_log[i].text) > 0) {
			js_str(f, s);
			free(s);
		}
	}
	fprintf(f, "]}\n");
	fflush(f);
}

/* ---------- phase classification of a bpf_object__load failure ---------- */

static const char *classify_load(void)
{
	for (int i = 0; i < g_nlog; i++) {
		const char *t = g_log[i].text;
		if (g_log[i].level != 'W')
			continue;
		if (starts_with(t, "libbpf: map '") && strstr(t, "': failed to create"))
			return "map_create";
		if (starts_with(t, "libbpf: prog '") &&
		    (strstr(t, "': BPF program load failed") || strstr(t, "': failed to load")))
			return "prog_load";
		if (strstr(t, "failed to load object"))
			break;
	}
	return "load";
}

/* ---------- signal safety net ---------- */

static void emergency_detach(void)
{
	for (int i = 0; i < g_nattached; i++) {
		int fd = g_attached_fds[i];
		if (fd < 0)
			continue;
		union bpf_attr attr;
		__u32 zero = 0;
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = (unsigned long)&zero;
		syscall(__NR_bpf, BPF_MAP_DELETE_ELEM, &attr, sizeof(attr));
		g_attached_fds[i] = -1;
	}
}

static void on_signal(int sig)
{
	emergency_detach();
	R.outcome = "fail";
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT || sig == SIGILL || sig == SIGFPE) {
		R.crash = true;
		if (!R.phase)
			R.phase = strcmp(g_stage, "attach") == 0 ? "map_update" : g_stage;
		R.note = "loader crashed inside libbpf";
	} else {
		R.timeout = true;
		R.note = "loader interrupted (timeout/termination)";
	}
	R.signal = sig;
	/* best effort: stdio may be inconsistent, but the process is dying anyway */
	read_cc(g_cc_after, sizeof(g_cc_after));
	kmsg_collect();
	emit();
	_exit(sig == SIGSEGV || sig == SIGBUS ? 3 : 4);
}

static void install_handlers(void)
{
	static char altstack[1 << 16];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTERM, SIGINT, SIGALRM, SIGHUP };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* ---------- main ---------- */

int main(int argc, char **argv)
{
	const char *sleepable[16];
	int nsleepable = 0;
	bool no_attach = false;
	long hold_ms = 0;
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (starts_with(argv[i], "--sleepable=")) {
			if (nsleepable < 16)
				sleepable[nsleepable++] = argv[i] + strlen("--sleepable=");
		} else if (starts_with(argv[i], "--hold-ms=")) {
			hold_ms = atol(argv[i] + strlen("--hold-ms="));
		} else if (strcmp(argv[i], "--no-attach") == 0) {
			no_attach = true;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, "usage: %s [--sleepable=PROG]... [--no-attach] OBJ\n", argv[0]);
		return 2;
	}
	g_obj_path = path;

	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	install_handlers();
	alarm(20);
	libbpf_set_print(print_fn);
	kmsg_open();
	read_cc(g_cc_before, sizeof(g_cc_before));
	snprintf(g_cc_attached, sizeof(g_cc_attached), "%s", g_cc_before);

	g_stage = "open";
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		R.outcome = "fail";
		R.phase = "open";
		R.err = errno;
		goto out;
	}

	struct bpf_map *map;
	bpf_object__for_each_map(map, obj) {
		if (g_nmaps >= MAX_MAPS)
			break;
		struct map_rec *m = &g_maps[g_nmaps++];
		m->name = strdup(bpf_map__name(map));
		m->struct_ops = bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS;
		m->flags = bpf_map__map_flags(map);
		m->fd = -1;
	}

	struct bpf_program *prog;
	for (int i = 0; i < nsleepable; i++) {
		prog = bpf_object__find_program_by_name(obj, sleepable[i]);
		if (!prog) {
			fprintf(stderr, "loader: no program %s\n", sleepable[i]);
			R.outcome = "fail";
			R.phase = "open";
			R.err = ENOENT;
			R.note = "--sleepable names an unknown program";
			goto out_close;
		}
		bpf_program__set_flags(prog, bpf_program__flags(prog) | BPF_F_SLEEPABLE);
	}

	g_stage = "load";
	int err = bpf_object__load(obj);
	if (err) {
		R.outcome = "fail";
		R.err = -err;
		R.phase = classify_load();
	}

	int mi = 0;
	bpf_object__for_each_map(map, obj) {
		if (mi < g_nmaps) {
			g_maps[mi].fd = bpf_map__fd(map);
			/* after a failed load libbpf has closed the fds again: use its log */
			char pat[256];
			snprintf(pat, sizeof(pat), "libbpf: map '%s': created successfully", g_maps[mi].name);
			for (int i = 0; i < g_nlog && !g_maps[mi].created_logged; i++)
				if (starts_with(g_log[i].text, pat))
					g_maps[mi].created_logged = true;
		}
		mi++;
	}
	bpf_object__for_each_program(prog, obj) {
		if (g_nprogs >= MAX_PROGS)
			break;
		struct prog_rec *p = &g_progs[g_nprogs++];
		p->name = strdup(bpf_program__name(prog));
		p->sec = strdup(bpf_program__section_name(prog));
		p->autoload = bpf_program__autoload(prog);
		p->fd = bpf_program__fd(prog);
		p->type = bpf_program__type(prog);
		p->flags = bpf_program__flags(prog);
	}
	if (err || no_attach)
		goto out_close;

	/* attach: like bpftool struct_ops register, one map after the other, going on after failures */
	g_stage = "attach";
	mi = 0;
	bpf_object__for_each_map(map, obj) {
		struct map_rec *m = &g_maps[mi++];
		if (!m->struct_ops)
			continue;
		m->tried = true;
		errno = 0;
		struct bpf_link *link = bpf_map__attach_struct_ops(map);
		if (!link) {
			m->err = errno ? errno : EINVAL;
			if (!R.phase) {
				R.outcome = "fail";
				R.phase = "map_update";
				R.err = m->err;
			}
			continue;
		}
		m->link = link;
		m->attached = true;
		g_attached_fds[g_nattached] = bpf_map__fd(map);
		g_nattached++;
	}
	read_cc(g_cc_attached, sizeof(g_cc_attached));
	if (hold_ms > 0) {
		struct timespec ts = { hold_ms / 1000, (hold_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}

	/* teardown: bpf_link__destroy on the pseudo-link does BPF_MAP_DELETE_ELEM */
	g_stage = "teardown";
	for (int i = 0; i < g_nmaps; i++) {
		struct map_rec *m = &g_maps[i];
		if (!m->link)
			continue;
		int derr = bpf_link__destroy(m->link);
		m->link = NULL;
		m->detached = derr == 0;
		m->detach_err = derr < 0 ? -derr : derr;
		for (int k = 0; k < g_nattached; k++)
			if (g_attached_fds[k] == m->fd)
				g_attached_fds[k] = -1;
	}

out_close:
	bpf_object__close(obj);
out:
	emergency_detach(); /* no-op unless something is still marked attached */
	read_cc(g_cc_after, sizeof(g_cc_after));
	kmsg_collect();
	g_stage = "done";
	emit();
	return 0;
}
