// SPDX-License-Identifier: MIT
/* One consistent reading of the allocator for the memory views. */
#include <errno.h>
#include <string.h>
#include <ptkit/procfs.h>

int ptk_proc_mem_snapshot(const struct ptk_buddy *b, struct ptk_proc_mem *s)
{
	memset(s, 0, sizeof(*s));
	s->nr_zones = ptk_buddy_nr_zones(b);
	if (s->nr_zones > PTK_MM_MAX_ZONES)
		return -EINVAL;
	for (unsigned int z = 0; z < s->nr_zones; z++) {
		int rc = ptk_buddy_zone_info(b, z, &s->zone[z]);

		if (rc)
			return rc;
	}
	ptk_buddy_stats(b, &s->st);
	return 0;
}
