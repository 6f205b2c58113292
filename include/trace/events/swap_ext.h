/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM swap_ext

#if !defined(_TRACE_SWAP_EXT_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_SWAP_EXT_H

#include <linux/tracepoint.h>
#include <linux/swap_ext.h>

/* place() and compressed(): what the policy said about a folio */
DECLARE_EVENT_CLASS(swap_ext_place_class,

	TP_PROTO(const char *policy, const struct swap_ext_place_args *args,
		 s32 verdict),

	TP_ARGS(policy, args, verdict),

	TP_STRUCT__entry(
		__string(policy, policy)
		__field(u64, cgroup_id)
		__field(u64, entry)
		__field(u32, compressed_len)
		__field(u32, flags)
		__field(u32, order)
		__field(s32, verdict)
		__field(s32, tier)
	),

	TP_fast_assign(
		__assign_str(policy);
		__entry->cgroup_id = args->cgroup_id;
		__entry->entry = args->entry;
		__entry->compressed_len = args->compressed_len;
		__entry->flags = args->flags;
		__entry->order = args->order;
		__entry->verdict = verdict;
		__entry->tier = args->tier;
	),

	TP_printk("policy=%s cgroup=%llu entry=%llx len=%u flags=%#x order=%u verdict=%d tier=%d",
		  __get_str(policy), __entry->cgroup_id, __entry->entry,
		  __entry->compressed_len, __entry->flags, __entry->order,
		  __entry->verdict, __entry->tier)
);

DEFINE_EVENT(swap_ext_place_class, swap_ext_place,
	TP_PROTO(const char *policy, const struct swap_ext_place_args *args,
		 s32 verdict),
	TP_ARGS(policy, args, verdict)
);

DEFINE_EVENT(swap_ext_place_class, swap_ext_compressed,
	TP_PROTO(const char *policy, const struct swap_ext_place_args *args,
		 s32 verdict),
	TP_ARGS(policy, args, verdict)
);

/* writeback(): the batch zswap writes back */
TRACE_EVENT(swap_ext_writeback,

	TP_PROTO(const char *policy, const struct swap_ext_wb_args *args,
		 bool forced),

	TP_ARGS(policy, args, forced),

	TP_STRUCT__entry(
		__string(policy, policy)
		__field(u64, cgroup_id)
		__field(u32, reason)
		__field(u32, nr)
		__field(s32, tier)
		__field(u64, min_age_ns)
		__field(bool, forced)
	),

	TP_fast_assign(
		__assign_str(policy);
		__entry->cgroup_id = args->cgroup_id;
		__entry->reason = args->reason;
		__entry->nr = args->nr;
		__entry->tier = args->tier;
		__entry->min_age_ns = args->min_age_ns;
		__entry->forced = forced;
	),

	TP_printk("policy=%s cgroup=%llu reason=%u nr=%u tier=%d min_age_ns=%llu forced=%d",
		  __get_str(policy), __entry->cgroup_id, __entry->reason,
		  __entry->nr, __entry->tier, __entry->min_age_ns,
		  __entry->forced)
);

/* swapin(): keep or drop the tier copy */
TRACE_EVENT(swap_ext_swapin,

	TP_PROTO(const char *policy, const struct swap_ext_swapin_args *args,
		 s32 verdict),

	TP_ARGS(policy, args, verdict),

	TP_STRUCT__entry(
		__string(policy, policy)
		__field(u64, cgroup_id)
		__field(u64, entry)
		__field(s32, tier)
		__field(s32, verdict)
	),

	TP_fast_assign(
		__assign_str(policy);
		__entry->cgroup_id = args->cgroup_id;
		__entry->entry = args->entry;
		__entry->tier = args->tier;
		__entry->verdict = verdict;
	),

	TP_printk("policy=%s cgroup=%llu entry=%llx tier=%d verdict=%d",
		  __get_str(policy), __entry->cgroup_id, __entry->entry,
		  __entry->tier, __entry->verdict)
);

/* A policy was ejected */
TRACE_EVENT(swap_ext_eject,

	TP_PROTO(const char *policy, const struct swap_ext_exit_info *info),

	TP_ARGS(policy, info),

	TP_STRUCT__entry(
		__string(policy, policy)
		__field(u32, kind)
		__field(s32, op)
		__field(s64, value)
		__string(reason, info->reason)
	),

	TP_fast_assign(
		__assign_str(policy);
		__entry->kind = info->kind;
		__entry->op = info->op;
		__entry->value = info->value;
		__assign_str(reason);
	),

	TP_printk("policy=%s kind=%u op=%d value=%lld reason=%s",
		  __get_str(policy), __entry->kind, __entry->op,
		  __entry->value, __get_str(reason))
);

#endif /* _TRACE_SWAP_EXT_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
