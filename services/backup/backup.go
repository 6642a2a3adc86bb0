// Package backup writes a consistent snapshot of the database and of the
// files its rows name (`ethicsops backup`), and brings it back into a fresh
// database and store, checking every table against the snapshot
// (`ethicsops restore`).
package backup

import (
	"bufio"
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
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services/storage"
)

// Format names the layout of a backup directory; restore refuses others.
const Format = "ethicsops-backup/1"

// Names of the parts of a backup directory.
const (
	ManifestName = "manifest.json"
	SQLiteName   = "ethicsops.db" // the VACUUM INTO copy of an SQLite database
	TablesDir    = "tables"       // one <table>.jsonl per table of a MySQL dump
	FilesDir     = "files"        // the copied objects, under their keys
)

// FilesMode says what a backup does with the stored files its rows name.
type FilesMode string

const (
	// FilesCopy copies each object into the backup (a local data directory).
	FilesCopy FilesMode = "copy"
	// FilesReference lists each object's key, size and hash and checks it
	// exists, without copying it: for a bucket that is backed up, versioned
	// or replicated on its own, where copying every object on every backup
	// would be slow and costly.
	FilesReference FilesMode = "reference"
)

// KeysNotIncluded is what the manifest and the README of every backup say
// about the secrets a backup leaves out.
const KeysNotIncluded = "Not in this backup, on purpose: the JWT signing secret (jwt-secret in the data directory or ETHICSOPS_JWT_SECRET) and the key that seals whistle-blowing reports (reports.key in the data directory or ETHICSOPS_REPORTS_KEY). Keep those keys apart from the backups, e.g. in a password manager or a sealed envelope: sealed reports in a backup stay sealed without their key. Restoring without the JWT secret only signs everyone out; restoring without the reports key leaves the sealed reports unreadable."

// Manifest describes a backup: when, from what, and per table the rows it
// holds with their checksum, computed inside the snapshot.
type Manifest struct {
	Format string `json:"format"`
	// SnapshotAt is the moment of the snapshot (the database's clock on
	// MySQL, this machine's at the start of VACUUM INTO on SQLite).
	SnapshotAt time.Time `json:"snapshot_at"`
	// Engine is "sqlite" or "mysql"; ServerVersion the engine's version.
	Engine        string `json:"engine"`
	ServerVersion string `json:"server_version"`
	// Version is the ethicsops binary that wrote the backup; Schema the
	// fingerprint of its tables and columns (the migrations are gorm's
	// AutoMigrate, so the schema's version is what it holds).
	Version string `json:"ethicsops_version"`
	Schema  string `json:"schema_fingerprint"`
	// Database is the file holding the rows: SQLiteName, or TablesDir.
	Database       string        `json:"database"`
	DatabaseSHA256 string        `json:"database_sha256,omitempty"`
	Tables         []TableDigest `json:"tables"`
	// UnknownTables are tables of the database that no model of this
	// binary names; they are not in the backup.
	UnknownTables []string       `json:"unknown_tables,omitempty"`
	Files         FilesManifest  `json:"files"`
	Seconds       float64        `json:"seconds"`
	NotIncluded   string         `json:"not_included"`
	Extra         map[string]any `json:"extra,omitempty"`
}

// TableDigest is one table of the snapshot.
type TableDigest struct {
	Name       string   `json:"name"`
	Columns    []Column `json:"columns"`
	PrimaryKey []string `json:"primary_key"`
	Rows       int64    `json:"rows"`
	// Checksum is the Sum of the rows' canonical lines.
	Checksum string `json:"checksum"`
	// File and FileSHA256 are the table's JSONL file in a MySQL dump.
	File       string `json:"file,omitempty"`
	FileSHA256 string `json:"file_sha256,omitempty"`
}

// FilesManifest lists the stored objects the snapshot's rows need.
type FilesManifest struct {
	Mode    FilesMode `json:"mode"`
	Objects []Object  `json:"objects"`
	Bytes   int64     `json:"bytes"`
}

