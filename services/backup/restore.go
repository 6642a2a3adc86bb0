package backup

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services/storage"
)

// ErrNotFresh is returned by Restore when the target database already has
// rows: a restore never mixes a backup with other data.
var ErrNotFresh = errors.New("the target database already has rows")

// MismatchError lists every difference between the restored data and the
// manifest (the moment of the snapshot).
type MismatchError struct{ Problems []string }

func (e *MismatchError) Error() string {
	return "the restore does not match the backup: " + strings.Join(e.Problems, "; ")
}

// RestoreOptions of a restore.
type RestoreOptions struct {
	// Dir is the backup directory.
	Dir string
	// Store receives the copied files (FilesCopy), or must already hold the
	// referenced ones (FilesReference).
	Store storage.Store
}

// Result is what a restore did.
type Result struct {
	Manifest *Manifest
	Rows     int64
	Files    int
	// Remigrated is true when the backup's schema differed from this
	// binary's: the migrations ran again over the restored rows, after the
	// check, to bring them up to date.
	Remigrated bool
	Seconds    float64
}

// ReadManifest reads and checks the manifest of the backup in dir.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: not a backup, or an unfinished one", dir, ManifestName)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestName, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s: format %q, this binary reads %q", ManifestName, m.Format, Format)
	}
	return &m, nil
}

// Restore brings the backup in o.Dir into db, which must be fresh (no rows
// but those the migrations seed), and its files into o.Store: the schema by
// the migrations, then the rows, then the files (each checked against its
// SHA-256), then every table's row count and checksum compared with the
// manifest. Any difference is a *MismatchError; a target with rows is
// ErrNotFresh. It works from either engine's backup into either engine.
func Restore(ctx context.Context, db *gorm.DB, o RestoreOptions) (*Result, error) {
	start := time.Now()
	m, err := ReadManifest(o.Dir)
	if err != nil {
		return nil, err
	}
	if o.Store == nil {
		return nil, errors.New("restore: no file store")
	}
	if err := checkBackupFiles(o.Dir, m); err != nil {
		return nil, err
	}
	if err := models.Migrate(ctx, db); err != nil {
		return nil, err
	}
	ts, err := tables(db)
	if err != nil {
		return nil, err
	}
	byName := map[string]table{}
	for _, t := range ts {
		byName[t.Name] = t
	}
	for _, d := range m.Tables {
		t, ok := byName[d.Name]
		if !ok {
			return nil, fmt.Errorf("the backup has table %s, which this binary does not know: restore it with the version that wrote it (%s)", d.Name, m.Version)
		}
		have := map[string]string{}
		for _, c := range t.Columns {
			have[c.Name] = c.Type
		}
		for _, c := range d.Columns {
			if _, ok := have[c.Name]; !ok {
				return nil, fmt.Errorf("the backup has column %s.%s, which this binary does not know: restore it with the version that wrote it (%s)", d.Name, c.Name, m.Version)
			}
		}
	}
	seeded, err := seededTables(ctx)
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	mysql := models.IsMySQL(db)
	for _, t := range ts {
		if seeded[t.Name] {
			continue
		}
		var n int64
		if err := sqlDB.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quote(mysql, t.Name)).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, fmt.Errorf("%w (%d in %s): restore only into a new, empty database", ErrNotFresh, n, t.Name)
		}
	}
	src, err := openSource(o.Dir, m)
	if err != nil {
		return nil, err
	}
	defer src.close()
	res := &Result{Manifest: m}
	l := &loader{db: sqlDB, mysql: mysql}
	defer l.rollback()
	for _, d := range m.Tables {
		n, err := l.table(ctx, seeded[d.Name], d, src)
		if err != nil {
			return nil, fmt.Errorf("restore %s: %w", d.Name, err)
		}
		res.Rows += n
	}
	if err := l.commit(); err != nil {
		return nil, err
	}
	if res.Files, err = restoreFiles(ctx, o, m); err != nil {
		return nil, err
	}
	if err := compare(ctx, sqlDB, mysql, byName, m); err != nil {
		return nil, err
	}
	if m.Schema != fingerprint(ts) {
		// An older backup: the migrations' backfills run over its rows.
		if err := models.Migrate(ctx, db); err != nil {
			return nil, err
		}
		res.Remigrated = true
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// checkBackupFiles compares the database files of the backup with their
// SHA-256 in the manifest before anything is written.
func checkBackupFiles(dir string, m *Manifest) error {
	check := func(rel, want string) error {
		got, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("backup file %s: %w", rel, err)
		}
		if got != want {
			return &MismatchError{Problems: []string{fmt.Sprintf("backup file %s was changed or damaged: its SHA-256 is %s, the manifest says %s", rel, got, want)}}
		}
		return nil
	}
	if m.Database == SQLiteName {
		return check(SQLiteName, m.DatabaseSHA256)
	}
	for _, t := range m.Tables {
		if t.File != TablesDir+"/"+t.Name+".jsonl" {
			return fmt.Errorf("%s: table %s names the file %q, not %s/%s.jsonl", ManifestName, t.Name, t.File, TablesDir, t.Name)
		}
		if err := check(t.File, t.FileSHA256); err != nil {
			return err
		}
	}
	return nil
}

