// Fuzz target: checkpoint files (coatkmc run --restart).
//
// Every input is decoded as it is. When it starts with the checkpoint magic,
// it is decoded a second time with its header's payload size and checksum
// (and for an uncompressed format-5 payload its decoded size) made to match, so that mutations reach the payload decoder instead of
// stopping at the checksum; a checkpoint that decodes is then turned into a
// run configuration as --restart does. The only failure allowed is InputError.
#include <cstring>

#include "FuzzSupport.hpp"
#include "host/cli/RestartConfig.hpp"
#include "host/io/CheckpointFile.hpp"

using namespace coatkmc_fuzz;

namespace {

// The header of host/io/CheckpointFile.cpp: magic, version, byte-order probe,
// payload size at offset 16, FNV-1a-64 of the payload at offset 24.
constexpr size_t kHeaderBytes = 32;

uint64_t fnv1a64(const char* p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * 1099511628211ull;
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  accepts("decode_checkpoint", [&] { coatkmc::decode_checkpoint(bytes, "fuzz.ckpt"); });
  if (size < kHeaderBytes || std::memcmp(data, "COATCKPT", 8) != 0) return 0;

  std::string fixed = bytes;
  // Formats 5 and 6 stored without compression (seeds *_stored.ckpt): the
  // decoded size (u64 after the header) made to match too, so that mutations
  // reach the compact replica decoder instead of stopping at a size check.
  if (size >= kHeaderBytes + 9 && (data[8] == 5 || data[8] == 6) && data[kHeaderBytes + 8] == 0) {
    const uint64_t raw = size - kHeaderBytes - 9;
    std::memcpy(&fixed[kHeaderBytes], &raw, 8);
  }
  const uint64_t payload = size - kHeaderBytes;
  const uint64_t sum = fnv1a64(fixed.data() + kHeaderBytes, payload);
  std::memcpy(&fixed[16], &payload, 8);  // little-endian, as the writer (x86-64, aarch64)
  std::memcpy(&fixed[24], &sum, 8);
  coatkmc::Checkpoint c;
  if (!accepts("decode_checkpoint", [&] { c = coatkmc::decode_checkpoint(fixed, "fuzz.ckpt"); }))
    return 0;
  accepts("load_restart_config", [&] { coatkmc::load_restart_config(c, "fuzz.ckpt", {}); });
  return 0;
}
