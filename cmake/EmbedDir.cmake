# cmake -DDIR=<dir> -DOUT=<file.cc> -DSYMBOL=<name> -P EmbedDir.cmake: writes a C++ source holding every file
# under DIR (sorted by path) as hd::embedded::<SYMBOL>[] = {{path, bytes, size}, ...} and <SYMBOL>_count,
# for the declarations in src/web/embedded.h.
file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${DIR} ${DIR}/*)
list(SORT files)
set(arrays "")
set(entries "")
set(i 0)
foreach(rel IN LISTS files)
  file(READ ${DIR}/${rel} hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR size "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" bytes "${bytes}")
  string(APPEND arrays "const unsigned char f${i}[] = {\n${bytes}0x00};\n")
  string(APPEND entries "    {\"${rel}\", f${i}, ${size}},\n")
  math(EXPR i "${i} + 1")
endforeach()
if(i EQUAL 0)
  message(FATAL_ERROR "EmbedDir: no files under ${DIR}")
endif()
file(WRITE ${OUT}.tmp "// Generated from ${DIR} by cmake/EmbedDir.cmake. Do not edit.\n#include \"web/embedded.h\"\n\n"
                      "namespace hd::embedded {\nnamespace {\n${arrays}} // namespace\n\n"
                      "const EmbeddedFile ${SYMBOL}[] = {\n${entries}};\n"
                      "const std::size_t ${SYMBOL}_count = ${i};\n} // namespace hd::embedded\n")
file(RENAME ${OUT}.tmp ${OUT})
