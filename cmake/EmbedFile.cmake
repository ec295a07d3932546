# cmake -DIN=<file> -DOUT=<file.cc> -DSYMBOL=<name> -P EmbedFile.cmake: writes a C++ source holding the bytes
# of IN as hd::embedded::<SYMBOL> (an unsigned char array, not NUL-terminated) and <SYMBOL>_size.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT}.tmp "// Generated from ${IN} by cmake/EmbedFile.cmake. Do not edit.\n#include <cstddef>\n\n"
                      "namespace hd::embedded {\n"
                      "extern const unsigned char ${SYMBOL}[];\nextern const std::size_t ${SYMBOL}_size;\n"
                      "const unsigned char ${SYMBOL}[] = {\n${bytes}0x00};\n"
                      "const std::size_t ${SYMBOL}_size = ${size};\n} // namespace hd::embedded\n")
file(RENAME ${OUT}.tmp ${OUT})