// seededTables are the tables the migrations fill on an empty database
// (the plan's targets, the one-row states): found by migrating an empty
// in-memory database, so that a seed added later is known here too. A
// fresh target may hold those rows; the backup's replace them.
func seededTables(ctx context.Context) (map[string]bool, error) {
	probe, err := models.Open(models.Options{Driver: "sqlite", DSN: ":memory:", MaxOpen: 1})
	if err != nil {
		return nil, err
	}
	sqlDB, err := probe.DB()
	if err != nil {
		return nil, err
	}
	defer sqlDB.Close()
	if err := models.Migrate(ctx, probe); err != nil {
		return nil, err
	}
	ts, err := tables(probe)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, t := range ts {
		var n int64
		if err := sqlDB.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quote(false, t.Name)).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			out[t.Name] = true
		}
	}
	return out, nil
}

// source yields the canonical lines of a backed-up table.
type source struct {
	dir  string
	m    *Manifest
	snap *sql.DB // the SQLite copy, when the backup is one
}

func openSource(dir string, m *Manifest) (*source, error) {
	s := &source{dir: dir, m: m}
	if m.Database == SQLiteName {
		db, err := openSQLiteFile(filepath.Join(dir, SQLiteName))
		if err != nil {
			return nil, err
		}
		s.snap = db
	}
	return s, nil
}

func (s *source) close() {
	if s.snap != nil {
		_ = s.snap.Close()
	}
}

