# Read by cpack for each generator: the tarball unpacks to memgate-VERSION-linux-ARCH/{bin,share}
# (run bin/memgate in place, or copy the tree into a prefix), the .deb installs under /usr.
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_PACKAGING_INSTALL_PREFIX "")
endif()
