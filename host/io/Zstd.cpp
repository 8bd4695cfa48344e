#include "host/io/Zstd.hpp"

#include <zstd.h>

#include <stdexcept>

namespace coatkmc {

std::string zstd_compress(const std::string& raw, int level) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  if (!cctx) throw std::runtime_error("zstd: cannot create a compression context");
  // The frame records its size and a checksum of what it holds (XXH64).
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
  const size_t n = ZSTD_compress2(cctx, out.data(), out.size(), raw.data(), raw.size());
  ZSTD_freeCCtx(cctx);
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

std::string zstd_decompress(const std::string& frame, size_t expected_bytes) {
  const unsigned long long declared = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR || declared == ZSTD_CONTENTSIZE_UNKNOWN)
    throw std::runtime_error("not a zstd frame with a recorded size");
  if (declared != expected_bytes)
    throw std::runtime_error("the compressed data holds " + std::to_string(declared) +
                             " bytes, the header announces " + std::to_string(expected_bytes));
  if (ZSTD_findFrameCompressedSize(frame.data(), frame.size()) != frame.size())
    throw std::runtime_error("the compressed data is damaged or has bytes after its end");
  std::string out(expected_bytes, '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != expected_bytes) throw std::runtime_error("the compressed data is shorter than announced");
  return out;
}

}  // namespace coatkmc
