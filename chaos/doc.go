// Package chaos holds the fault and multi-server harness of ethicsops: it
// builds the real binary, runs it against MariaDB, kills the server or the
// database under load and checks that no acknowledged write is lost or
// stored twice. Its tests run only with ETHICSOPS_CHAOS=1 (see
// docs/OPERATIONS.md), because they restart MariaDB. The Galera tests run
// only with ETHICSOPS_GALERA=1, on their own three-node cluster on loopback
// (galera.sh), one server per node.
package chaos
