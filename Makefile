# The README's two commands. Both install missing Debian packages (as root,
# nothing when nothing is missing), configure and build into build/.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=

DEB_PACKAGES = cmake g++ make git pkg-config libomp-dev libgtest-dev libgmock-dev \
  libbenchmark-dev libtomlplusplus-dev libcxxopts-dev nlohmann-json3-dev \
  librandom123-dev libeigen3-dev libzstd-dev libthrust-dev libcub-dev python3-matplotlib \
  clang-14 libclang-rt-14-dev gemmi-dev tao-pegtl-dev libstb-dev \
  slurm-wlm munge openmpi-bin libopenmpi-dev \
  python3-dev pybind11-dev python3-pybind11 python3-pandas python3-ase python3-pymatgen \
  python3-h5py libhdf5-dev python3-pytest python3-nbconvert python3-nbformat python3-ipykernel

.PHONY: all deps configure build demo test sanitize-test tsan-device-test bench clean format python-install

all: build

deps:
	@scripts/install-deps.sh $(DEB_PACKAGES)

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@echo "== coatkmc demo: configs/quickstart.toml =="
	@$(BUILD_DIR)/coatkmc run configs/quickstart.toml --out $(BUILD_DIR)/demo --threads $(JOBS) --force
	@echo "== coatkmc demo: LNTO coatings on NMC532, kMC to capacity (configs/lnto_interface.toml) =="
	@$(BUILD_DIR)/coatkmc macro configs/lnto_interface.toml --out $(BUILD_DIR)/demo-lnto --threads $(JOBS) --force

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900
	@$(MAKE) --no-print-directory sanitize-test
	@$(MAKE) --no-print-directory tsan-device-test

# The unit tests once more under AddressSanitizer and UndefinedBehaviorSanitizer,
# and each input reader's fuzz target for a bounded time (docs/reliability.md).
# A separate CPU-only copy in $(SANITIZE_DIR), built with clang for libFuzzer.
SANITIZE_DIR ?= build-asan
SANITIZE_CXX ?= $(firstword $(shell command -v clang++-14 clang++ g++ 2>/dev/null))
SANITIZE_ENV = ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

sanitize-test: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_COMPILER=$(SANITIZE_CXX) \
	  -DCOATKMC_CUDA=OFF -DCOATKMC_SANITIZE=address,undefined -DCOATKMC_FUZZ=ON >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS) --target coatkmc coatkmc_unit_tests coatkmc_fuzz_targets
	@cd $(SANITIZE_DIR) && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS) -L 'unit|fuzz' --timeout 900

# The replayed device launches (blocks on several host threads) once under
# ThreadSanitizer: a race between blocks of one launch, or between lanes that
# the kernels assume independent, fails the run. Only the device test target
# (kmc/ and kernels/, no host/) is built, with clang and CUDA off, and with
# Debian's Thrust 1.17 (the fallback of a machine without the CUDA toolkit), so
# the window reduction runs on both Thrusts in every CI.
TSAN_DIR ?= build-tsan
TSAN_FILTER = Backends/DeviceEngines.SameTrajectoryAsTheCpuReference/replay_*:LatticeRuleReplay.*:Backends/LatticeRuleEngines.SameStateAsTheClassByClassReference/replay_*:Backends/EngineWindowSums.*/replay_s*:Backends/WalkerRounds.*/replay:Cases/ReplayOrders.*:ReplayOrders.*:ReplayLauncher.*:-*48_cubed*:*two_rounds*:*rocksalt*

tsan-device-test: deps
	@cmake -S . -B $(TSAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCMAKE_CXX_COMPILER=$(SANITIZE_CXX) \
	  -DCOATKMC_CUDA=OFF -DCOATKMC_SANITIZE=thread \
	  -DCOATKMC_CCCL_INCLUDE=/usr/include >/dev/null
	@cmake --build $(TSAN_DIR) -j $(JOBS) --target coatkmc_device_tests
	@cd $(TSAN_DIR) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1 OMP_NUM_THREADS=1 \
	  ./coatkmc_device_tests --gtest_filter='$(TSAN_FILTER)' --gtest_brief=1

# The Python package (build/python/coatkmc) into PYTHON's site-packages: the
# system's, or a virtual environment's (python3 -m venv --system-site-packages
# venv && make python-install PYTHON=venv/bin/python).
PYTHON ?= /usr/bin/python3
python-install: build
	@dest=$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])') && \
	  cmake --install $(BUILD_DIR) --component python --prefix "$$dest" && \
	  echo "coatkmc installed into $$dest/coatkmc"

bench: build
	@$(BUILD_DIR)/coatkmc bench

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp' '*.cu' '*.cuh')

clean:
	@rm -rf $(BUILD_DIR)
