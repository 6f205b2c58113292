// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP congestion control without the mandatory ssthresh op: the kernel
 * must refuse to register it (test struct_ops_tcp_ca_fail).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

SEC("struct_ops")
void BPF_PROG(swapext_bad_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops")
__u32 BPF_PROG(swapext_bad_undo_cwnd, struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;

	return tp->snd_cwnd;
}

SEC(".struct_ops.link")
struct tcp_congestion_ops swapext_bad_ca = {
	.cong_avoid	= (void *)swapext_bad_cong_avoid,
	.undo_cwnd	= (void *)swapext_bad_undo_cwnd,
	.name		= "swapext_bad_ca",
};
