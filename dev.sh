#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs what is missing
# (apt-get, when run as root), builds, then runs the chosen job.
#
#   ./dev.sh demo     build ptkit and run the guided tour
#   ./dev.sh test     build with ASan+UBSan and run the whole test suite; also
#                     build with clang -O3 (warnings are errors) and run the
#                     libFuzzer smoke tests
#   ./dev.sh bench    build optimised and run the benchmarks
#   ./dev.sh build    just build (build/ptkit)
#
# PTK_SEED=random (or a number) re-seeds the randomized tests; the seed used
# is printed by each test.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config clang libclang-rt-14-dev libcmocka-dev
          libunicorn-dev libelf-dev libedit-dev elfutils binutils)

install_deps() {
	local missing=()
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "dev.sh: missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
		exit 1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

configure() {	# dir, extra cmake args...
	local dir=$1; shift
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build "$dir" -j"$(nproc)" >"$dir.log" 2>&1 || { cat "$dir.log"; return 1; }
}

job=${1:-demo}; shift || true
install_deps
case "$job" in
demo)
	configure build -DPTK_TESTS=OFF -DPTK_BENCH=OFF
	exec ./build/ptkit demo "$@" ;;
build)
	configure build -DPTK_TESTS=OFF ;;
test)
	# Warnings are errors in every build: gcc with sanitizers (the tests),
	# gcc and clang at -O3 (what optimisers prove or not changes warnings),
	# clang with libFuzzer.
	configure build-test -DPTK_SANITIZE=ON
	configure build-release -DCMAKE_BUILD_TYPE=Release -DPTK_TESTS=OFF
	CC=clang configure build-clang -DCMAKE_BUILD_TYPE=Release -DPTK_TESTS=OFF
	CC=clang configure build-fuzz -DPTK_FUZZ=ON -DPTK_BENCH=OFF
	(cd build-fuzz && ctest --output-on-failure -L fuzz)
	cd build-test
	exec ctest --output-on-failure -j"$(nproc)" "$@" ;;
bench)
	configure build-bench -DCMAKE_BUILD_TYPE=Release -DPTK_TESTS=OFF
	for b in build-bench/bench/bench_*; do "$b" "$@"; done ;;
*)
	echo "usage: ./dev.sh demo|test|bench|build" >&2; exit 2 ;;
esac
