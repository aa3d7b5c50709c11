/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prefix.h - SCULLC_PREFIX: call libscullc by its scullc_ names */
#ifndef SCULLC_PREFIX_H
#define SCULLC_PREFIX_H

/*
 * libscullc exports the kernel's names (kmalloc, kfree, free_pages, ...),
 * which is its point, and each of them also as scullc_NAME, the same
 * function (an alias, at the same address).  A program that links other
 * code defining the same names - a kernel-compat shim, a test harness,
 * another allocator - defines SCULLC_PREFIX before including any
 * <scullc/...> header: its calls then go to the scullc_ names, so that
 * the other code keeps the bare ones.  See libscullc(3), "Name clashes".
 */
#ifdef SCULLC_PREFIX
#define __get_free_pages scullc___get_free_pages
#define failslab_failures scullc_failslab_failures
#define failslab_get scullc_failslab_get
#define failslab_get_cache_filter scullc_failslab_get_cache_filter
#define failslab_get_verbose scullc_failslab_get_verbose
#define failslab_set scullc_failslab_set
#define failslab_set_cache_filter scullc_failslab_set_cache_filter
#define failslab_set_verbose scullc_failslab_set_verbose
#define failslab_setup scullc_failslab_setup
#define free_pages scullc_free_pages
#define get_zeroed_page scullc_get_zeroed_page
#define kcalloc scullc_kcalloc
#define kfree scullc_kfree
#define kmalloc scullc_kmalloc
#define kmalloc_array scullc_kmalloc_array
#define kmem_cache_alloc scullc_kmem_cache_alloc
#define kmem_cache_clear_event scullc_kmem_cache_clear_event
#define kmem_cache_create scullc_kmem_cache_create
#define kmem_cache_create_dtor scullc_kmem_cache_create_dtor
#define kmem_cache_destroy scullc_kmem_cache_destroy
#define kmem_cache_event_name scullc_kmem_cache_event_name
#define kmem_cache_find scullc_kmem_cache_find
#define kmem_cache_for_each scullc_kmem_cache_for_each
#define kmem_cache_free scullc_kmem_cache_free
#define kmem_cache_get_events scullc_kmem_cache_get_events
#define kmem_cache_get_info scullc_kmem_cache_get_info
#define kmem_cache_get_locations scullc_kmem_cache_get_locations
#define kmem_cache_get_slabs scullc_kmem_cache_get_slabs
#define kmem_cache_get_stats scullc_kmem_cache_get_stats
#define kmem_cache_name scullc_kmem_cache_name
#define kmem_cache_set_failslab scullc_kmem_cache_set_failslab
#define kmem_cache_shrink scullc_kmem_cache_shrink
#define kmem_cache_size scullc_kmem_cache_size
#define kmem_cache_tune scullc_kmem_cache_tune
#define kmem_cache_validate scullc_kmem_cache_validate
#define kmem_cache_zalloc scullc_kmem_cache_zalloc
#define krealloc scullc_krealloc
#define ksize scullc_ksize
#define kstrdup scullc_kstrdup
#define kzalloc scullc_kzalloc
#define mempool_alloc scullc_mempool_alloc
#define mempool_alloc_slab scullc_mempool_alloc_slab
#define mempool_create scullc_mempool_create
#define mempool_create_kmalloc_pool scullc_mempool_create_kmalloc_pool
#define mempool_create_slab_pool scullc_mempool_create_slab_pool
#define mempool_destroy scullc_mempool_destroy
#define mempool_free scullc_mempool_free
#define mempool_free_slab scullc_mempool_free_slab
#define mempool_kfree scullc_mempool_kfree
#define mempool_kmalloc scullc_mempool_kmalloc
#define mempool_resize scullc_mempool_resize
#define slab_debug_set_panic scullc_slab_debug_set_panic
#define slab_debug_setup scullc_slab_debug_setup
#define slabinfo_read scullc_slabinfo_read
#define slabinfo_write scullc_slabinfo_write
#endif

#endif /* SCULLC_PREFIX_H */
