// SPDX-License-Identifier: MIT
/*
 * Images: ELF cores round-trip a machine (RAM, control state, trees),
 * readelf sees one PT_LOAD per RAM range at its physical address, files
 * stay sparse, raw images are RAM back to back, and hostile files are
 * refused with a message, never a crash or a leak.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ptk_test.h"
#include <ptkit/ptkit.h>
#include <ptkit/x86_64.h>

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define TiB (1ull << 40)

static char tmpdir[256];

/* --- small helpers ------------------------------------------------------- */

static uint64_t rng_state = 0x5eed1234abcdull;

static uint64_t rnd(void)	/* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const char *tmp_path(const char *name)
{
	static char buf[8][512];
	static unsigned k;
	char *p = buf[k++ % 8];

	snprintf(p, 512, "%s/%s", tmpdir, name);
	return p;
}

static struct ptk_machine *new_machine(const struct ptk_phys_range *ram, size_t n,
				       unsigned pa_bits)
{
	return ptk_test_machine("x86_64-4level", ram, n, pa_bits);
}

static void map(struct ptk_pgtable *pt, uint64_t va, uint64_t pa, uint64_t size,
		const char *prot, uint64_t page)
{
	struct ptk_machine *m = ptk_pgtable_machine(pt);
	struct ptk_prot p;

	assert_int_equal(ptk_prot_parse(ptk_machine_format(m), prot, &p), 0);
	if (ptk_map_range(pt, va, pa, size, &p, page))
		fail_msg("map %#llx: %s", (unsigned long long)va, ptk_machine_errmsg(m));
}

static void save_ok(struct ptk_machine *m, const char *path, enum ptk_image_kind kind)
{
	if (ptk_image_save(m, path, kind))
		fail_msg("save %s: %s", path, ptk_machine_errmsg(m));
}

static struct ptk_machine *load_ok(const char *path)
{
	struct ptk_error err = { 0 };
	struct ptk_machine *m = NULL;

	if (ptk_image_load(path, &m, &err))
		fail_msg("load %s: %s", path, err.msg);
	assert_non_null(m);
	return m;
}

static void write_at(struct ptk_machine *m, uint64_t pa, const void *buf, size_t len)
{
	assert_int_equal(ptk_phys_write(ptk_machine_phys(m), pa, buf, len), 0);
}

/* --- the round trip ------------------------------------------------------ */

static const struct ptk_phys_range trip_ram[] = {
	{ 0x100000, 16 * MiB },			/* not at 0 */
	{ 1 * GiB, 256 * MiB },
	{ 4 * GiB, 1 * GiB + 4 * MiB },		/* above 4 GiB */
};

#define NR_TRIP (sizeof(trip_ram) / sizeof(trip_ram[0]))

struct region { uint64_t va, size; };

static const struct region trip_regions[] = {
	{ 0xffff888100000000ull, 1 * GiB },	/* 1G page */
	{ 0xffffffff80000000ull, 16 * MiB },	/* 2M pages */
	{ 0x400000, 256 * KiB },		/* 4K pages */
	{ 0x7fff00000000ull, 8 * MiB },		/* 2M pages, user */
	{ 0x7fff40000000ull, 64 * KiB },	/* 4K pages pointing outside RAM */
};

#define NR_REGIONS (sizeof(trip_regions) / sizeof(trip_regions[0]))

static struct ptk_machine *trip_machine(void)
{
	struct ptk_machine *m = new_machine(trip_ram, NR_TRIP, 0);
	struct ptk_pgtable *k, *u;
	struct ptk_cpu *cpu = ptk_machine_cpu(m);

