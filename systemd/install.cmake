# SPDX-License-Identifier: GPL-2.0-or-later
#
# install.cmake: what "make install" (cmake --install) puts where.
#
# Paths below the prefix follow GNUInstallDirs; --prefix given at install
# time wins, so the unit file is configured then, not at configure time.
# The configuration file always goes to /etc/xen (under DESTDIR), as Xen's
# own files do, and an existing one is never replaced.
#
#   PREFIX=/usr        /usr/sbin/xen-crashwatchd
#                      /usr/bin/xen-crashwatchctl
#                      /usr/share/man/man1/xen-crashwatchctl.1
#                      /usr/share/bash-completion/completions/xen-crashwatchctl
#                      /usr/lib/systemd/system/xen-crashwatch.service
#                      /usr/lib/systemd/catalog/xen-crashwatch.catalog
#                      /usr/lib/tmpfiles.d/xen-crashwatch.conf
#                      /usr/share/man/man8/xen-crashwatchd.8
#                      /usr/share/man/man5/crashwatch.conf.5
#                      /etc/xen/crashwatch.conf
#   PREFIX=/usr/local  the same under /usr/local; systemd reads units,
#                      catalogs and tmpfiles.d from /usr/local/lib too.
#
# CW_SYSTEMD_UNITDIR may be absolute: Debian 12's debhelper only looks in
# /lib/systemd/system, so debian/rules sets it there.
#
set(CW_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING
	"systemd unit directory, relative to the prefix or absolute")
set(CW_SYSTEMD_CATALOGDIR "lib/systemd/catalog" CACHE STRING
	"journal catalog directory, relative to the prefix or absolute")
set(CW_TMPFILESDIR "lib/tmpfiles.d" CACHE STRING
	"tmpfiles.d directory, relative to the prefix or absolute")
set(CW_CONFDIR "/etc/xen" CACHE PATH
	"where crashwatch.conf goes (absolute, under DESTDIR)")

set(cw_src ${CMAKE_CURRENT_LIST_DIR}/..)

if(TARGET xen-crashwatchd)
	install(TARGETS xen-crashwatchd
		RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
else()
	message(WARNING "xen-crashwatchd target not defined: "
		"'install' will not install the daemon")
endif()

if(TARGET xen-crashwatchctl)
	install(TARGETS xen-crashwatchctl
		RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES ${cw_src}/ctl/xen-crashwatchctl.1
	DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${cw_src}/ctl/xen-crashwatchctl.bash-completion
	DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
	RENAME xen-crashwatchctl)

# The unit names the daemon by its installed path, known only now.
install(CODE "
	set(sbindir \"${CMAKE_INSTALL_SBINDIR}\")
	if(NOT IS_ABSOLUTE \"\${sbindir}\")
		set(sbindir \"\${CMAKE_INSTALL_PREFIX}/\${sbindir}\")
	endif()
	set(SBINDIR \"\${sbindir}\")
	# One copy per destination: installs may run side by side.
	string(MD5 h \"\$ENV{DESTDIR}|\${CMAKE_INSTALL_PREFIX}\")
	set(unit \"${CMAKE_BINARY_DIR}/install/\${h}/xen-crashwatch.service\")
	configure_file(\"${cw_src}/systemd/xen-crashwatch.service\"
		\"\${unit}\" @ONLY)
	set(unitdir \"${CW_SYSTEMD_UNITDIR}\")
	if(NOT IS_ABSOLUTE \"\${unitdir}\")
		set(unitdir \"\${CMAKE_INSTALL_PREFIX}/\${unitdir}\")
	endif()
	file(INSTALL DESTINATION \"\${unitdir}\" TYPE FILE
		PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
		FILES \"\${unit}\")
")

install(FILES ${cw_src}/systemd/xen-crashwatch.catalog
	DESTINATION ${CW_SYSTEMD_CATALOGDIR})
install(FILES ${cw_src}/systemd/xen-crashwatch.tmpfiles
	DESTINATION ${CW_TMPFILESDIR}
	RENAME xen-crashwatch.conf)
install(FILES ${cw_src}/monitor/xen-crashwatchd.8
	DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${cw_src}/conf/crashwatch.conf.5
	DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# An operator's configuration outlives any reinstall: copy the example only
# where there is none yet.
install(CODE "
	set(conf \"${cw_src}/conf/crashwatch.conf\")
	set(dest \"\$ENV{DESTDIR}${CW_CONFDIR}/crashwatch.conf\")
	if(NOT EXISTS \"\${conf}\")
		message(FATAL_ERROR \"missing example configuration \${conf}\")
	elseif(EXISTS \"\${dest}\" OR IS_SYMLINK \"\${dest}\")
		message(STATUS \"Keeping existing: \${dest}\")
	else()
		file(INSTALL DESTINATION \"${CW_CONFDIR}\" TYPE FILE
			PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
			FILES \"\${conf}\")
	endif()
")

# On a live install (no DESTDIR) make journalctl -x see the catalog now;
# packages get this from systemd's dpkg trigger instead.
install(CODE "
	if(\"\$ENV{DESTDIR}\" STREQUAL \"\")
		find_program(cw_journalctl journalctl)
		if(cw_journalctl)
			execute_process(COMMAND \${cw_journalctl} --update-catalog)
		endif()
		message(STATUS \"Now run: systemd-tmpfiles --create xen-crashwatch.conf && systemctl daemon-reload\")
	endif()
")
