/* SPDX-License-Identifier: MIT */
/* libptkit: Linux's page-table and physical-memory machinery in user space. */
#ifndef PTKIT_PTKIT_H
#define PTKIT_PTKIT_H

#include <ptkit/error.h>
#include <ptkit/arch.h>
#include <ptkit/phys.h>
#include <ptkit/memmap.h>
#include <ptkit/memblock.h>
#include <ptkit/mm_model.h>
#include <ptkit/buddy.h>
#include <ptkit/machine.h>
#include <ptkit/pgtable.h>
#include <ptkit/mmu.h>
#include <ptkit/views.h>
#include <ptkit/image.h>

#define PTKIT_VERSION "0.1.0"

#endif