	assert_int_equal(ptk_pgd_alloc(m, "kernel", &k), 0);
	assert_int_equal(ptk_pgd_alloc(m, "user", &u), 0);
	map(k, trip_regions[0].va, 4 * GiB, 1 * GiB, "rwg", 1 * GiB);
	map(k, trip_regions[1].va, 1 * GiB, 16 * MiB, "rxg", 2 * MiB);
	map(u, trip_regions[2].va, 0x100000, 256 * KiB, "rwu", 4 * KiB);
	map(u, trip_regions[3].va, 1 * GiB + 32 * MiB, 8 * MiB, "ru", 2 * MiB);
	map(u, trip_regions[4].va, 0x7000000000ull, 64 * KiB, "rwxu,uc", 4 * KiB);
	map(k, trip_regions[2].va, 0x200000, 64 * KiB, "rw", 4 * KiB);

	/* Data in every range, some of it straddling a page boundary. */
	for (unsigned i = 0; i < 64; i++) {
		const struct ptk_phys_range *r = &trip_ram[i % NR_TRIP];
		uint64_t pa = r->base + (rnd() % (r->size / 2));
		uint8_t buf[100];

		for (size_t j = 0; j < sizeof(buf); j++)
			buf[j] = (uint8_t)rnd();
		write_at(m, pa, buf, sizeof(buf));
	}
	/* Control state away from the defaults, so restoring it shows. */
	cpu->x86.cr4 &= ~PTK_X86_CR4_SMAP;
	cpu->x86.pkru = 0x12345678;
	cpu->x86.ac = true;
	return m;
}

