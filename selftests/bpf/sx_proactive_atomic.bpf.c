// SPDX-License-Identifier: GPL-2.0
/*
 * sx_proactive_atomic: a policy whose place() writes back zswap entries.
 * place() runs in reclaim, which may not sleep; the proactive kfuncs sleep
 * and do I/O: the kernel must refuse to load it.
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/place")
s32 BPF_PROG(sx_proactive_atomic_place, struct swap_ext_place_args *args)
{
	bpf_swap_ext_writeback(args->cgroup_id, 1, 0, -1);
	return SWAP_EXT_DEFAULT;
}

SEC(".struct_ops.link")
struct swap_ext_ops sx_proactive_atomic = {
	.place	= (void *)sx_proactive_atomic_place,
	.name	= "sx_proactive_atomic",
};
