#pragma once
#include <string>

namespace coatkmc {

// zstd (libzstd) around a whole buffer, for checkpoints. Compression is
// deterministic for a given libzstd version and level, so an unchanged state
// encodes to the same bytes. Both throw std::runtime_error on failure.
std::string zstd_compress(const std::string& raw, int level = 3);

// Decompresses one zstd frame that must hold exactly `expected_bytes`
// (the size the writer recorded): a frame that says otherwise, is damaged or
// leaves bytes over is refused before or while decoding, so a forged size
// cannot make the reader allocate more than `expected_bytes`.
std::string zstd_decompress(const std::string& frame, size_t expected_bytes);

}  // namespace coatkmc