/* `readelf -lW`: one LOAD line per RAM range, at its physical address. */
static void check_readelf(const char *path, const struct ptk_phys_range *ram, size_t n)
{
	char cmd[600], line[512];
	FILE *p;
	size_t nload = 0, nnote = 0;

	snprintf(cmd, sizeof(cmd), "readelf -lW '%s' 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char type[32];
		unsigned long long off, va, pa, fsz, msz;

		if (sscanf(line, " %31s %llx %llx %llx %llx %llx", type, &off, &va, &pa, &fsz,
			   &msz) != 6)
			continue;
		if (!strcmp(type, "NOTE")) {
			assert_int_equal(nload, 0);	/* the note comes first */
			nnote++;
			continue;
		}
		if (strcmp(type, "LOAD"))
			continue;
		assert_true(nload < n);
		assert_int_equal(pa, ram[nload].base);
		assert_int_equal(fsz, ram[nload].size);
		assert_int_equal(msz, ram[nload].size);
		assert_int_equal(off % PTK_PAGE_SIZE, 0);
		nload++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(nnote, 1);
	assert_int_equal(nload, n);
}

static uint64_t random_va(const struct region *regions, size_t n)
{
	const struct region *r = &regions[rnd() % n];

	if (rnd() % 4 == 0)	/* anywhere, canonical or not */
		return rnd() % 2 ? rnd() : (uint64_t)((int64_t)(rnd() << 16) >> 16);
	return r->va + rnd() % (r->size + 64 * KiB);	/* and a bit past the end */
}

static void check_same_walks(struct ptk_machine *a, struct ptk_machine *b, const char *name,
			     const struct region *regions, size_t n)
{
	const struct ptk_pgtable *ta = ptk_pgtable_find(a, name);
	const struct ptk_pgtable *tb = ptk_pgtable_find(b, name);

	assert_non_null(ta);
	assert_non_null(tb);
	unsigned ok = 0, faults = 0;

	assert_int_equal(ptk_pgtable_root(ta, 0), ptk_pgtable_root(tb, 0));
	for (unsigned i = 0; i < 600; i++) {
		struct ptk_walk_req req = {
			.va = random_va(regions, n), .access = (enum ptk_access)(rnd() % 3),
			.user = rnd() % 2, .no_update = true,
		};
		struct ptk_walk_result ra, rb;
		int rca = ptk_translate(a, ta, &req, &ra);
		int rcb = ptk_translate(b, tb, &req, &rb);

		assert_int_equal(rca, rcb);
		assert_int_equal(ra.fault.kind, rb.fault.kind);
		assert_int_equal(ra.pa, rb.pa);
		assert_int_equal(ra.level, rb.level);
		if (rca) {
			faults++;
			continue;
		}
		assert_int_equal(ra.page_size, rb.page_size);
		ok++;
	}
	/* The comparison means something only if both outcomes occur. */
	assert_true(ok > 25);
	assert_true(faults > 25);
}

struct cmp_ctx { struct ptk_machine *other; };

/* Every backed byte of one machine equals the other's; run both ways,
 * this covers all of RAM (the rest reads as zeros on both sides). */
static int cmp_backed(void *ctx, uint64_t pa, const void *host, size_t len)
{
	struct cmp_ctx *c = ctx;
	uint8_t *buf = malloc(len);
	int same;

	assert_non_null(buf);
	assert_int_equal(ptk_phys_read(ptk_machine_phys(c->other), pa, buf, len), 0);
	same = !memcmp(buf, host, len);
	free(buf);
	if (!same)
		fail_msg("RAM differs in the chunk at %#llx", (unsigned long long)pa);
	return 0;
}

static void check_same_ram(struct ptk_machine *a, struct ptk_machine *b)
{
	struct cmp_ctx ab = { b }, ba = { a };
	const struct ptk_phys *pa = ptk_machine_phys(a), *pb = ptk_machine_phys(b);

	assert_int_equal(ptk_phys_nr_ranges(pa), ptk_phys_nr_ranges(pb));
	for (size_t i = 0; i < ptk_phys_nr_ranges(pa); i++) {
		assert_int_equal(ptk_phys_range_at(pa, i).base, ptk_phys_range_at(pb, i).base);
		assert_int_equal(ptk_phys_range_at(pa, i).size, ptk_phys_range_at(pb, i).size);
	}
	assert_int_equal(ptk_phys_pa_bits(pa), ptk_phys_pa_bits(pb));
	ptk_phys_for_each_backed(pa, cmp_backed, &ab);
	ptk_phys_for_each_backed(pb, cmp_backed, &ba);
}

static void check_same_cpu(struct ptk_machine *a, struct ptk_machine *b)
{
	const struct ptk_cpu *x = ptk_machine_cpu(a), *y = ptk_machine_cpu(b);

	assert_int_equal(x->x86.cr0, y->x86.cr0);
	assert_int_equal(x->x86.cr4, y->x86.cr4);
	assert_int_equal(x->x86.efer, y->x86.efer);
	assert_int_equal(x->x86.pkru, y->x86.pkru);
	assert_int_equal(x->x86.ac, y->x86.ac);
	assert_int_equal(x->pa_bits, y->pa_bits);
}

static void test_roundtrip(void **state)
{
	const char *path = tmp_path("trip.elf");
	struct ptk_machine *m = trip_machine(), *l;

	(void)state;
	save_ok(m, path, PTK_IMAGE_ELF);
	check_readelf(path, trip_ram, NR_TRIP);
	l = load_ok(path);
	assert_string_equal(ptk_machine_format(l)->name, "x86_64-4level");
	check_same_cpu(m, l);
	check_same_ram(m, l);
	check_same_walks(m, l, "kernel", trip_regions, NR_REGIONS);
	check_same_walks(m, l, "user", trip_regions, NR_REGIONS);
	/* Trees come back in order, and nothing else does. */
	assert_string_equal(ptk_pgtable_name(ptk_pgtable_first(l)), "kernel");
	assert_null(ptk_pgtable_next(ptk_pgtable_next(ptk_pgtable_first(l))));
	/* Saving the loaded machine gives the same image again. */
	save_ok(l, tmp_path("trip2.elf"), PTK_IMAGE_ELF);
	ptk_machine_destroy(l);
	l = load_ok(tmp_path("trip2.elf"));
	check_same_ram(m, l);
	ptk_machine_destroy(l);
	ptk_machine_destroy(m);
	unlink(path);
	unlink(tmp_path("trip2.elf"));
}

/* --- sparse files ---------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_sparse(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, 64 * GiB } };
	const char *path = tmp_path("sparse.elf");
	struct ptk_machine *m = new_machine(ram, 1, 0), *l;
	struct ptk_pgtable *pt;
	struct stat st;
	const uint64_t pas[] = { 0, 5 * GiB + 123, 33 * GiB - 8, 60 * GiB - 4096 };
	uint64_t v;

	(void)state;
	assert_int_equal(ptk_pgd_alloc(m, "mm", &pt), 0);
	map(pt, 0x1000, 0x1000, 8 * MiB, "rw", 0);
	for (size_t i = 0; i < sizeof(pas) / sizeof(pas[0]); i++)
		write_at(m, pas[i], &pas[i], sizeof(pas[i]));
	/* A written but all-zero page must not cost disk either. */
	assert_int_equal(ptk_phys_zero(ptk_machine_phys(m), 0, 8), 0);
	save_ok(m, path, PTK_IMAGE_ELF);
	assert_int_equal(stat(path, &st), 0);
	assert_true((uint64_t)st.st_size >= 64 * GiB);
	assert_true((uint64_t)st.st_blocks * 512 < 16 * MiB);
	check_readelf(path, ram, 1);
	l = load_ok(path);
	for (size_t i = 1; i < sizeof(pas) / sizeof(pas[0]); i++) {
		assert_int_equal(ptk_phys_read(ptk_machine_phys(l), pas[i], &v, 8), 0);
		assert_int_equal(v, pas[i]);
	}
	check_same_ram(m, l);
	check_same_walks(m, l, "mm", &(struct region){ 0, 16 * MiB }, 1);
	/* The loaded machine stays sparse too. */
	assert_true(ptk_phys_backed_bytes(ptk_machine_phys(l)) < 64 * MiB);
	ptk_machine_destroy(l);
	ptk_machine_destroy(m);
	unlink(path);
}

