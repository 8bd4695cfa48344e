# The README's two commands. Both install missing Debian packages (as root,
# nothing when nothing is missing), configure and build into build/.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=

DEB_PACKAGES = cmake g++ make git pkg-config libomp-dev libgtest-dev libgmock-dev \
  libbenchmark-dev libtomlplusplus-dev libcxxopts-dev nlohmann-json3-dev \
  librandom123-dev libeigen3-dev python3-matplotlib

.PHONY: all deps configure build demo test bench clean format

all: build

deps:
	@scripts/install-deps.sh $(DEB_PACKAGES)

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@echo "== coatkmc demo: configs/quickstart.toml =="
	@$(BUILD_DIR)/coatkmc run configs/quickstart.toml --out $(BUILD_DIR)/demo --threads $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	@$(BUILD_DIR)/coatkmc bench

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp' '*.cu' '*.cuh')

clean:
	@rm -rf $(BUILD_DIR)
