# nourish_embed_resources(<target> <namespace> <function> FILES f1 f2 ...)
# Adds to <target> a generated source that defines
#   std::span<const nourish::Resource> <namespace>::<function>()
# holding each file's base name and contents, regenerated when a file changes.
set(NOURISH_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedResources.cmake)

function(nourish_embed_resources target namespace function)
  cmake_parse_arguments(ARG "" "" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${function}_resources.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${namespace} -DFUNCTION=${function}
            "-DFILES=${ARG_FILES}" -P ${NOURISH_EMBED_SCRIPT}
    DEPENDS ${ARG_FILES} ${NOURISH_EMBED_SCRIPT}
    COMMENT "Embedding ${function} resources"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
