// SPDX-License-Identifier: GPL-2.0
/*
 * sx_proactive_sleepable_op: a policy whose sleepable cgroup_attach()
 * moves pages.  Sleepable ops run under swap_ext's mutex, which the
 * proactive kfuncs take: the kernel must refuse to load it.
 */
#include "swap_ext.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops.s/cgroup_attach")
s32 BPF_PROG(sx_proactive_sleepable_attach, struct swap_ext_cgroup_args *args)
{
	bpf_swap_ext_move(args->cgroup_id, 0, -1, 1);
	return 0;
}

SEC(".struct_ops.link")
struct swap_ext_ops sx_proactive_sleepable_op = {
	.cgroup_attach	= (void *)sx_proactive_sleepable_attach,
	.name		= "sx_proactive_sl",
};