/* A terabyte of RAM saves and loads in moments: only touched pages count. */
static void test_terabyte(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, 1 * TiB } };
	const char *path = tmp_path("tera.elf");
	struct ptk_machine *m = new_machine(ram, 1, 0), *l;
	struct ptk_pgtable *pt;
	uint64_t v = 0x1122334455667788ull;
	double t0, t1, t2;
	struct stat st;

	(void)state;
	assert_int_equal(ptk_pgd_alloc(m, "mm", &pt), 0);
	map(pt, 0x200000, 512 * GiB, 4 * GiB, "rw", 0);
	write_at(m, 777 * GiB + 8, &v, sizeof(v));
	t0 = now();
	save_ok(m, path, PTK_IMAGE_ELF);
	t1 = now();
	l = load_ok(path);
	t2 = now();
	print_message("1 TiB machine: save %.3f s, load %.3f s\n", t1 - t0, t2 - t1);
	assert_true(t1 - t0 < 1.0);
	assert_true(t2 - t1 < 2.0);
	assert_int_equal(stat(path, &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 < 16 * MiB);
	v = 0;
	assert_int_equal(ptk_phys_read(ptk_machine_phys(l), 777 * GiB + 8, &v, 8), 0);
	assert_int_equal(v, 0x1122334455667788ull);
	ptk_machine_destroy(l);
	ptk_machine_destroy(m);
	unlink(path);
}

