package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"ethicsops/config"
	"ethicsops/models"
	"ethicsops/services"
	"ethicsops/services/backup"
	"ethicsops/services/storage"
)

// backupArgs are the flags of `backup` and `restore` that are theirs (the
// directory, the files mode); the others are the server's settings.
type backupArgs struct {
	dir   string
	files backup.FilesMode
}

// splitBackupArgs takes --to DIR (backup) or --from DIR (restore) and
// --files copy|reference out of args, leaving the settings to config.Load.
func splitBackupArgs(cmd string, args []string) (backupArgs, []string, error) {
	dirFlag := "to"
	if cmd == "restore" {
		dirFlag = "from"
	}
	var (
		b    backupArgs
		rest []string
	)
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || (name != dirFlag && !(cmd == "backup" && name == "files")) {
			rest = append(rest, args[i])
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return b, nil, fmt.Errorf("--%s needs a value", name)
			}
			i++
			value = args[i]
		}
		if name == "files" {
			b.files = backup.FilesMode(value)
		} else {
			b.dir = value
		}
	}
	if b.dir == "" {
		return b, nil, fmt.Errorf("--%s DIR is required", dirFlag)
	}
	if b.files != "" && b.files != backup.FilesCopy && b.files != backup.FilesReference {
		return b, nil, fmt.Errorf("--files must be %s or %s", backup.FilesCopy, backup.FilesReference)
	}
	return b, rest, nil
}

// backupCommand runs `backup --to DIR` or `restore --from DIR` with the
// server's settings: the same database and data directory. Exit 0 when
// done, 2 when the restore's target already has rows, 1 on any failure
// (a restore that does not match its backup among them).
func backupCommand(cmd string, b backupArgs, cfg *config.Config, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if cmd == "backup" && cfg.DBDriver == config.DriverSQLite {
		// Opening a missing SQLite file would create an empty database
		// and back that up.
		path := strings.TrimPrefix(cfg.DBDSN, "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(stderr, "ethicsops: backup: no database at %s (set --data-dir or ETHICSOPS_DB_DSN as the server has them)\n", path)
			return 2
		}
	}
	db, err := models.Open(models.Options{Driver: cfg.DBDriver, DSN: cfg.DBDSN, MaxOpen: 4, MaxIdle: 4, ConnLifetime: cfg.DBConnLifetime})
	if err != nil {
		fmt.Fprintln(stderr, "ethicsops:", cmd+":", err)
		return 1
	}
	defer closeDB(db)
	// The files live under the data directory today; a deployment with an
	// object store hands its Store here instead (and --files reference).
	store := storage.NewLocal(cfg.DataDir)
	if cmd == "backup" {
		m, err := backup.Backup(ctx, db, backup.Options{Dir: b.dir, Store: store, Files: b.files, Version: versionString()})
		if err != nil {
			fmt.Fprintln(stderr, "ethicsops: backup:", err)
			return 1
		}
		var rows int64
		for _, t := range m.Tables {
			rows += t.Rows
		}
		verb := "copied"
		if m.Files.Mode == backup.FilesReference {
			verb = "referenced (not copied)"
		}
		fmt.Fprintf(stdout, "backup written to %s in %.1fs: snapshot of %s at %s, %d tables, %d rows, %d files (%d bytes) %s\n",
			b.dir, m.Seconds, m.Engine, m.SnapshotAt.Format(time.RFC3339), len(m.Tables), rows, len(m.Files.Objects), m.Files.Bytes, verb)
		fmt.Fprintln(stdout, "not in the backup: the JWT secret and the reports key; keep them apart from it")
		return 0
	}
	res, err := backup.Restore(ctx, db, backup.RestoreOptions{Dir: b.dir, Store: store})
	var mm *backup.MismatchError
	switch {
	case errors.Is(err, backup.ErrNotFresh):
		fmt.Fprintf(stderr, "ethicsops: restore: %v; nothing was changed\n", err)
		return 2
	case errors.As(err, &mm):
		fmt.Fprintln(stderr, "ethicsops: restore FAILED: the restored data does not match the backup; do not use this database:")
		for _, p := range mm.Problems {
			fmt.Fprintln(stderr, "  "+p)
		}
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "ethicsops: restore:", err)
		return 1
	}
	m := res.Manifest
	fmt.Fprintf(stdout, "restored %d rows of %d tables and %d files from %s in %.1fs; every table matches the snapshot of %s at %s\n",
		res.Rows, len(m.Tables), res.Files, b.dir, res.Seconds, m.Engine, m.SnapshotAt.Format(time.RFC3339))
	if res.Remigrated {
		fmt.Fprintf(stdout, "the backup was written by ethicsops %s: the migrations brought its rows up to date\n", m.Version)
	}
	// The restored trail and counts, checked as `audit verify` and `kpi
	// verify` would (without sealing: the restore stays as the snapshot was).
	svc := services.New(db, services.Options{Location: cfg.Location, DataDir: cfg.DataDir})
	code := 0
	if v, err := svc.Audit.Verify(ctx); err != nil {
		fmt.Fprintln(stderr, "ethicsops: restore: audit verify:", err)
		code = 1
	} else if v.Broken != nil {
		fmt.Fprintf(stdout, "audit chain BROKEN at seq %d: %s\n", v.Broken.Seq, v.Broken.Reason)
		code = 1
	} else {
		fmt.Fprintf(stdout, "audit chain intact: %d sealed events, %d unsealed (sealed by the server when it starts)\n", v.Sealed, v.Unsealed)
	}
	if diffs, err := svc.KPIs.Verify(ctx); err != nil {
		fmt.Fprintln(stderr, "ethicsops: restore: kpi verify:", err)
		code = 1
	} else if len(diffs) > 0 {
		fmt.Fprintf(stdout, "kpi rollups DIFFER from the records in %d cells (run `ethicsops kpi rebuild`)\n", len(diffs))
		code = 1
	} else {
		fmt.Fprintln(stdout, "kpi rollups match the records")
	}
	fmt.Fprintln(stdout, "the JWT secret and the reports key are not in backups: put them back from where they are kept (without the JWT secret everyone signs in again)")
	return code
}
