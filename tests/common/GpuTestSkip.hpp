#pragma once
// SKIP_WITHOUT_GPU(): skips (visibly) a GPU test on a machine without a
// usable CUDA device, or fails it when the build demands a GPU
// (-DCOATKMC_REQUIRE_GPU=ON, a compile definition of every test executable).
// Shared by tests/unit and tests/device (tests/common is on their include path).
#include <gtest/gtest.h>

#include "kmc/backend/Backend.hpp"

#ifndef COATKMC_REQUIRE_GPU
#define COATKMC_REQUIRE_GPU 0
#endif

#define SKIP_WITHOUT_GPU()                                                                      \
  do {                                                                                          \
    if (::coatkmc::backend_info().cuda_devices == 0) {                                          \
      if (COATKMC_REQUIRE_GPU) FAIL() << "COATKMC_REQUIRE_GPU is set but no CUDA device works"; \
      GTEST_SKIP() << (::coatkmc::backend_info().cuda_compiled ? "no usable CUDA device"        \
                                                               : "built without CUDA");         \
    }                                                                                           \
  } while (0)