/* 5-level paging: the format comes back by name, LA57 with it. */
static void test_five_level(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0x100000, 64 * MiB } };
	const char *path = tmp_path("la57.elf");
	struct ptk_machine_config cfg = {
		.fmt = ptk_format_find("x86_64-5level"), .ram = ram, .nr_ram = 1, .pa_bits = 52,
	};
	struct ptk_error err = { 0 };
	struct ptk_machine *m = NULL, *l;
	struct ptk_pgtable *pt;
	static const struct region r = { 0xff11000000000000ull, 8 * MiB };

	(void)state;
	assert_int_equal(ptk_machine_create(&m, &cfg, &err), 0);
	assert_int_equal(ptk_pgd_alloc(m, "mm", &pt), 0);
	map(pt, r.va, 0x200000, r.size, "rw", 0);
	save_ok(m, path, PTK_IMAGE_ELF);
	l = load_ok(path);
	assert_string_equal(ptk_machine_format(l)->name, "x86_64-5level");
	assert_int_equal(ptk_phys_pa_bits(ptk_machine_phys(l)), 52);
	assert_true(ptk_machine_cpu(l)->x86.cr4 & PTK_X86_CR4_LA57);
	check_same_walks(m, l, "mm", &r, 1);
	ptk_machine_destroy(l);
	ptk_machine_destroy(m);
	unlink(path);
}

/* --- raw images ----------------------------------------------------------- */

static void test_raw(void **state)
{
	static const struct ptk_phys_range ram[] = {
		{ 0x200000, 2 * MiB }, { 8 * GiB, 64 * MiB }, { 1 * GiB, 4 * MiB },
	};
	const char *path = tmp_path("ram.raw");
	struct ptk_machine *m = new_machine(ram, 3, 0), *l = (void *)&l;
	struct ptk_error err = { 0 };
	uint8_t b = 0xa5, got = 0;
	struct stat st;
	int fd;

	(void)state;
	/* Address order: 0x200000 (2 MiB), 1 GiB (4 MiB), then 8 GiB. */
	write_at(m, 8 * GiB + 0x12345, &b, 1);
	write_at(m, 1 * GiB + 3, &b, 1);
	save_ok(m, path, PTK_IMAGE_RAW);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 2 * MiB + 64 * MiB + 4 * MiB);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &got, 1, (off_t)(2 * MiB + 4 * MiB + 0x12345)), 1);
	assert_int_equal(got, 0xa5);
	got = 0;
	assert_int_equal(pread(fd, &got, 1, (off_t)(2 * MiB + 3)), 1);
	assert_int_equal(got, 0xa5);
	close(fd);
	/* No metadata: loading says why. */
	assert_int_equal(ptk_image_load(path, &l, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "not an ELF"));
	assert_ptr_equal(l, (void *)&l);
	ptk_machine_destroy(m);
	unlink(path);
}

/* --- saving errors -------------------------------------------------------- */

static void test_save_errors(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, 4 * MiB } };
	struct ptk_machine *m = new_machine(ram, 1, 0);
	struct ptk_pgtable *pt;
	const char *path = tmp_path("bad-name.elf");

	(void)state;
	assert_int_equal(ptk_image_save(m, tmp_path("no/such/dir.elf"), PTK_IMAGE_ELF), -ENOENT);
	assert_non_null(strstr(ptk_machine_errmsg(m), "no/such/dir.elf"));
	assert_int_equal(ptk_image_save(m, tmp_path("x.img"), (enum ptk_image_kind)7), -EINVAL);
	/* A name the note cannot hold: refused, and no half-written file left. */
	assert_int_equal(ptk_pgd_alloc(m, "two words", &pt), 0);
	assert_int_equal(ptk_image_save(m, path, PTK_IMAGE_ELF), -EINVAL);
	assert_non_null(strstr(ptk_machine_errmsg(m), "two words"));
	assert_int_equal(access(path, F_OK), -1);
	ptk_machine_destroy(m);

	/* More RAM ranges than an image may hold. */
	struct ptk_phys_range many[1025];

	for (size_t i = 0; i < 1025; i++)
		many[i] = (struct ptk_phys_range){ i * 2 * PTK_PAGE_SIZE, PTK_PAGE_SIZE };
	m = new_machine(many, 1025, 0);
	assert_int_equal(ptk_image_save(m, path, PTK_IMAGE_ELF), -E2BIG);
	assert_non_null(strstr(ptk_machine_errmsg(m), "1025 RAM ranges"));
	assert_int_equal(access(path, F_OK), -1);
	ptk_machine_destroy(m);
}

