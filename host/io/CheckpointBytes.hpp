#pragma once
// The byte-level reader and writer of checkpoint payloads (host/io/Checkpoint*.cpp):
// little-endian values of trivially copyable types, length-prefixed arrays and
// texts, and LEB128 varints. The machines coatkmc runs on are little-endian;
// the header's byte-order probe catches the others.
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "kmc/core/Error.hpp"

namespace coatkmc::checkpoint_bytes {

class Writer {
 public:
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  template <class T>
  void put_vector(const std::vector<T>& v) {
    put<uint64_t>(v.size());
    if (!v.empty()) out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void put_string(const std::string& s) {
    put<uint64_t>(s.size());
    out_ += s;
  }
  // Unsigned LEB128: 7 bits a byte, small numbers in one byte.
  void put_varint(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  // Signed numbers zigzag-mapped first (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...).
  void put_svarint(int64_t v) {
    put_varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(const std::string& bytes, size_t begin, std::string name)
      : data_(bytes), pos_(begin), name_(std::move(name)) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T));
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  template <class T>
  std::vector<T> get_vector() {
    const uint64_t n = get<uint64_t>();
    if (n > (data_.size() - pos_) / sizeof(T)) fail("an array runs past the end of the file");
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }
  std::string get_string() {
    const uint64_t n = get<uint64_t>();
    if (n > data_.size() - pos_) fail("a text runs past the end of the file");
    std::string s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t get_varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (shift > 63) fail("a number is encoded in too many bytes");
      const uint8_t byte = get<uint8_t>();
      const uint64_t bits = byte & 0x7f;
      if (shift == 63 && bits > 1) fail("a number overflows 64 bits");
      v |= bits << shift;
      if (!(byte & 0x80)) return v;
    }
  }
  int64_t get_svarint() {
    const uint64_t u = get_varint();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  // A count of entries of at least `min_bytes` each: no more than the bytes
  // left can hold, so a forged count cannot make the reader allocate much.
  uint64_t count(uint64_t max, const char* what, size_t min_bytes) {
    const uint64_t n = get<uint64_t>();
    if (n > max || n > (data_.size() - pos_) / min_bytes)
      fail(std::string("implausible number of ") + what);
    return n;
  }
  size_t left() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(name_, "corrupt checkpoint: " + what);
  }

 private:
  void need(size_t n) const {
    if (n > data_.size() - pos_) fail("a value runs past the end of the file");
  }
  const std::string& data_;
  size_t pos_;
  std::string name_;
};

}  // namespace coatkmc::checkpoint_bytes
