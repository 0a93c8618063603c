# cmake --install: the binary, its man page and the bash/zsh completions (docs/install.md).
# The man page and the completions are written by the memgate just built (--help-man,
# --completion), from the same command and option tables as --help: there is no second copy.
include(GNUInstallDirs)

set(MEMGATE_GENERATED ${CMAKE_CURRENT_BINARY_DIR}/share)
set(MEMGATE_MAN_PAGE ${MEMGATE_GENERATED}/memgate.1)
set(MEMGATE_BASH_COMPLETION ${MEMGATE_GENERATED}/memgate.bash)
set(MEMGATE_ZSH_COMPLETION ${MEMGATE_GENERATED}/_memgate)
add_custom_command(
  OUTPUT ${MEMGATE_MAN_PAGE} ${MEMGATE_BASH_COMPLETION} ${MEMGATE_ZSH_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${MEMGATE_GENERATED}
  COMMAND sh -c "\"$1\" --help-man > \"$2\" && \"$1\" --completion bash > \"$3\" && \"$1\" --completion zsh > \"$4\""
          sh $<TARGET_FILE:memgate> ${MEMGATE_MAN_PAGE} ${MEMGATE_BASH_COMPLETION}
          ${MEMGATE_ZSH_COMPLETION}
  DEPENDS memgate
  COMMENT "memgate.1 and the shell completions from memgate's --help texts"
  VERBATIM)
add_custom_target(memgate_docs ALL DEPENDS ${MEMGATE_MAN_PAGE} ${MEMGATE_BASH_COMPLETION}
                                           ${MEMGATE_ZSH_COMPLETION})

# Where the shells look: bash-completion loads share/bash-completion/completions/NAME on
# demand; zsh's fpath holds /usr/local/share/zsh/site-functions, and Debian's zsh
# /usr/share/zsh/vendor-completions for what packages install under /usr. Chosen when
# installing, by the prefix in force then (cmake --install --prefix, or CPack's /usr).
set(MEMGATE_ZSH_COMPLETION_DIR "" CACHE STRING
    "Where cmake --install puts the zsh completion (default: by the install prefix)")

install(TARGETS memgate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${MEMGATE_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${MEMGATE_BASH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME memgate)
install(CODE "
  set(zsh_dir \"${MEMGATE_ZSH_COMPLETION_DIR}\")
  if(NOT zsh_dir AND CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(zsh_dir \"${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions\")
  elseif(NOT zsh_dir)
    set(zsh_dir \"${CMAKE_INSTALL_DATADIR}/zsh/site-functions\")
  endif()
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/\${zsh_dir}\" TYPE FILE
       FILES \"${MEMGATE_ZSH_COMPLETION}\")")