/* --- hostile files --------------------------------------------------------- */

struct image { uint8_t *b; size_t len; };

static struct image small_image(void)
{
	static const struct ptk_phys_range ram[] = { { 0, 2 * MiB }, { 4 * GiB, 2 * MiB } };
	const char *path = tmp_path("small.elf");
	struct ptk_machine *m = new_machine(ram, 2, 0);
	struct ptk_pgtable *pt;
	struct image im;
	struct stat st;
	FILE *f;

	assert_int_equal(ptk_pgd_alloc(m, "mm", &pt), 0);
	map(pt, 0x400000, 0x1000, 64 * KiB, "rwu", 0);
	save_ok(m, path, PTK_IMAGE_ELF);
	ptk_machine_destroy(m);
	assert_int_equal(stat(path, &st), 0);
	im.len = (size_t)st.st_size;
	im.b = malloc(im.len);
	assert_non_null(im.b);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(im.b, 1, im.len, f), im.len);
	fclose(f);
	unlink(path);
	return im;
}

/* Write len bytes of a (patched) image, load it, expect a refusal that
 * mentions `needle`. */
static void expect_refused(const void *b, size_t len, const char *needle)
{
	const char *path = tmp_path("hostile.elf");
	struct ptk_machine *m = (void *)&m;
	struct ptk_error err = { 0 };
	FILE *f = fopen(path, "wb");
	int rc;

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, len, f), len);
	fclose(f);
	rc = ptk_image_load(path, &m, &err);
	if (rc >= 0 || !err.msg[0] || !strstr(err.msg, needle))
		fail_msg("expected a refusal mentioning '%s', got %d: '%s'", needle, rc, err.msg);
	assert_int_equal(err.code, rc);
	assert_ptr_equal(m, (void *)&m);	/* *out untouched */
	unlink(path);
}

static Elf64_Phdr *phdr(struct image *im, unsigned i)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)im->b;

	return (Elf64_Phdr *)(im->b + eh->e_phoff) + i;
}

/* Patch a copy, test it, restore. */
#define WITH_COPY(im, body, needle) do {                      \
		struct image c_ = { malloc((im).len), (im).len }; \
		assert_non_null(c_.b);                            \
		memcpy(c_.b, (im).b, (im).len);                   \
		{ struct image *p_ = &c_; body; }                 \
		expect_refused(c_.b, c_.len, needle);             \
		free(c_.b);                                       \
	} while (0)

static char *note_text(struct image *im, const char *s)
{
	char *p = memmem(im->b, im->len, s, strlen(s));

	assert_non_null(p);
	return p;
}

