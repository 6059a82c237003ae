# tufkey_add_gtest(NAME name SOURCES ... [LIBS ...] [LABELS ...] [ENVIRONMENT ...]
#                  [FIXTURES_REQUIRED ...])
# One GoogleTest executable whose tests are registered one by one with CTest.
# LABELS: unit (no token), token (SoftHSM2), interop (real notary / tuf-js / OpenSC), cli.
# FIXTURES_REQUIRED: the CTest fixture (one name; a FIXTURES_SETUP test) every discovered test
# depends on, e.g. notary_vectors (tests/interop/notary).
# TOKEN_MODULES: the executable has tests parameterised over tokens (tests/support/test_token.h),
# instantiated as SoftHsm/... and Tpm/...; those get the extra label token-softhsm or token-tpm
# (scripts/test counts them per module), the other tests only LABELS.
include(GoogleTest)
function(tufkey_add_gtest)
  cmake_parse_arguments(T "TOKEN_MODULES" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ENVIRONMENT;FIXTURES_REQUIRED" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${T_NAME} PRIVATE
    TUFKEY_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    TUFKEY_BINARY_DIR="${PROJECT_BINARY_DIR}"
    TUFKEY_CLI_PATH="$<TARGET_FILE:tufkey>")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(extra_properties)
  if(T_FIXTURES_REQUIRED)
    list(APPEND extra_properties FIXTURES_REQUIRED "${T_FIXTURES_REQUIRED}")
  endif()
  # ENVIRONMENT stays last: an empty value vanishes on its way into the generated test
  # script and would shift every property after it by one.
  if(NOT T_TOKEN_MODULES)
    gtest_discover_tests(${T_NAME}
      DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT} ${extra_properties}
                 ENVIRONMENT "${T_ENVIRONMENT}")
    return()
  endif()
  # Labels are set by an include file after discovery: gtest_discover_tests flattens a list of
  # labels into separate arguments, so LABELS "a;b" would not survive its PROPERTIES.
  set(label_script "${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_module_labels.cmake")
  set(script_text "")
  foreach(variant "SoftHsm/*|token-softhsm|softhsm" "Tpm/*|token-tpm|tpm" "-SoftHsm/*:Tpm/*||other")
    string(REPLACE "|" ";" variant "${variant}")
    list(GET variant 0 filter)
    list(GET variant 1 module_label)
    list(GET variant 2 part)
    set(list_var "${T_NAME}_${part}_TESTS")
    gtest_discover_tests(${T_NAME}
      DISCOVERY_TIMEOUT 60
      TEST_FILTER "${filter}"
      TEST_LIST ${list_var}
      PROPERTIES TIMEOUT ${T_TIMEOUT} ${extra_properties}
                 ENVIRONMENT "${T_ENVIRONMENT}")
    set(labels ${T_LABELS})
    if(module_label)
      list(APPEND labels ${module_label})
    endif()
    string(APPEND script_text
      "if(${list_var})\n  set_tests_properties(\${${list_var}} PROPERTIES LABELS \"${labels}\")\nendif()\n")
  endforeach()
  file(WRITE "${label_script}" "${script_text}")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${label_script}")
endfunction()
