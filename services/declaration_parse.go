package services

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ethicsops/models"
)

// Import limits: a city's roster is a few thousand rows; anything far larger
// is a mistake (or an attack) and is refused before it is parsed.
const (
	MaxImportBytes = 5 << 20
	MaxImportRows  = 10000
)

// DeclarationCSVRow is one data row of a roster CSV, parsed but not yet
// checked against the database (the unit is still the text of the file).
type DeclarationCSVRow struct {
	Line          int
	DeclarantName string
	Position      string
	Unit          string
	Type          string // one of models.DeclarationTypes
	DueDate       string // YYYY-MM-DD
	FiledDate     string // YYYY-MM-DD, or "" when not filed
}

// LineProblems collects the reasons each line of a file is bad, in order.
type LineProblems map[int][]string

// Add records a problem with line.
func (p LineProblems) Add(line int, format string, args ...any) {
	p[line] = append(p[line], fmt.Sprintf(format, args...))
}

// Err is a validation_failed error listing every bad line ("line 3": "unknown
// unit "X"; bad due date "..."), or nil when there is none.
func (p LineProblems) Err() error {
	if len(p) == 0 {
		return nil
	}
	lines := make([]int, 0, len(p))
	for l := range p {
		lines = append(lines, l)
	}
	sort.Ints(lines)
	f := Fields{}
	for _, l := range lines {
		f[fmt.Sprintf("line %d", l)] = strings.Join(p[l], "; ")
	}
	return &Error{Code: CodeValidation, Message: fmt.Sprintf("%d line(s) of the file have problems (first: line %d); nothing was imported", len(lines), lines[0]), Fields: f}
}

// csvColumns maps every accepted header (English or the Chinese a clerk's
// spreadsheet export uses) to its column.
var csvColumns = map[string]string{
	"declarant_name": "name", "name": "name", "姓名": "name", "申報人": "name", "申報人姓名": "name",
	"position": "position", "職稱": "position",
	"unit": "unit", "unit_code": "unit", "機關": "unit", "服務機關": "unit", "機關名稱": "unit", "單位": "unit",
	"type": "type", "申報類別": "type", "申報類型": "type",
	"due_date": "due", "申報期限": "due",
	"filed_at": "filed", "filed_date": "filed", "申報日期": "filed",
}

var requiredColumns = []struct{ col, names string }{
	{"name", "declarant_name/姓名"}, {"position", "position/職稱"}, {"unit", "unit/機關"},
	{"type", "type/申報類別"}, {"due", "due_date/申報期限"},
}

