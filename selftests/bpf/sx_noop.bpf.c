// SPDX-License-Identifier: GPL-2.0
/*
 * sx_noop: a swap_ext policy that defers every decision to the built-in
 * policy.  It measures what a policy costs by itself: the hook, the
 * struct_ops trampoline and a program that returns at once (make
 * bench-policy compares it with no policy at all).
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/place")
s32 BPF_PROG(noop_place, struct swap_ext_place_args *args)
{
	return SWAP_EXT_DEFAULT;
}

SEC("struct_ops/compressed")
s32 BPF_PROG(noop_compressed, struct swap_ext_place_args *args)
{
	return SWAP_EXT_DEFAULT;
}

SEC("struct_ops/writeback")
s32 BPF_PROG(noop_writeback, struct swap_ext_wb_args *args)
{
	return 0;
}

SEC("struct_ops/swapin")
s32 BPF_PROG(noop_swapin, struct swap_ext_swapin_args *args)
{
	return SWAP_EXT_DEFAULT;
}

SEC(".struct_ops.link")
struct swap_ext_ops sx_noop = {
	.place		= (void *)noop_place,
	.compressed	= (void *)noop_compressed,
	.writeback	= (void *)noop_writeback,
	.swapin		= (void *)noop_swapin,
	.name		= "sx_noop",
};
