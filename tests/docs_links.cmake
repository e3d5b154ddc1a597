# SPDX-License-Identifier: BSL-1.0
# tests/docs_links.cmake — every relative link and every repository path the docs name exists.
#
#   cmake -DROOT=<repository root> -P tests/docs_links.cmake
#
# Scans README.md, docs/*.md and bench/reference/*.md, outside fenced code blocks:
#  * Markdown link targets `](path)`, `](path#anchor)`, `](#anchor)`: the path is resolved relative
#    to the Markdown file; an anchor into a Markdown file must name one of its headings (GitHub's
#    rule: lower case, punctuation dropped, spaces to '-', a repeated heading gets -1, -2, ...).
#    http:, https: and mailto: targets are not checked.
#  * paths in inline code (`...`) that point into the repository: starting with include/, port/,
#    tests/, bench/, examples/, scripts/, toolchains/, docs/, cmake/ or .ci/, or one of the
#    top-level files CMakeLists.txt, CMakePresets.json, LICENSE, README.md. Resolved relative to
#    the repository root; only the first word counts (`scripts/cross firmware` names
#    scripts/cross). Paths with a wildcard or a placeholder (*, <, ...) are skipped.
# Fails with the list of every missing target.
cmake_minimum_required(VERSION 3.16)

if(NOT DEFINED ROOT)
  message(FATAL_ERROR "docs_links: pass -DROOT=<repository root>")
endif()
get_filename_component(ROOT "${ROOT}" ABSOLUTE)

file(GLOB _docs "${ROOT}/docs/*.md")
file(GLOB _bench_docs "${ROOT}/bench/reference/*.md")
set(_files "${ROOT}/README.md" ${_docs} ${_bench_docs})

# CMake lists split on ';' and treat '[' ']' specially, so a file's text is carried with those
# three characters replaced by tokens, and restored only for the messages and the slugs.
function(_dl_escape out text)
  string(REPLACE ";" "@SC@" text "${text}")
  string(REPLACE "[" "@LB@" text "${text}")
  string(REPLACE "]" "@RB@" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()
function(_dl_unescape out text)
  string(REPLACE "@SC@" ";" text "${text}")
  string(REPLACE "@LB@" "[" text "${text}")
  string(REPLACE "@RB@" "]" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The lines of a file outside fenced code blocks, escaped, as a list.
function(_dl_lines out file)
  file(READ "${file}" _text)
  _dl_escape(_text "${_text}")
  string(REPLACE "\r" "" _text "${_text}")
  string(REPLACE "\n" ";" _lines "${_text}")
  set(_kept "")
  set(_in_fence FALSE)
  foreach(_line IN LISTS _lines)
    if(_line MATCHES "^[ ]*(```|~~~)")
      if(_in_fence)
        set(_in_fence FALSE)
      else()
        set(_in_fence TRUE)
      endif()
      list(APPEND _kept " ")
    elseif(_in_fence)
      list(APPEND _kept " ")
    else()
      list(APPEND _kept "${_line} ")
    endif()
  endforeach()
  set(${out} "${_kept}" PARENT_SCOPE)
endfunction()

# GitHub's anchors for the headings of a Markdown file.
function(_dl_anchors out file)
  _dl_lines(_lines "${file}")
  set(_anchors "")
  foreach(_line IN LISTS _lines)
    if(_line MATCHES "^#+[ ]+(.*[^ ])[ ]*$")
      _dl_unescape(_h "${CMAKE_MATCH_1}")
      string(TOLOWER "${_h}" _h)
      string(REGEX REPLACE "[^a-z0-9 _-]" "" _h "${_h}")
      string(REPLACE " " "-" _h "${_h}")
      set(_slug "${_h}")
      set(_n 0)
      while("${_slug}" IN_LIST _anchors)
        math(EXPR _n "${_n} + 1")
        set(_slug "${_h}-${_n}")
      endwhile()
      list(APPEND _anchors "${_slug}")
    endif()
  endforeach()
  set(${out} "${_anchors}" PARENT_SCOPE)
endfunction()

set(_missing "")
set(_links 0)
set(_paths 0)
foreach(_file IN LISTS _files)
  file(RELATIVE_PATH _rel "${ROOT}" "${_file}")
  get_filename_component(_dir "${_file}" DIRECTORY)
  _dl_lines(_lines "${_file}")
  set(_lineno 0)
  foreach(_line IN LISTS _lines)
    math(EXPR _lineno "${_lineno} + 1")

    # Paths in inline code.
    string(REGEX MATCHALL "`[^`]+`" _spans "${_line}")
    foreach(_span IN LISTS _spans)
      string(REGEX REPLACE "^`[ ]*([^ `]*).*$" "\\1" _path "${_span}")
      if(_path MATCHES "\\*|<|\\.\\.\\.|@LB@|@RB@|@SC@")
        continue()
      endif()
      if(NOT _path MATCHES "^(include|port|tests|bench|examples|scripts|toolchains|docs|cmake|\\.ci)/"
         AND NOT _path MATCHES "^(CMakeLists\\.txt|CMakePresets\\.json|LICENSE|README\\.md)$")
        continue()
      endif()
      math(EXPR _paths "${_paths} + 1")
      if(NOT EXISTS "${ROOT}/${_path}")
        list(APPEND _missing "${_rel}:${_lineno}: `${_path}` (path from the repository root)")
      endif()
    endforeach()

    # Link targets, outside inline code.
    string(REGEX REPLACE "`[^`]+`" "" _prose "${_line}")
    string(REGEX MATCHALL "@RB@\\([^) ]*[) ]" _targets "${_prose}")
    foreach(_t IN LISTS _targets)
      string(REGEX REPLACE "^@RB@\\(([^) ]*).$" "\\1" _t_esc "${_t}")
      _dl_unescape(_t "${_t_esc}")
      if(_t STREQUAL "" OR _t MATCHES "^(https?|mailto):")
        continue()
      endif()
      math(EXPR _links "${_links} + 1")
      set(_anchor "")
      set(_path "${_t}")
      if(_t MATCHES "^([^#]*)#(.*)$")
        set(_path "${CMAKE_MATCH_1}")
        set(_anchor "${CMAKE_MATCH_2}")
      endif()
      if(_path STREQUAL "")
        set(_target "${_file}")
      else()
        get_filename_component(_target "${_dir}/${_path}" ABSOLUTE)
      endif()
      if(NOT EXISTS "${_target}")
        list(APPEND _missing "${_rel}:${_lineno}: link (${_t_esc}): no such file")
      elseif(NOT _anchor STREQUAL "" AND _target MATCHES "\\.md$")
        _dl_anchors(_anchors "${_target}")
        if(NOT "${_anchor}" IN_LIST _anchors)
          list(APPEND _missing "${_rel}:${_lineno}: link (${_t_esc}): no such heading")
        endif()
      endif()
    endforeach()
  endforeach()
endforeach()

list(LENGTH _files _nfiles)
if(_missing)
  list(LENGTH _missing _n)
  string(REPLACE ";" "\n  " _list "${_missing}")
  _dl_unescape(_list "${_list}")
  message(FATAL_ERROR "docs_links: ${_n} missing target(s) in ${_nfiles} file(s):\n  ${_list}")
endif()
message(STATUS "docs_links: ${_nfiles} files, ${_links} links and ${_paths} paths, all present")