// ParseDeclarationCSV reads a roster file: UTF-8 with or without a BOM, a
// header row in English or Chinese (columns in any order; other columns are
// ignored and never stored), then one declarant per row. Blank rows are
// skipped. Line numbers are those a spreadsheet shows (the header is line 1).
// Problems of single rows are returned per line; a problem with the file as a
// whole (not UTF-8, no header, a missing column, too many rows) is an error.
func ParseDeclarationCSV(data []byte) ([]DeclarationCSVRow, LineProblems, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, nil, Invalid("file", "is not UTF-8 text; save the spreadsheet as \"CSV UTF-8\"")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, Invalid("file", "is empty; the first row must name the columns")
	}
	if err != nil {
		return nil, nil, Invalid("file", "line 1: "+csvErr(err))
	}
	idx := map[string]int{}
	for i, h := range header {
		col, ok := csvColumns[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			continue
		}
		if _, dup := idx[col]; dup {
			return nil, nil, Invalid("file", fmt.Sprintf("line 1: column %q appears twice", strings.TrimSpace(h)))
		}
		idx[col] = i
	}
	var missing []string
	for _, rc := range requiredColumns {
		if _, ok := idx[rc.col]; !ok {
			missing = append(missing, rc.names)
		}
	}
	if len(missing) > 0 {
		return nil, nil, Invalid("file", "line 1: missing column(s) "+strings.Join(missing, ", "))
	}
	problems := LineProblems{}
	var rows []DeclarationCSVRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// FieldPos is only valid after a successful Read: after an error
			// the record may have no fields and it panics (found by fuzzing:
			// an unterminated quote in the last row).
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			problems.Add(line, "%s", csvErr(err))
			continue
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rows) >= MaxImportRows {
			return nil, nil, Invalid("file", fmt.Sprintf("has more than %d rows; split it", MaxImportRows))
		}
		get := func(col string) string {
			i, ok := idx[col]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		row := DeclarationCSVRow{Line: line, DeclarantName: get("name"), Position: get("position"), Unit: get("unit")}
		if msg := textProblem(row.DeclarantName, 100, true, Line); msg != "" {
			problems.Add(line, "declarant name: %s", msg)
		}
		if msg := textProblem(row.Position, 100, true, Line); msg != "" {
			problems.Add(line, "position: %s", msg)
		}
		if row.Unit == "" {
			problems.Add(line, "unit is empty")
		}
		if t, ok := ParseDeclarationType(get("type")); ok {
			row.Type = t
		} else {
			problems.Add(line, "unknown type %q (use regular, on_assumption, on_leaving, 定期申報, 就(到)職申報 or 卸(離)職申報)", get("type"))
		}
		if d, err := ParseCalendarDate(get("due")); err == nil {
			row.DueDate = d
		} else {
			problems.Add(line, "bad due date %q (use 2020-11-30 or 109/11/30)", get("due"))
		}
		if f := get("filed"); f != "" {
			if d, err := ParseCalendarDate(f); err == nil {
				row.FiledDate = d
			} else {
				problems.Add(line, "bad filing date %q (use 2020-11-30 or 109/11/30)", f)
			}
		}
		rows = append(rows, row)
	}
	return rows, problems, nil
}

func csvErr(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "malformed CSV: " + pe.Err.Error()
	}
	return "malformed CSV"
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

var dateRe = regexp.MustCompile(`^(?:民國)?\s*(\d{1,4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// ParseCalendarDate reads a calendar date written the ISO way (2020-11-30,
// 2020/11/30) or the Republic of China way (109/11/30, 109-11-30, 109.11.30,
// 109年11月30日): a year of one to three digits is an ROC year (+1911), four
// digits a Gregorian one. It returns the date as "YYYY-MM-DD" and refuses
// dates that do not exist (2021-02-29).
func ParseCalendarDate(s string) (string, error) {
	m := dateRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", fmt.Errorf("not a date: %q", s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if len(m[1]) <= 3 {
		if y < 1 {
			return "", fmt.Errorf("ROC year must be at least 1: %q", s)
		}
		y += 1911
	}
	if y < 1912 || y > 9999 {
		return "", fmt.Errorf("year out of range: %q", s)
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return "", fmt.Errorf("no such day: %q", s)
	}
	return t.Format(time.DateOnly), nil
}

// declarationTypeNames are the accepted spellings of each type, after
// normalizeTypeName (lower case, no spaces, ASCII parentheses).
var declarationTypeNames = map[string]string{
	"regular": models.DeclarationRegular, "定期申報": models.DeclarationRegular, "定期": models.DeclarationRegular,
	"on_assumption": models.DeclarationOnAssumption, "就(到)職申報": models.DeclarationOnAssumption, "就職申報": models.DeclarationOnAssumption,
	"到職申報": models.DeclarationOnAssumption, "就到職申報": models.DeclarationOnAssumption, "就(到)職": models.DeclarationOnAssumption,
	"on_leaving": models.DeclarationOnLeaving, "卸(離)職申報": models.DeclarationOnLeaving, "卸職申報": models.DeclarationOnLeaving,
	"離職申報": models.DeclarationOnLeaving, "卸離職申報": models.DeclarationOnLeaving, "卸(離)職": models.DeclarationOnLeaving,
}

// ParseDeclarationType maps a type as a clerk writes it (English code, or
// 定期申報, 就(到)職申報, 卸(離)職申報 and their 就職/到職/卸職/離職 variants, with
// full-width or ASCII parentheses) to its code.
func ParseDeclarationType(s string) (string, bool) {
	t, ok := declarationTypeNames[normalizeTypeName(s)]
	return t, ok
}

func normalizeTypeName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "", "-", "_").Replace(s)
	return s
}
