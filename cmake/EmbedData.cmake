# Embeds a data file in a library at build time: hd_embed_file(target file symbol) generates
# <build>/embedded/<symbol>.cc (by cmake/EmbedFile.cmake) defining
#   namespace hd::embedded { extern const unsigned char <symbol>[]; extern const std::size_t <symbol>_size; }
# and adds it to `target`. The file is regenerated whenever the data file changes.
function(hd_embed_file target file symbol)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out} -DSYMBOL=${symbol} -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    DEPENDS ${file} ${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake
    COMMENT "Embedding ${file}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
  set_source_files_properties(${out} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
endfunction()

# Embeds every file under a directory (recursively) as one table: hd_embed_dir(target dir symbol) generates
# <build>/embedded/<symbol>.cc (by cmake/EmbedDir.cmake) defining, for the declarations in src/web/embedded.h,
#   namespace hd::embedded { extern const EmbeddedFile <symbol>[]; extern const std::size_t <symbol>_count; }
# with each file's path relative to `dir` ("index.html", "js/app.js"). Adding, removing or editing a file
# regenerates it (the glob is re-checked at every build).
function(hd_embed_dir target dir symbol)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${dir}/*)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded/${symbol}.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDIR=${dir} -DOUT=${out} -DSYMBOL=${symbol} -P ${PROJECT_SOURCE_DIR}/cmake/EmbedDir.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedDir.cmake
    COMMENT "Embedding ${dir}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
  set_source_files_properties(${out} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
endfunction()