static void test_hostile_headers(void **state)
{
	struct image im = small_image();
	uint8_t garbage[8192];

	(void)state;
	/* The original loads. */
	{
		const char *path = tmp_path("ok.elf");
		FILE *f = fopen(path, "wb");
		struct ptk_machine *m;

		assert_non_null(f);
		assert_int_equal(fwrite(im.b, 1, im.len, f), im.len);
		fclose(f);
		m = load_ok(path);
		ptk_machine_destroy(m);
		unlink(path);
	}
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (uint8_t)rnd();
	expect_refused(garbage, sizeof(garbage), "not an ELF");
	expect_refused(garbage, 0, "not an ELF");
	expect_refused(im.b, 3, "not an ELF");
	expect_refused(im.b, 40, "ELF header truncated");
	expect_refused(im.b, 100, "runs past the end");	/* inside the phdrs */
	expect_refused(im.b, 300, "PT_NOTE");		/* inside the note */
	expect_refused(im.b, im.len - 4096, "past the end of the file");
	WITH_COPY(im, ((Elf64_Ehdr *)p_->b)->e_machine = EM_AARCH64, "does not match");
	WITH_COPY(im, ((Elf64_Ehdr *)p_->b)->e_machine = 0x1234, "e_machine");
	WITH_COPY(im, ((Elf64_Ehdr *)p_->b)->e_type = ET_EXEC, "ET_CORE");
	WITH_COPY(im, p_->b[EI_CLASS] = ELFCLASS32, "ELFCLASS64");
	WITH_COPY(im, p_->b[EI_DATA] = ELFDATA2MSB, "ELFDATA2LSB");
	WITH_COPY(im, ((Elf64_Ehdr *)p_->b)->e_phoff = 1ull << 60, "e_phoff");
	WITH_COPY(im, ((Elf64_Ehdr *)p_->b)->e_phnum = 0xfff0, "e_phnum");
	WITH_COPY(im, ((Elf64_Ehdr *)p_->b)->e_phnum = 200, "program header 3: type");
	WITH_COPY(im, ((Elf64_Ehdr *)p_->b)->e_phnum = 0, "e_phnum");
	WITH_COPY(im, ((Elf64_Ehdr *)p_->b)->e_phnum = 1, "no PT_LOAD");
	WITH_COPY(im, phdr(p_, 1)->p_offset = 1ull << 40, "past the end of the file");
	WITH_COPY(im, phdr(p_, 1)->p_offset = UINT64_MAX & ~4095ull, "past the end");
	WITH_COPY(im, phdr(p_, 1)->p_offset += 8, "aligned");
	WITH_COPY(im, phdr(p_, 2)->p_paddr = 4096, "overlap in physical memory");
	WITH_COPY(im, phdr(p_, 2)->p_offset = phdr(p_, 1)->p_offset, "overlap");
	WITH_COPY(im, phdr(p_, 1)->p_offset = 0, "overlap");
	WITH_COPY(im, phdr(p_, 2)->p_paddr = 1ull << 46, "pa_bits");
	WITH_COPY(im, phdr(p_, 2)->p_paddr = UINT64_MAX & ~4095ull, "beyond");
	WITH_COPY(im, phdr(p_, 2)->p_memsz = 1ull << 50, "p_memsz");
	WITH_COPY(im, phdr(p_, 1)->p_filesz = 0, "non-zero");
	WITH_COPY(im, phdr(p_, 1)->p_type = PT_DYNAMIC, "neither");
	WITH_COPY(im, phdr(p_, 1)->p_type = PT_NOTE, "second PT_NOTE");
	WITH_COPY(im, phdr(p_, 0)->p_type = PT_LOAD, "aligned");
	WITH_COPY(im, phdr(p_, 0)->p_filesz = 1ull << 40, "PT_NOTE");
	WITH_COPY(im, phdr(p_, 0)->p_filesz = 5, "malformed note");
	free(im.b);
}

