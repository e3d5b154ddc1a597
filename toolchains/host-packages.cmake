# SPDX-License-Identifier: BSL-1.0
# toolchains/host-packages.cmake — included by the cross toolchain files: header-only host packages
# (architecture-independent: Catch2 v2, Boost's headers). With package search restricted to the
# target's sysroot, point find_package at the host's configs. Any -D on the command line wins.
function(_errgroup_host_config var pattern what)
  if(DEFINED ${var})
    return()
  endif()
  file(GLOB _cfg ${pattern})
  if(_cfg)
    list(GET _cfg 0 _cfg)
    get_filename_component(_dir ${_cfg} DIRECTORY)
    set(${var} ${_dir} CACHE PATH "${what} from the host")
  endif()
endfunction()
_errgroup_host_config(Catch2_DIR /usr/lib/cmake/Catch2/Catch2Config.cmake "Catch2 v2 (header-only)")
_errgroup_host_config(Boost_DIR "/usr/lib/*/cmake/Boost-*/BoostConfig.cmake" "Boost (headers only)")
# BoostConfig finds its components with HINTS, which ONLY mode re-roots into the sysroot.
_errgroup_host_config(boost_headers_DIR
  "/usr/lib/*/cmake/boost_headers-*/boost_headers-config.cmake" "Boost.Headers")
