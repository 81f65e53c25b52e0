# nourish_add_plugin(<target> SOURCES ... MANIFEST <file.plugin.json.in> [OUTPUT_DIR <dir>] [NO_INSTALL])
#
# Used by the app's own build and installed with the SDK's CMake package
# (find_package(NourishSDK) makes it available to plugin authors).
#
# Builds a plugin library the way the host expects it: hidden visibility,
# -fno-gnu-unique (so that glibc can unload it), no "lib" prefix, the same
# bytes when installed as when built (so a signature made after the build
# holds; do not install with --strip), and its
# manifest configured beside it (@NOURISH_WX_SIGNATURE@ and @PLUGIN_LIBRARY@
# are filled in).
function(nourish_add_plugin target)
  cmake_parse_arguments(ARG "NO_INSTALL" "MANIFEST;OUTPUT_DIR" "SOURCES" ${ARGN})
  if(NOT NOURISH_PLUGIN_SUBDIR)
    set(NOURISH_PLUGIN_SUBDIR "lib/nourish/plugins")
  endif()
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${CMAKE_BINARY_DIR}/${NOURISH_PLUGIN_SUBDIR})
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${target}
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    # Installed byte for byte as built: a signature made on the built
    # library still holds once installed (no run path rewritten).
    BUILD_WITH_INSTALL_RPATH ON)
  target_compile_options(${target} PRIVATE -fno-gnu-unique)
  target_link_libraries(${target} PRIVATE Nourish::sdk)
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  if(ARG_MANIFEST)
    set(PLUGIN_LIBRARY ${target}.so)
    get_filename_component(manifest_name ${ARG_MANIFEST} NAME)
    string(REGEX REPLACE "\\.in$" "" manifest_name ${manifest_name})
    configure_file(${ARG_MANIFEST} ${ARG_OUTPUT_DIR}/${manifest_name} @ONLY)
    if(NOT ARG_NO_INSTALL)
      install(TARGETS ${target} LIBRARY DESTINATION ${NOURISH_PLUGIN_SUBDIR})
      install(FILES ${ARG_OUTPUT_DIR}/${manifest_name} DESTINATION ${NOURISH_PLUGIN_SUBDIR})
    endif()
  endif()
endfunction()

# The wx build signature plugins with native pages must match: the
# preprocessed value of WX_BUILD_OPTIONS_SIGNATURE as this compiler sees it
# (only when wxWidgets was found: plugins without native pages need none).
if(NOT DEFINED NOURISH_WX_SIGNATURE AND wxWidgets_FOUND)
  set(_probe ${CMAKE_BINARY_DIR}/wx_signature_probe.cpp)
  file(WRITE ${_probe} "#include <wx/defs.h>\n#include <wx/build.h>\nNOURISH_SIGNATURE WX_BUILD_OPTIONS_SIGNATURE\n")
  set(_flags)
  foreach(dir IN LISTS wxWidgets_INCLUDE_DIRS)
    list(APPEND _flags -I${dir})
  endforeach()
  foreach(def IN LISTS wxWidgets_DEFINITIONS)
    list(APPEND _flags -D${def})
  endforeach()
  execute_process(
    COMMAND ${CMAKE_CXX_COMPILER} -std=c++20 -E ${_flags} ${_probe}
    OUTPUT_VARIABLE _preprocessed RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  string(REGEX MATCH "NOURISH_SIGNATURE ([^\n]*)" _line "${_preprocessed}")
  set(_signature "${CMAKE_MATCH_1}")
  string(REGEX REPLACE "\" *\"" "" _signature "${_signature}")
  string(REPLACE "\"" "" _signature "${_signature}")
  if(NOT _rc EQUAL 0 OR NOT _signature)
    message(FATAL_ERROR "Could not read WX_BUILD_OPTIONS_SIGNATURE: ${_err}")
  endif()
  set(NOURISH_WX_SIGNATURE "${_signature}" CACHE INTERNAL "wx build signature")
  message(STATUS "wx build signature: ${NOURISH_WX_SIGNATURE}")
endif()
