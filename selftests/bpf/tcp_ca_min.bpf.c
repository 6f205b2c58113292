// SPDX-License-Identifier: GPL-2.0
/*
 * The smallest TCP congestion control in BPF: Reno-like halving on loss,
 * no growth.  It exists to prove that struct_ops maps are registered,
 * linked, pinned and removed in our kernel exactly as in 6.12
 * (test struct_ops_tcp_ca), before swap_ext adds a struct_ops of its own.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

SEC("struct_ops")
__u32 BPF_PROG(swapext_ca_ssthresh, struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	__u32 half = tp->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

SEC("struct_ops")
void BPF_PROG(swapext_ca_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC("struct_ops")
__u32 BPF_PROG(swapext_ca_undo_cwnd, struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;

	return tp->snd_cwnd;
}

SEC(".struct_ops.link")
struct tcp_congestion_ops swapext_ca = {
	.ssthresh	= (void *)swapext_ca_ssthresh,
	.cong_avoid	= (void *)swapext_ca_cong_avoid,
	.undo_cwnd	= (void *)swapext_ca_undo_cwnd,
	.name		= "swapext_ca",
};
