# SPDX-License-Identifier: MIT
# MLQ_VERSION (MAJOR.MINOR.PATCH) from include/mlq/mlq.h, the one place
# the version is written; MLQ_TOP is mlq's top folder.
file(STRINGS "${MLQ_TOP}/include/mlq/mlq.h" _mlq_version_lines
     REGEX "^#define MLQ_VERSION_(MAJOR|MINOR|PATCH) +[0-9]+")
foreach(_mlq_part MAJOR MINOR PATCH)
    string(REGEX MATCH "MLQ_VERSION_${_mlq_part} +([0-9]+)" _mlq_match "${_mlq_version_lines}")
    if(NOT _mlq_match)
        message(FATAL_ERROR "mlq: no MLQ_VERSION_${_mlq_part} in ${MLQ_TOP}/include/mlq/mlq.h")
    endif()
    set(MLQ_VERSION_${_mlq_part} "${CMAKE_MATCH_1}")
endforeach()
set(MLQ_VERSION "${MLQ_VERSION_MAJOR}.${MLQ_VERSION_MINOR}.${MLQ_VERSION_PATCH}")
