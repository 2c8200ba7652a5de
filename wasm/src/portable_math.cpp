#include "loanlens/portable_math.h"

namespace loanlens::portable_math_detail {
namespace {

/// p * 2^k for k in [-1100, 1100], rounding once (the result may be subnormal or infinite).
double ScaleByPowerOfTwo(double p, int k) {
  if (k > 1000) {
    p *= 0x1p1000;
    k -= 1000;
  } else if (k < -1000) {
    p *= 0x1p-1000;
    k += 1000;
  }
  return p * FromBits(static_cast<std::uint64_t>(k + 1023) << 52);
}

}  // namespace

double ExpSpecial(double x) {
  if (x != x) return x;
  if (x > 710.0) return std::numeric_limits<double>::infinity();
  if (x < -746.0) return 0.0;
  const double kd = (x * kInvLn2 + kRoundShift) - kRoundShift;
  const double r = (x - kd * kLn2Hi) - kd * kLn2Lo;
  return ScaleByPowerOfTwo(ExpReduced(r), static_cast<int>(kd));
}

double LogSpecial(double x) {
  if (x != x) return x;
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  return LogOfNormal(x * 0x1p54, -54);  // subnormal: 2^54 x is normal
}

}  // namespace loanlens::portable_math_detail
