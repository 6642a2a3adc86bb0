package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"ethicsops/models"
)

// Column is one column of a backed-up table with its engine-independent
// type (gorm's: bool, int, uint, float, string, time, bytes).
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// table is what the backup knows of one table of the schema.
type table struct {
	Name       string
	Columns    []Column
	PrimaryKey []string
}

// tables returns every table of the schema this binary migrates, in
// migration order, from the models themselves: the column types are then
// the same whichever engine the rows come from or go to.
func tables(db *gorm.DB) ([]table, error) {
	var out []table
	for _, m := range models.Schema() {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			return nil, fmt.Errorf("parse model %T: %w", m, err)
		}
		t := table{Name: stmt.Schema.Table, PrimaryKey: stmt.Schema.PrimaryFieldDBNames}
		for _, f := range stmt.Schema.Fields {
			if f.DBName == "" || f.IgnoreMigration {
				continue
			}
			t.Columns = append(t.Columns, Column{Name: f.DBName, Type: string(f.GORMDataType)})
		}
		if len(t.PrimaryKey) == 0 {
			return nil, fmt.Errorf("table %s has no primary key to order its rows by", t.Name)
		}
		out = append(out, t)
	}
	return out, nil
}

// fingerprint is a hash of the tables and their columns: two databases with
// the same fingerprint were migrated by binaries with the same schema.
func fingerprint(ts []table) string {
	h := sha256.New()
	for _, t := range ts {
		fmt.Fprintf(h, "%s(", t.Name)
		for _, c := range t.Columns {
			fmt.Fprintf(h, "%s %s,", c.Name, c.Type)
		}
		fmt.Fprintf(h, ") pk(%s)\n", strings.Join(t.PrimaryKey, ","))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// dbTables lists the tables the database holds (its own bookkeeping tables
// aside), to name those of no model this binary knows.
func dbTables(ctx context.Context, q querier, mysql bool) ([]string, error) {
	query := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if mysql {
		query = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	sort.Strings(names)
	return names, rows.Err()
}

// querier is a connection, a transaction or a pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func quote(mysql bool, name string) string {
	if mysql {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

func columnList(mysql bool, cols []Column) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quote(mysql, c.Name)
	}
	return strings.Join(q, ", ")
}

// Sum is the checksum of a table's rows: the sum modulo 2^256 of the
// SHA-256 of each row's canonical line. A sum rather than a chain, so that
// it does not depend on the order rows come in: MySQL's collation and
// SQLite's byte order sort string keys differently, and a backup of one
// restored into the other must compare equal. It guards against damage and
// mistakes, not against someone who can also rewrite the manifest.
type Sum [4]uint64

// Add adds the hash of one row.
func (s *Sum) Add(line []byte) {
	h := sha256.Sum256(line)
	var carry uint64
	for i := 3; i >= 0; i-- {
		s[i], carry = bits.Add64(s[i], binary.BigEndian.Uint64(h[i*8:]), carry)
	}
}

func (s Sum) String() string {
	var b [32]byte
	for i := range s {
		binary.BigEndian.PutUint64(b[i*8:], s[i])
	}
	return hex.EncodeToString(b[:])
}

// scanRows reads every row of t from q in primary-key order, with only the
// columns cols, and calls fn with each row's canonical line (see
// appendLine) and a reader of its canonical values by column name.
func scanRows(ctx context.Context, q querier, mysql bool, t table, cols []Column, fn func(line []byte, get func(col string) any) error) error {
	pk := make([]string, len(t.PrimaryKey))
	for i, c := range t.PrimaryKey {
		pk[i] = quote(mysql, c)
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s ORDER BY %s", columnList(mysql, cols), quote(mysql, t.Name), strings.Join(pk, ", ")))
	if err != nil {
		return fmt.Errorf("read %s: %w", t.Name, err)
	}
	defer rows.Close()
	// The line lists the columns by name in byte order, whatever order
	// the table has them in.
	order := make([]int, len(cols))
	index := make(map[string]int, len(cols))
	for i, c := range cols {
		order[i] = i
		index[c.Name] = i
	}
	sort.Slice(order, func(a, b int) bool { return cols[order[a]].Name < cols[order[b]].Name })
	raw := make([]any, len(cols))
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	get := func(col string) any {
		if i, ok := index[col]; ok {
			return vals[i]
		}
		return nil
	}
	var line []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", t.Name, err)
		}
		for i, c := range cols {
			if vals[i], err = canonical(c.Type, raw[i]); err != nil {
				return fmt.Errorf("read %s.%s: %w", t.Name, c.Name, err)
			}
		}
		line = appendLine(line[:0], cols, order, vals)
		if err := fn(line, get); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", t.Name, err)
	}
	return nil
}

// appendLine appends the canonical line of one row: a JSON object of the
// columns in byte order of their names, numbers in Go's shortest form,
// strings with only the escapes JSON requires, bytes in base64. The same
// values give the same bytes on every engine; the checksums depend on it.
func appendLine(b []byte, cols []Column, order []int, vals []any) []byte {
	b = append(b, '{')
	for n, i := range order {
		if n > 0 {
			b = append(b, ',')
		}
		b = appendString(b, cols[i].Name)
		b = append(b, ':')
		switch v := vals[i].(type) {
		case nil:
			b = append(b, "null"...)
		case bool:
			b = strconv.AppendBool(b, v)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case uint64:
			b = strconv.AppendUint(b, v, 10)
		case float64:
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		case string:
			b = appendString(b, v)
		case []byte:
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, v)
			b = append(b, '"')
		}
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping only '"', '\\' and
// control characters.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// timeLayouts are the ways a time comes back as text (SQLite's stored
// text when the driver does not parse it).
var timeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"}

// canonical turns a value as a driver returns it into its canonical form:
// nil, bool, int64, uint64, float64, string, a time as RFC 3339 in UTC with
// nanoseconds, bytes (base64 in JSON). Every engine's form of one value
// gives the same canonical value.
func canonical(typ string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok && schema.DataType(typ) != schema.Bytes {
		v = string(b)
	}
	switch schema.DataType(typ) {
	case schema.Bool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		case string:
			n, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				return strconv.ParseBool(x)
			}
			return n != 0, nil
		}
	case schema.Int:
		switch x := v.(type) {
		case int64:
			return x, nil
		case string:
			return strconv.ParseInt(x, 10, 64)
		case float64:
			return int64(x), nil
		}
	case schema.Uint:
		switch x := v.(type) {
		case int64:
			return uint64(x), nil
		case uint64:
			return x, nil
		case string:
			return strconv.ParseUint(x, 10, 64)
		}
	case schema.Float:
		switch x := v.(type) {
		case float64:
			return x, nil
		case float32:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case string:
			return strconv.ParseFloat(x, 64)
		}
	case schema.Time:
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		case string:
			for _, l := range timeLayouts {
				if t, err := time.Parse(l, x); err == nil {
					return t.UTC().Format(time.RFC3339Nano), nil
				}
			}
		}
	case schema.Bytes:
		switch x := v.(type) {
		case []byte:
			return append([]byte(nil), x...), nil
		case string:
			return []byte(x), nil
		}
	default: // string and anything gorm names otherwise
		switch x := v.(type) {
		case string:
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		}
	}
	return nil, fmt.Errorf("unexpected %T value %v for a %s column", v, v, typ)
}

// argument turns a canonical value read back from a backup line (numbers as
// json.Number) into a value to insert into a column of type typ.
func argument(typ string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch schema.DataType(typ) {
	case schema.Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case schema.Int:
		if n, ok := v.(json.Number); ok {
			return n.Int64()
		}
	case schema.Uint:
		if n, ok := v.(json.Number); ok {
			return strconv.ParseUint(string(n), 10, 64)
		}
	case schema.Float:
		if n, ok := v.(json.Number); ok {
			return n.Float64()
		}
	case schema.Time:
		if s, ok := v.(string); ok {
			t, err := time.Parse(time.RFC3339Nano, s)
			return t.UTC(), err
		}
	case schema.Bytes:
		if s, ok := v.(string); ok {
			return base64.StdEncoding.DecodeString(s)
		}
	default:
		if s, ok := v.(string); ok {
			return s, nil
		}
	}
	return nil, fmt.Errorf("unexpected %T value %v for a %s column", v, v, typ)
}
