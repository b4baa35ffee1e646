#!/usr/bin/env bash
# A PostgreSQL primary and a streaming replica of it on this machine, for the tests of reads from
# replicas and the load run with two app servers. Idempotent: starts what exists, makes what not.
#
#   primary  127.0.0.1:${REPLICA_PRIMARY_PORT:-5434}  (cluster kpi_primary)
#   replica  127.0.0.1:${REPLICA_PORT:-5435}          (cluster kpi_replica, pg_basebackup -R)
#
# The machine's own cluster on 5432 is left alone. Run as root (pg_createcluster needs it).
set -euo pipefail

version=$(ls /etc/postgresql | sort -V | tail -1)
bin=/usr/lib/postgresql/$version/bin
primary_port=${REPLICA_PRIMARY_PORT:-5434}
replica_port=${REPLICA_PORT:-5435}

exists() { pg_lsclusters -h | awk '{print $2}' | grep -qx "$1"; }

trusting_localhost() {
    cat > "/etc/postgresql/$version/$1/pg_hba.conf" <<HBA
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
HBA
}

start() {
    pg_ctlcluster --skip-systemctl-redirect "$version" "$1" start >/dev/null 2>&1 || true
    for _ in $(seq 60); do pg_isready -q -h 127.0.0.1 -p "$2" && return; sleep 0.5; done
    echo "cluster $1 did not start on port $2" >&2
    exit 1
}

if ! exists kpi_primary; then
    pg_createcluster "$version" kpi_primary --port "$primary_port" >/dev/null
    trusting_localhost kpi_primary
fi
start kpi_primary "$primary_port"

if ! exists kpi_replica; then
    pg_createcluster "$version" kpi_replica --port "$replica_port" >/dev/null
    trusting_localhost kpi_replica
    data=/var/lib/postgresql/$version/kpi_replica
    rm -rf "${data:?}"/*
    runuser -u postgres -- "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
        -D "$data" -R -X stream --checkpoint=fast
fi
start kpi_replica "$replica_port"

standby=$(psql -h 127.0.0.1 -p "$replica_port" -U postgres -Atc "select pg_is_in_recovery()")
if [ "$standby" != "t" ]; then
    echo "the cluster on port $replica_port is not a replica" >&2
    exit 1
fi
echo "primary on 127.0.0.1:$primary_port, streaming replica on 127.0.0.1:$replica_port"