// Object is one stored object: its key in the Store, size and SHA-256.
type Object struct {
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Options of a backup.
type Options struct {
	// Dir is the backup directory: created, or empty.
	Dir string
	// Store holds the files the rows name (keys "attachments/…",
	// "reports/…"); Files says whether they are copied or referenced.
	Store storage.Store
	Files FilesMode
	// Version is the binary's version, for the manifest.
	Version string

	// consistent false reads each table in a transaction of its own, as a
	// dump without a snapshot would; only tests set it, to show that the
	// checks notice. afterTable, when set, runs after each table is read.
	inconsistent bool
	afterTable   func(table string)
}

// Backup writes a snapshot of db and of the files its rows need into o.Dir
// and returns its manifest. SQLite is copied with VACUUM INTO; MySQL is
// dumped table by table, in primary-key order, inside one transaction WITH
// CONSISTENT SNAPSHOT, into JSONL files. Neither blocks the writers of a
// running server. The manifest is written last: a directory without one is
// not a backup.
func Backup(ctx context.Context, db *gorm.DB, o Options) (*Manifest, error) {
	start := time.Now()
	if o.Files == "" {
		o.Files = FilesCopy
	}
	if o.Files != FilesCopy && o.Files != FilesReference {
		return nil, fmt.Errorf("files mode must be %q or %q, not %q", FilesCopy, FilesReference, o.Files)
	}
	if o.Store == nil {
		return nil, errors.New("backup: no file store")
	}
	if err := emptyDir(o.Dir); err != nil {
		return nil, err
	}
	ts, err := tables(db)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Format: Format, Version: o.Version, Schema: fingerprint(ts), NotIncluded: KeysNotIncluded}
	var needs map[string]need
	if models.IsMySQL(db) {
		needs, err = dumpMySQL(ctx, db, ts, o, m)
	} else {
		needs, err = copySQLite(ctx, db, ts, o, m)
	}
	if err != nil {
		return nil, err
	}
	if err := saveFiles(ctx, o, needs, m); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(o.Dir, "README.txt"), []byte(readme(m)), 0o600); err != nil {
		return nil, err
	}
	m.Seconds = time.Since(start).Seconds()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFileSync(filepath.Join(o.Dir, ManifestName), append(b, '\n')); err != nil {
		return nil, err
	}
	return m, nil
}

// emptyDir creates dir, or checks that it is empty: a backup never mixes
// with another's files.
func emptyDir(dir string) error {
	if dir == "" {
		return errors.New("backup: no directory given")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("backup: %s is not empty; give a new directory for each backup", dir)
	}
	return nil
}

// digest reads every table through q and fills m.Tables with the row
// counts and checksums, calling write (when not nil) with each canonical
// line; it returns the objects the rows name.
func digest(ctx context.Context, q func(table string) (querier, func(), error), mysql bool, ts []table, o Options, m *Manifest, write func(t table, line []byte) error) (map[string]need, error) {
	needs := map[string]need{}
	for _, t := range ts {
		src, done, err := q(t.Name)
		if err != nil {
			return nil, err
		}
		d := TableDigest{Name: t.Name, Columns: t.Columns, PrimaryKey: t.PrimaryKey}
		var sum Sum
		ref := fileRefs[t.Name]
		err = scanRows(ctx, src, mysql, t, t.Columns, func(line []byte, get func(string) any) error {
			d.Rows++
			sum.Add(line)
			if ref != nil {
				if n, ok := ref(get); ok {
					needs[n.Key] = n
				}
			}
			if write != nil {
				return write(t, line)
			}
			return nil
		})
		done()
		if err != nil {
			return nil, err
		}
		d.Checksum = sum.String()
		m.Tables = append(m.Tables, d)
		if o.afterTable != nil {
			o.afterTable(t.Name)
		}
	}
	return needs, nil
}

