# cpack: a Debian package (memgate_VERSION_ARCH.deb) and a tarball of the same install tree
# (docs/install.md). The .deb's Depends come from dpkg-shlibdeps, i.e. from what the binary
# really links (libjansson4, libcurl4, libyaml-0-2, zlib1g, libzstd1, libc6), not a hand list.
set(CPACK_PACKAGE_NAME memgate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR memgate)
set(CPACK_PACKAGE_CONTACT "memgate maintainers <memgate@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "CI gate for heap-memory regressions (dhat, Valgrind DHAT, heaptrack, massif profiles)")
set(CPACK_PACKAGE_DESCRIPTION "memgate compares a heap profile with a reviewed baseline, fails \
the build on a regression, shows which functions grew and posts the verdict to the pull or \
merge request.")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# the TLS roots libcurl needs to reach api.github.com / gitlab
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)

cmake_host_system_information(RESULT MEMGATE_ARCH QUERY OS_PLATFORM)
set(CPACK_PACKAGE_FILE_NAME memgate-${PROJECT_VERSION}-linux-${MEMGATE_ARCH})
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/cpack_project.cmake)
include(CPack)
