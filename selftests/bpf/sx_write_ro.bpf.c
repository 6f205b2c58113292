// SPDX-License-Identifier: GPL-2.0
/*
 * sx_write_ro: a policy whose place() writes an argument that is not an
 * out field (the cgroup id).  The verifier must refuse to load it: a
 * policy may only write the fields the kernel reads back.
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/place")
s32 BPF_PROG(sx_write_ro_place, struct swap_ext_place_args *args)
{
	args->cgroup_id = 1;
	return SWAP_EXT_DEFAULT;
}

SEC(".struct_ops.link")
struct swap_ext_ops sx_write_ro = {
	.place	= (void *)sx_write_ro_place,
	.name	= "sx_write_ro",
};
