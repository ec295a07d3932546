// The vocabulary blob generated at build time (cmake/TokenizerData.cmake) is pulled into .rodata by the assembler's
// .incbin, which costs nothing at compile time (a 2 MB array literal takes g++ a long while). ccache refuses to cache
// a translation unit using .incbin, so a regenerated blob is always picked up.
#include "tokenize/bpe.h"

#if HEIMDALL_HAVE_BPE_DATA

asm(".pushsection .rodata.hd_tokenize_bpe_blob,\"a\",@progbits\n"
    ".balign 16\n"
    ".globl hd_tokenize_bpe_blob\n"
    ".hidden hd_tokenize_bpe_blob\n"
    ".type hd_tokenize_bpe_blob, @object\n"
    "hd_tokenize_bpe_blob:\n"
    ".incbin \"" HEIMDALL_BPE_BLOB_PATH "\"\n"
    ".globl hd_tokenize_bpe_blob_end\n"
    ".hidden hd_tokenize_bpe_blob_end\n"
    "hd_tokenize_bpe_blob_end:\n"
    ".byte 0\n"
    ".size hd_tokenize_bpe_blob, hd_tokenize_bpe_blob_end - hd_tokenize_bpe_blob\n"
    ".popsection\n");

extern "C" {
__attribute__((visibility("hidden"))) extern const unsigned char hd_tokenize_bpe_blob[];
__attribute__((visibility("hidden"))) extern const unsigned char hd_tokenize_bpe_blob_end[];
}

namespace hd::tokenize::detail {

std::span<const unsigned char> embeddedBlob() {
  return {hd_tokenize_bpe_blob, static_cast<std::size_t>(hd_tokenize_bpe_blob_end - hd_tokenize_bpe_blob)};
}

} // namespace hd::tokenize::detail

#else

namespace hd::tokenize::detail {

std::span<const unsigned char> embeddedBlob() {
  return {};
}

} // namespace hd::tokenize::detail

#endif
