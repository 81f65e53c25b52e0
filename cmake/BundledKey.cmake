# The key the plugins that come with Nourish are signed with. Its public half
# is built into the host (NOURISH_BUNDLED_PUBLIC_KEY), which loads a bundled
# plugin only when its library and manifest carry a valid signature by it.
#
# -DNOURISH_BUNDLED_KEY=FILE names the private key (Ed25519, PEM) a release is
# signed with; without it a key is made once for this build tree
# (bundled-key/nourish-bundled.key, mode 0600), so that every build checks its
# own plugins.
set(NOURISH_BUNDLED_KEY "" CACHE FILEPATH "Ed25519 private key (PEM) the bundled plugins are signed with")
find_program(NOURISH_OPENSSL openssl REQUIRED)
if(NOURISH_BUNDLED_KEY)
  set(NOURISH_BUNDLED_KEY_FILE ${NOURISH_BUNDLED_KEY})
else()
  set(NOURISH_BUNDLED_KEY_FILE ${CMAKE_BINARY_DIR}/bundled-key/nourish-bundled.key)
  if(NOT EXISTS ${NOURISH_BUNDLED_KEY_FILE})
    file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/bundled-key)
    file(CHMOD ${CMAKE_BINARY_DIR}/bundled-key DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
    execute_process(COMMAND ${NOURISH_OPENSSL} genpkey -algorithm ed25519 -out ${NOURISH_BUNDLED_KEY_FILE}
                    RESULT_VARIABLE _rc ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "Could not make the bundled plugins' key: ${_err}")
    endif()
    file(CHMOD ${NOURISH_BUNDLED_KEY_FILE} PERMISSIONS OWNER_READ OWNER_WRITE)
  endif()
endif()
# The raw 32-byte public key, as hex: the last 32 bytes of its DER form.
execute_process(COMMAND ${NOURISH_OPENSSL} pkey -in ${NOURISH_BUNDLED_KEY_FILE} -pubout -outform DER
                OUTPUT_FILE ${CMAKE_BINARY_DIR}/bundled-key/nourish-bundled.pub.der
                RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "Could not read the public half of ${NOURISH_BUNDLED_KEY_FILE}: ${_err}")
endif()
file(READ ${CMAKE_BINARY_DIR}/bundled-key/nourish-bundled.pub.der _der HEX)
string(LENGTH "${_der}" _length)
if(NOT _length EQUAL 88)
  message(FATAL_ERROR "${NOURISH_BUNDLED_KEY_FILE} is not an Ed25519 key")
endif()
string(SUBSTRING "${_der}" 24 64 NOURISH_BUNDLED_PUBLIC_KEY)
message(STATUS "bundled plugins are signed with the key ${NOURISH_BUNDLED_PUBLIC_KEY}")
