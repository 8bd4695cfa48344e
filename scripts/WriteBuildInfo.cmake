# Writes the build stamp; rewrites the file only when its text changes, so an
# unchanged commit triggers no relink.
execute_process(COMMAND git -C ${SOURCE_DIR} rev-parse --short=12 HEAD
                OUTPUT_VARIABLE SHA OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT SHA)
  set(SHA "unknown")
endif()
execute_process(COMMAND git -C ${SOURCE_DIR} status --porcelain --untracked-files=no
                OUTPUT_VARIABLE DIRTY OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(DIRTY)
  set(SHA "${SHA}-dirty")
endif()
string(STRIP "${FLAGS}" FLAGS)
set(TEXT "#include \"host/io/BuildInfo.hpp\"
namespace coatkmc {
const BuildInfo& build_info() {
  static const BuildInfo info{\"${VERSION}\", \"${SHA}\", \"${COMPILER}\", ${CUDA}, \"${CUDA_VERSION}\", \"${BUILD_TYPE}\", \"${FLAGS}\"};
  return info;
}
}  // namespace coatkmc
")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} OLD)
endif()
if(NOT "${OLD}" STREQUAL "${TEXT}")
  file(WRITE ${OUTPUT} "${TEXT}")
endif()
