#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of 'make check': run the whole selftest suite.
# Arguments are passed to the runner (-t PATTERN, -l).
exec "$SWAPEXT_ROOT/build/selftests/runner" "$@"
