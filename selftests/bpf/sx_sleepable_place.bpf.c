// SPDX-License-Identifier: GPL-2.0
/*
 * sx_sleepable_place: a policy whose place() is sleepable.  place() runs
 * in reclaim with preemption off: the kernel must refuse to load it.
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops.s/place")
s32 BPF_PROG(sx_sleepable_place, struct swap_ext_place_args *args)
{
	return SWAP_EXT_DEFAULT;
}

SEC(".struct_ops.link")
struct swap_ext_ops sx_sleepable = {
	.place	= (void *)sx_sleepable_place,
	.name	= "sx_sleepable",
};