// lines calls fn with each canonical line of table d.
func (s *source) lines(ctx context.Context, d TableDigest, fn func(line []byte) error) error {
	if s.snap != nil {
		t := table{Name: d.Name, Columns: d.Columns, PrimaryKey: d.PrimaryKey}
		return scanRows(ctx, s.snap, false, t, d.Columns, func(line []byte, _ func(string) any) error { return fn(line) })
	}
	f, err := os.Open(filepath.Join(s.dir, filepath.FromSlash(d.File)))
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		if err := fn(sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// restoreBatch is how many rows go in one INSERT at most, restoreBytes
// about how many bytes (well under MySQL's max_allowed_packet, for tables
// of long texts such as the draws' candidate lists); restoreCommit is how
// many rows one transaction holds (SQLite syncs at every commit).
const (
	restoreBatch  = 200
	restoreBytes  = 1 << 20
	restoreCommit = 5000
)

// loader inserts rows in batches, in transactions of about restoreCommit
// rows that run on across tables (one sync per transaction on SQLite).
type loader struct {
	db    *sql.DB
	mysql bool
	tx    *sql.Tx
	since int // rows since the last commit
}

func (l *loader) exec(ctx context.Context, q string, args ...any) error {
	if l.tx == nil {
		var err error
		if l.tx, err = l.db.BeginTx(ctx, nil); err != nil {
			return err
		}
	}
	_, err := l.tx.ExecContext(ctx, q, args...)
	return err
}

func (l *loader) commit() error {
	l.since = 0
	if l.tx == nil {
		return nil
	}
	err := l.tx.Commit()
	l.tx = nil
	return err
}

func (l *loader) rollback() {
	if l.tx != nil {
		_ = l.tx.Rollback()
		l.tx = nil
	}
}

// table inserts the rows of d, replacing the migrations' seed rows when the
// table is seeded.
func (l *loader) table(ctx context.Context, seeded bool, d TableDigest, src *source) (int64, error) {
	if seeded {
		if err := l.exec(ctx, "DELETE FROM "+quote(l.mysql, d.Name)); err != nil {
			return 0, err
		}
	}
	head := fmt.Sprintf("INSERT INTO %s (%s) VALUES ", quote(l.mysql, d.Name), columnList(l.mysql, d.Columns))
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(d.Columns)), ", ") + ")"
	var (
		args  []any
		batch int
		size  int
		n     int64
	)
	flush := func() error {
		if batch == 0 {
			return nil
		}
		if err := l.exec(ctx, head+strings.TrimSuffix(strings.Repeat(one+", ", batch), ", "), args...); err != nil {
			return err
		}
		l.since += batch
		args, batch, size = args[:0], 0, 0
		if l.since >= restoreCommit {
			return l.commit()
		}
		return nil
	}
	err := src.lines(ctx, d, func(line []byte) error {
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var row map[string]any
		if err := dec.Decode(&row); err != nil {
			return fmt.Errorf("row %d: %w", n+1, err)
		}
		for _, c := range d.Columns {
			v, err := argument(c.Type, row[c.Name])
			if err != nil {
				return fmt.Errorf("row %d, %s: %w", n+1, c.Name, err)
			}
			args = append(args, v)
		}
		batch++
		n++
		size += len(line)
		if batch == restoreBatch || size >= restoreBytes {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return n, err
}

// restoreFiles puts every copied object into the store, checking its
// SHA-256 as it streams; referenced objects must already be in the store
// with their size.
func restoreFiles(ctx context.Context, o RestoreOptions, m *Manifest) (int, error) {
	for i, obj := range m.Files.Objects {
		if !storage.ValidKey(obj.Key) {
			return i, fmt.Errorf("the manifest names an invalid file key %q", obj.Key)
		}
		if m.Files.Mode == FilesReference {
			st, err := o.Store.Stat(ctx, obj.Key)
			if err != nil {
				return i, fmt.Errorf("referenced file %s: %w", obj.Key, err)
			}
			if st.Size != obj.Size {
				return i, &MismatchError{Problems: []string{fmt.Sprintf("referenced file %s has %d bytes, the manifest says %d", obj.Key, st.Size, obj.Size)}}
			}
			continue
		}
		if err := putFile(ctx, o, obj); err != nil {
			return i, err
		}
	}
	return len(m.Files.Objects), nil
}

func putFile(ctx context.Context, o RestoreOptions, obj Object) error {
	f, err := os.Open(filepath.Join(o.Dir, FilesDir, filepath.FromSlash(obj.Key)))
	if err != nil {
		return fmt.Errorf("backup file %s: %w", obj.Key, err)
	}
	defer f.Close()
	h := sha256.New()
	if err := o.Store.Put(ctx, obj.Key, io.TeeReader(f, h), -1); err != nil {
		return fmt.Errorf("store %s: %w", obj.Key, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != obj.SHA256 {
		_ = o.Store.Delete(ctx, obj.Key)
		return &MismatchError{Problems: []string{fmt.Sprintf("backup file %s was changed or damaged: its SHA-256 is %s, the manifest says %s", obj.Key, sum, obj.SHA256)}}
	}
	return nil
}

// compare counts and sums every restored table, with the manifest's
// columns, and lists each table that differs from the snapshot.
func compare(ctx context.Context, db *sql.DB, mysql bool, byName map[string]table, m *Manifest) error {
	var problems []string
	for _, d := range m.Tables {
		t := byName[d.Name]
		var (
			sum Sum
			n   int64
		)
		err := scanRows(ctx, db, mysql, t, d.Columns, func(line []byte, _ func(string) any) error {
			n++
			sum.Add(line)
			return nil
		})
		if err != nil {
			return err
		}
		if n != d.Rows {
			problems = append(problems, fmt.Sprintf("%s has %d rows, the snapshot had %d", d.Name, n, d.Rows))
		} else if sum.String() != d.Checksum {
			problems = append(problems, fmt.Sprintf("%s's rows differ from the snapshot's (checksum %s, the snapshot's %s)", d.Name, sum, d.Checksum))
		}
	}
	if len(problems) > 0 {
		return &MismatchError{Problems: problems}
	}
	return nil
}
