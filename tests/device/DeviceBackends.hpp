#pragma once
// The backends each tests/device body is instantiated for (cpu, replayed
// device code, cuda) and the fixture that skips the cuda instance visibly on a
// machine without a usable GPU (tests/common/GpuTestSkip.hpp).
#include <gtest/gtest.h>

#include <ostream>
#include <tuple>

#include "kmc/backend/Backend.hpp"

#include "GpuTestSkip.hpp"

namespace coatkmc::device_tests {

struct BackendParam {
  const char* name;
  BackendKind kind;
};
inline void PrintTo(const BackendParam& b, std::ostream* os) { *os << b.name; }
inline const BackendParam kBackends[] = {
    {"cpu", BackendKind::Cpu}, {"replay", BackendKind::Replay}, {"cuda", BackendKind::Cuda}};

inline const BackendParam& backend_of(const BackendParam& p) { return p; }
template <class Case>
const BackendParam& backend_of(const std::tuple<BackendParam, Case>& p) {
  return std::get<0>(p);
}

// A test parameterised by a backend, or by (backend, case).
template <class Param>
class PerBackend : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    if (backend_of(this->GetParam()).kind == BackendKind::Cuda) SKIP_WITHOUT_GPU();
  }
};

}  // namespace coatkmc::device_tests
