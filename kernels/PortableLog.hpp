#pragma once
// Natural logarithm written with IEEE +, -, *, / and bit manipulation only
// (the fdlibm __ieee754_log algorithm, error below 1 ulp). The host's libm
// and CUDA's log() are each accurate but may round the last bit differently;
// this one gives the same bits on both sides as long as neither fuses
// multiply-adds (CUDA is built with -fmad=false, the host C++ in ISO mode
// does not contract). The walkers' clocks therefore agree bit for bit between
// backends, and so do the decisions that compare a clock with a target time.
#include <cstdint>
#include <cstring>

#include "kernels/HostDevice.hpp"

namespace coatkmc {

struct PortableLog {
  KMC_HD static uint64_t bits(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
  }
  KMC_HD static double from_bits(uint64_t u) {
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
  }

  // log(x) for finite x > 0 (subnormals included). Callers guarantee x > 0:
  // the random draws it serves lie in (0, 1].
  KMC_HD static double log(double x) {
    const double ln2_hi = 6.93147180369123816490e-01;  // 3fe62e42 fee00000
    const double ln2_lo = 1.90821492927058770002e-10;  // 3dea39ef 35793c76
    const double two54 = 1.80143985094819840000e+16;   // 43500000 00000000
    const double Lg1 = 6.666666666666735130e-01;       // 3FE55555 55555593
    const double Lg2 = 3.999999999940941908e-01;       // 3FD99999 9997FA04
    const double Lg3 = 2.857142874366239149e-01;       // 3FD24924 94229359
    const double Lg4 = 2.222219843214978396e-01;       // 3FCC71C5 1D8E78AF
    const double Lg5 = 1.818357216161805012e-01;       // 3FC74664 96CB03DE
    const double Lg6 = 1.531383769920937332e-01;       // 3FC39A09 D078C69F
    const double Lg7 = 1.479819860511658591e-01;       // 3FC2F112 DF3E5244

    uint64_t u = bits(x);
    int32_t hx = static_cast<int32_t>(u >> 32);
    int32_t k = 0;
    if (hx < 0x00100000) {  // subnormal: scale into the normal range
      k -= 54;
      x *= two54;
      u = bits(x);
      hx = static_cast<int32_t>(u >> 32);
    }
    k += (hx >> 20) - 1023;
    hx &= 0x000fffff;
    const int32_t i = (hx + 0x95f64) & 0x100000;
    // Normalize x to [sqrt(2)/2, sqrt(2)): mantissa with exponent 0 or -1.
    const uint64_t hi = static_cast<uint64_t>(static_cast<uint32_t>(hx | (i ^ 0x3ff00000)));
    x = from_bits((hi << 32) | (u & 0xffffffffULL));
    k += (i >> 20);
    const double f = x - 1.0;
    const double dk = static_cast<double>(k);
    if ((0x000fffff & (2 + hx)) < 3) {  // |f| < 2^-20
      if (f == 0.0) return k == 0 ? 0.0 : dk * ln2_hi + dk * ln2_lo;
      const double R = f * f * (0.5 - 0.33333333333333333 * f);
      return k == 0 ? f - R : dk * ln2_hi - ((R - dk * ln2_lo) - f);
    }
    const double s = f / (2.0 + f);
    const double z = s * s;
    int32_t ii = hx - 0x6147a;
    const double w = z * z;
    const int32_t j = 0x6b851 - hx;
    const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
    const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
    ii |= j;
    const double R = t2 + t1;
    if (ii > 0) {
      const double hfsq = 0.5 * f * f;
      return k == 0 ? f - (hfsq - s * (hfsq + R))
                    : dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
    }
    return k == 0 ? f - s * (f - R) : dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
  }
};

}  // namespace coatkmc