// unknownTables names the tables of the database no model names.
func unknownTables(ctx context.Context, q querier, mysql bool, ts []table) ([]string, error) {
	names, err := dbTables(ctx, q, mysql)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, t := range ts {
		known[t.Name] = true
	}
	var out []string
	for _, n := range names {
		if !known[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

// copySQLite copies the database with VACUUM INTO, which reads it in one
// transaction (a WAL reader: writers go on) and writes a compact file; the
// counts and checksums are then read from the copy, which is the snapshot.
func copySQLite(ctx context.Context, db *gorm.DB, ts []table, o Options, m *Manifest) (map[string]need, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	m.Engine, m.Database = "sqlite", SQLiteName
	if err := sqlDB.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&m.ServerVersion); err != nil {
		return nil, err
	}
	path, err := filepath.Abs(filepath.Join(o.Dir, SQLiteName))
	if err != nil {
		return nil, err
	}
	m.SnapshotAt = time.Now().UTC()
	if o.inconsistent {
		// What a file copy of a live database amounts to: each table as
		// it is when it is reached.
		return inconsistentCopy(ctx, sqlDB, ts, o, m)
	}
	if _, err := sqlDB.ExecContext(ctx, "VACUUM INTO '"+strings.ReplaceAll(path, "'", "''")+"'"); err != nil {
		return nil, fmt.Errorf("VACUUM INTO %s: %w", path, err)
	}
	snap, err := openSQLiteFile(path)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	if m.DatabaseSHA256, err = fileSHA256(path); err != nil {
		return nil, err
	}
	if m.UnknownTables, err = unknownTables(ctx, snap, false, ts); err != nil {
		return nil, err
	}
	return digest(ctx, func(string) (querier, func(), error) { return snap, func() {}, nil }, false, ts, o, m, nil)
}

// dumpMySQL reads every table on one connection inside one transaction
// WITH CONSISTENT SNAPSHOT under REPEATABLE READ (whatever the server's
// default level): InnoDB serves the reads
// from the snapshot's versions and writers are not locked out. Each table
// streams into its JSONL file, one canonical line per row.
func dumpMySQL(ctx context.Context, db *gorm.DB, ts []table, o Options, m *Manifest) (map[string]need, error) {
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	m.Engine, m.Database = "mysql", TablesDir
	// Without SESSION the level is for this transaction only: the
	// connection goes back to the pool with the server's own.
	for _, stmt := range []string{
		"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
		"START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	// A read-only transaction: nothing to keep, nothing to undo.
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK") }()
	if err := conn.QueryRowContext(ctx, "SELECT UTC_TIMESTAMP(6), VERSION()").Scan(&m.SnapshotAt, &m.ServerVersion); err != nil {
		return nil, err
	}
	m.SnapshotAt = m.SnapshotAt.UTC()
	if m.UnknownTables, err = unknownTables(ctx, conn, true, ts); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(o.Dir, TablesDir), 0o750); err != nil {
		return nil, err
	}
	src := func(string) (querier, func(), error) { return conn, func() {}, nil }
	if o.inconsistent {
		src = func(string) (querier, func(), error) { return sqlDB, func() {}, nil }
	}
	w := &tableWriter{dir: o.Dir}
	needs, err := digest(ctx, src, true, ts, o, m, w.write)
	if cerr := w.close(m); err == nil {
		err = cerr
	}
	return needs, err
}

// inconsistentCopy reads each SQLite table outside any shared transaction
// into JSONL files, as a careless dump would (tests only).
func inconsistentCopy(ctx context.Context, sqlDB querier, ts []table, o Options, m *Manifest) (map[string]need, error) {
	m.Database = TablesDir
	if err := os.MkdirAll(filepath.Join(o.Dir, TablesDir), 0o750); err != nil {
		return nil, err
	}
	w := &tableWriter{dir: o.Dir}
	needs, err := digest(ctx, func(string) (querier, func(), error) { return sqlDB, func() {}, nil }, false, ts, o, m, w.write)
	if cerr := w.close(m); err == nil {
		err = cerr
	}
	return needs, err
}

// tableWriter streams lines into tables/<name>.jsonl, one file open at a
// time, hashing each file as it is written.
type tableWriter struct {
	dir  string
	name string
	f    *os.File
	buf  *bufio.Writer
	hash interface {
		io.Writer
		Sum([]byte) []byte
	}
	sums map[string]string
}

func (w *tableWriter) open(name string) error {
	if err := w.finish(); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(w.dir, TablesDir, name+".jsonl"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w.name, w.f = name, f
	h := sha256.New()
	w.hash = h
	w.buf = bufio.NewWriterSize(io.MultiWriter(f, h), 256<<10)
	return nil
}

func (w *tableWriter) write(t table, line []byte) error {
	if w.f == nil || w.name != t.Name {
		if err := w.open(t.Name); err != nil {
			return err
		}
	}
	if _, err := w.buf.Write(line); err != nil {
		return err
	}
	return w.buf.WriteByte('\n')
}

func (w *tableWriter) finish() error {
	if w.f == nil {
		return nil
	}
	err := w.buf.Flush()
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if w.sums == nil {
		w.sums = map[string]string{}
	}
	w.sums[w.name] = hex.EncodeToString(w.hash.Sum(nil))
	w.f = nil
	return err
}

// close finishes the last file and names each table's file in m; a table
// without rows gets an empty file, so that every table has one.
func (w *tableWriter) close(m *Manifest) error {
	if err := w.finish(); err != nil {
		return err
	}
	for i := range m.Tables {
		t := &m.Tables[i]
		t.File = TablesDir + "/" + t.Name + ".jsonl"
		sum, ok := w.sums[t.Name]
		if !ok {
			if err := os.WriteFile(filepath.Join(w.dir, filepath.FromSlash(t.File)), nil, 0o600); err != nil {
				return err
			}
			sum = hex.EncodeToString(sha256.New().Sum(nil))
		}
		t.FileSHA256 = sum
	}
	return nil
}

// saveFiles copies (or, in reference mode, checks) every object the
// snapshot's rows need. Files are written before the row naming them
// commits and never deleted while a row names them, so each is there.
func saveFiles(ctx context.Context, o Options, needs map[string]need, m *Manifest) error {
	keys := make([]string, 0, len(needs))
	for k := range needs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m.Files = FilesManifest{Mode: o.Files, Objects: []Object{}}
	for _, k := range keys {
		n := needs[k]
		var obj Object
		var err error
		if o.Files == FilesReference {
			obj, err = checkObject(ctx, o.Store, n)
		} else {
			obj, err = copyObject(ctx, o.Store, n, filepath.Join(o.Dir, FilesDir, filepath.FromSlash(k)))
		}
		if err != nil {
			return err
		}
		m.Files.Objects = append(m.Files.Objects, obj)
		m.Files.Bytes += obj.Size
	}
	return nil
}

func checkObject(ctx context.Context, store storage.Store, n need) (Object, error) {
	st, err := store.Stat(ctx, n.Key)
	if err != nil {
		return Object{}, fmt.Errorf("stored file %s, named by a row of the snapshot: %w", n.Key, err)
	}
	if n.Size >= 0 && st.Size != n.Size {
		return Object{}, fmt.Errorf("stored file %s has %d bytes, its row says %d", n.Key, st.Size, n.Size)
	}
	return Object{Key: n.Key, Size: st.Size, SHA256: n.SHA256}, nil
}

func copyObject(ctx context.Context, store storage.Store, n need, dst string) (Object, error) {
	r, _, err := store.Open(ctx, n.Key)
	if err != nil {
		return Object{}, fmt.Errorf("stored file %s, named by a row of the snapshot: %w", n.Key, err)
	}
	defer r.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return Object{}, err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return Object{}, err
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(f, h), r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Object{}, fmt.Errorf("copy %s: %w", n.Key, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if n.SHA256 != "" && sum != n.SHA256 {
		return Object{}, fmt.Errorf("stored file %s is damaged: its SHA-256 is %s, its row says %s", n.Key, sum, n.SHA256)
	}
	if n.Size >= 0 && size != n.Size {
		return Object{}, fmt.Errorf("stored file %s has %d bytes, its row says %d", n.Key, size, n.Size)
	}
	return Object{Key: n.Key, Size: size, SHA256: sum}, nil
}

// need is an object a row names: its key, and the hash and size the row
// records (empty and -1 when the row does not say).
type need struct {
	Key    string
	SHA256 string
	Size   int64
}

// fileRefs says, per table, which object a row names: attachments under
// their content hash, sealed report files under "reports/<file id>". A
// feature that stores files adds its table here.
var fileRefs = map[string]func(get func(col string) any) (need, bool){
	"attachments": func(get func(string) any) (need, bool) {
		sum, _ := get("sha256").(string)
		if len(sum) < 2 {
			return need{}, false
		}
		size, ok := get("size").(int64)
		if !ok {
			size = -1
		}
		return need{Key: "attachments/" + sum[:2] + "/" + sum, SHA256: sum, Size: size}, true
	},
	// A report file's object holds its bytes sealed (services/reports): the
	// row knows neither the sealed size nor a hash, so the copy's own hash
	// goes into the manifest. The object stays sealed in the backup.
	"report_files": func(get func(string) any) (need, bool) {
		key, _ := get("object_key").(string)
		if !strings.HasPrefix(key, "reports/") {
			return need{}, false
		}
		return need{Key: key, Size: -1}, true
	},
}

func openSQLiteFile(path string) (*sql.DB, error) {
	db, err := models.Open(models.Options{Driver: "sqlite", DSN: "file:" + path + "?mode=ro&_pragma=busy_timeout(10000)", MaxOpen: 1})
	if err != nil {
		return nil, err
	}
	return db.DB()
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func readme(m *Manifest) string {
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	files := "copied under files/ by their keys"
	if m.Files.Mode == FilesReference {
		files = "NOT copied: they stay in the object store; manifest.json lists each key, size and SHA-256 (back the bucket up on its own)"
	}
	return fmt.Sprintf(`ethicsops backup (%s)

Snapshot of %s at %s: %d tables, %d rows (%s), ethicsops %s.
Files (%d, %d bytes): %s.

Restore into a fresh database and data directory with the same settings as the server:
  ethicsops restore --from <this directory>
It refuses a database that already has rows, and checks every table's row
count and checksum, and every file's SHA-256, against manifest.json.

%s
`, m.Format, m.Engine, m.SnapshotAt.Format(time.RFC3339), len(m.Tables), rows, m.Database, m.Version, len(m.Files.Objects), m.Files.Bytes, files, KeysNotIncluded)
}
