#!/bin/sh
# The container's start: bring the database to the newest schema, then serve.
#
# `exec` makes `leavebot serve` the container's main process, so the SIGTERM of `docker stop` or
# Kubernetes reaches it and it stops gracefully (in-flight requests finish, leadership is freed).
set -eu
leavebot db upgrade
exec leavebot serve "$@"