static void test_hostile_note(void **state)
{
	struct image im = small_image();

	(void)state;
	WITH_COPY(im, memcpy(note_text(p_, "pa_bits="), "pa_bitz=", 8), "unknown key 'pa_bitz'");
	WITH_COPY(im, memcpy(note_text(p_, "PTKIT"), "PTKIX", 5), "no PTKIT note");
	WITH_COPY(im, memcpy(note_text(p_, "version=1"), "version=2", 9), "version 2");
	WITH_COPY(im, memcpy(note_text(p_, "format=x86_64"), "format=x86_65", 13), "format");
	WITH_COPY(im, memcpy(note_text(p_, "pa_bits=46"), "pa_bits=99", 10), "pa_bits");
	WITH_COPY(im, memcpy(note_text(p_, "pa_bits=46"), "pa_bits=4x", 10), "not a number");
	WITH_COPY(im, memcpy(note_text(p_, "cpu.pkru=0x"), "cpu.pkru=9x", 11), "not a number");
	WITH_COPY(im, memcpy(note_text(p_, "cpu.ac=0"), "cpu.ac=2", 8), "cpu.ac");
	WITH_COPY(im, memcpy(note_text(p_, "cpu.ac=0"), "cpu.ac=1", 8), "disagrees");
	WITH_COPY(im, memcpy(note_text(p_, "cpu.reg4=0x0"), "cpu.reg3=0x0", 12), "twice");
	WITH_COPY(im, memcpy(note_text(p_, "pa_bits=46\n"), "pa_bits=46\1", 11), "line 3 ");
	WITH_COPY(im, memcpy(note_text(p_, "version=1\n"), "version 1\n", 10), "key=value");
	WITH_COPY(im, memcpy(note_text(p_, "table=mm"), "tables=m", 8), "unknown key");
	WITH_COPY(im, memcpy(note_text(p_, "roots=0x"), "roots=0y", 8), "not a number");
	WITH_COPY(im, memcpy(note_text(p_, "roots=0x"), "rootz=0x", 8), "roots=");
	/* A root outside RAM: same digits count, so the layout is unchanged. */
	WITH_COPY(im, {
		char *r = note_text(p_, "roots=0x") + 8;
		r[0] = '3';	/* 0x3... with as many digits: far above 4 GiB + 2 MiB */
		for (size_t i = 1; r[i] != '\n'; i++)
			r[i] = '0';
	}, "not an aligned table in RAM");
	/* A descriptor that does not end in a newline (descsz one short). */
	WITH_COPY(im, {
		uint32_t *nh = (uint32_t *)(p_->b + phdr(p_, 0)->p_offset);
		nh[1] -= 1;
	}, "newline");
	WITH_COPY(im, {
		uint32_t *nh = (uint32_t *)(p_->b + phdr(p_, 0)->p_offset);
		nh[1] = 0x7fffffff;
	}, "malformed note");
	WITH_COPY(im, {
		uint32_t *nh = (uint32_t *)(p_->b + phdr(p_, 0)->p_offset);
		nh[2] = 1;
	}, "n_type");
	free(im.b);
}

static int setup(void **state)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/ptk-image-XXXXXX", base);
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* Files a failed test left behind go too. */
static int teardown(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;

	(void)state;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			unlink(tmp_path(e->d_name));
	if (d)
		closedir(d);
	return rmdir(tmpdir);
}

/* A loaded machine allocates below the saved allocator's mark, so new
 * tables never land on the image's own. */
static void test_loaded_machine_allocates_below(void **state)
{
	static const struct ptk_phys_range ram[] = { { 0, 64 * MiB } };
	struct ptk_machine *a = new_machine(ram, 1, 40), *b;
	struct ptk_pgtable *pt, *fresh;
	struct ptk_walk_req req = { .va = 0x7f0000001000, .no_update = true };
	struct ptk_walk_result res;

	(void)state;
	assert_int_equal(ptk_pgd_alloc(a, "old", &pt), 0);
	map(pt, 0x7f0000000000, 0x100000, 16 * KiB, "rw", 0);
	save_ok(a, tmp_path("mark.elf"), PTK_IMAGE_ELF);
	b = load_ok(tmp_path("mark.elf"));
	assert_int_equal(ptk_pgd_alloc(b, "new", &fresh), 0);
	assert_true(ptk_pgtable_root(fresh, 0) < ptk_pgtable_root(ptk_pgtable_find(b, "old"), 0));
	map(fresh, 0x7f0000000000, 0x200000, 2 * MiB, "rw", 0);
	assert_int_equal(ptk_translate(b, ptk_pgtable_find(b, "old"), &req, &res), 0);
	assert_int_equal(res.pa, 0x101000);
	ptk_machine_destroy(a);
	ptk_machine_destroy(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_sparse),
		cmocka_unit_test(test_terabyte),
		cmocka_unit_test(test_five_level),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_save_errors),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_hostile_note),
		cmocka_unit_test(test_loaded_machine_allocates_below),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
