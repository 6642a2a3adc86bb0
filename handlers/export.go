package handlers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"ethicsops/services"
)

// The downloads an office files: CSV (UTF-8 with a BOM, so that Excel reads
// it as UTF-8) and XLSX with a title block, formatted numbers and a print
// set-up. Both come from one table, so that they always agree.

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Typed cell values: the XLSX formats each kind, the CSV writes the number.
type (
	// percent is a rate 0–100 (the API's unit); the XLSX stores it as a
	// fraction with a percent format, so 85 shows as 85.00%.
	percent float64
	// count is a whole number shown with thousands separators.
	count float64
	// hours are shown with one decimal and thousands separators.
	hours float64
	// plain is a number shown as it is (a year: no separator).
	plain int
)

// exportCol is one column: its header in each language.
type exportCol struct{ zh, en string }

func (c exportCol) label(en bool) string {
	if en {
		return c.en
	}
	return c.zh
}

// exportSheet is one sheet of an XLSX (the CSV holds the first one only).
type exportSheet struct {
	name string
	cols []exportCol
	rows [][]any // nil cells stay empty
}

// exportDoc is a download: the title block (first line the title) above
// every sheet, and its sheets.
type exportDoc struct {
	title  []string
	sheets []exportSheet
}

// exportLang reads lang: zh-TW (default) or en. One language per cell.
func exportLang(get func(string) string) (bool, error) {
	switch get("lang") {
	case "", "zh-TW":
		return false, nil
	case "en":
		return true, nil
	}
	return false, services.BadRequest("lang must be zh-TW or en")
}

// exportParams reads format (csv or xlsx) and lang of a download route.
func exportParams(get func(string) string) (format string, en bool, err error) {
	if format, err = exportFormat(get); err != nil {
		return "", false, err
	}
	en, err = exportLang(get)
	return format, en, err
}

// reportParams reads format and lang of a report that answers JSON or a
// download: format json (the default), csv or xlsx; lang only with a
// download.
func reportParams(get func(string) string) (format string, en bool, err error) {
	format = get("format")
	if format != "" && format != "json" && format != "csv" && format != "xlsx" {
		return "", false, services.BadRequest("format must be json, csv or xlsx")
	}
	if get("lang") != "" && (format == "" || format == "json") {
		return "", false, services.BadRequest("lang is for the csv and xlsx downloads")
	}
	en, err = exportLang(get)
	return format, en, err
}

// exportFormat reads format for a download route: csv or xlsx.
func exportFormat(get func(string) string) (string, error) {
	switch f := get("format"); f {
	case "csv", "xlsx":
		return f, nil
	case "":
		return "", services.BadRequest("format is required: csv or xlsx")
	}
	return "", services.BadRequest("format must be csv or xlsx")
}

// neutralise keeps a spreadsheet from reading a text cell as a formula (CSV
// injection: =HYPERLINK(…), +cmd|…, -2+3, @SUM(…), and a leading tab or
// carriage return that some programs skip before looking): such a cell is
// prefixed with an apostrophe, which Excel and LibreOffice show as text.
// Numbers the export itself writes are not text and are left alone.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvCell is the text of a cell in a CSV.
func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return neutralise(x)
	case percent:
		return strconv.FormatFloat(float64(x), 'f', -1, 64)
	case count:
		return strconv.FormatFloat(float64(x), 'f', -1, 64)
	case hours:
		return strconv.FormatFloat(float64(x), 'f', -1, 64)
	case plain:
		return strconv.Itoa(int(x))
	default:
		return neutralise(fmt.Sprint(x))
	}
}

// writeCSV sends the first sheet of doc as CSV: headers, then rows; the
// title block is left out so that the file stays one table.
func writeCSV(c *gin.Context, name string, en bool, s exportSheet) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	head := make([]string, len(s.cols))
	for i, col := range s.cols {
		head[i] = col.label(en)
	}
	_ = w.Write(head)
	for _, row := range s.rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = csvCell(v)
		}
		_ = w.Write(rec)
	}
	w.Flush()
	attachment(c, name)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// xlsxStyles are the style ids of one workbook.
type xlsxStyles struct {
	title, subtitle, header, text, percent, count, hours, plain int
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	hours := "#,##0.0"
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	for _, st := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}}},
		{&s.subtitle, excelize.Style{Font: &excelize.Font{Size: 11}}},
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.text, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.percent, excelize.Style{Border: border, NumFmt: 10}}, // 0.00%
		{&s.count, excelize.Style{Border: border, NumFmt: 3}},    // #,##0
		{&s.hours, excelize.Style{Border: border, CustomNumFmt: &hours}},
		{&s.plain, excelize.Style{Border: border, NumFmt: 1}}, // 0
	} {
		if *st.id, err = f.NewStyle(&st.style); err != nil {
			return s, err
		}
	}
	return s, nil
}

// titleRows is how many rows the title block takes above the header: its
// lines and one blank row.
func titleRows(doc exportDoc) int { return len(doc.title) + 1 }

// buildXLSX lays out doc: on every sheet the title block, a bold header row
// frozen below it and repeated on every printed page, typed and formatted
// cells (a nil cell is not written at all, so it is empty, not ""), column
// widths fitted to the text, and an A4 landscape page one page wide.
func buildXLSX(doc exportDoc, en bool) (*bytes.Buffer, error) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	st, err := newXLSXStyles(f)
	if err != nil {
		return nil, err
	}
	for i, sh := range doc.sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.name)
		} else {
			_, err = f.NewSheet(sh.name)
		}
		if err != nil {
			return nil, err
		}
		if err := fillSheet(f, st, doc, sh, en); err != nil {
			return nil, err
		}
	}
	// No SetActiveSheet: the first sheet is active already, and the call
	// would parse every streamed sheet back into memory.
	return f.WriteToBuffer()
}

// fillSheet writes one sheet through excelize's stream writer, which keeps
// a large export (10,000 records) to a small, steady amount of memory: the
// rows go to a temporary file instead of a tree of cells. The print set-up
// and the sheet properties are set on the sheet before the stream starts
// (the stream writes them from it); widths and panes before the first row.
func fillSheet(f *excelize.File, st xlsxStyles, doc exportDoc, sh exportSheet, en bool) error {
	cell := func(col, row int) string {
		n, _ := excelize.CoordinatesToCellName(col, row)
		return n
	}
	head := titleRows(doc) + 1
	a4, landscape, one, free, fit := 9, "landscape", 1, 0, true
	if err := f.SetPageLayout(sh.name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &free}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sh.name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	footer := "&C第 &P 頁，共 &N 頁"
	if en {
		footer = "&CPage &P of &N"
	}
	if err := f.SetHeaderFooter(sh.name, &excelize.HeaderFooterOptions{OddFooter: footer}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sh.name,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sh.name, head, head)}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sh.name)
	if err != nil {
		return err
	}
	// Cells typed and styled first, so that the widths fit what they show.
	widths := make([]int, len(sh.cols))
	header := make([]any, len(sh.cols))
	for j, col := range sh.cols {
		label := col.label(en)
		header[j] = excelize.Cell{StyleID: st.header, Value: label}
		widths[j] = textWidth(label)
	}
	rows := make([][]any, len(sh.rows))
	for i, row := range sh.rows {
		cells := make([]any, len(row))
		for j, v := range row {
			if v == nil {
				continue // not written at all: an empty cell, not ""
			}
			var c excelize.Cell
			shown := ""
			switch x := v.(type) {
			case percent:
				c, shown = excelize.Cell{StyleID: st.percent, Value: float64(x) / 100}, strconv.FormatFloat(float64(x), 'f', 2, 64)+"%"
			case count:
				c, shown = excelize.Cell{StyleID: st.count, Value: float64(x)}, thousands(float64(x), 0)
			case hours:
				c, shown = excelize.Cell{StyleID: st.hours, Value: float64(x)}, thousands(float64(x), 1)
			case plain:
				c, shown = excelize.Cell{StyleID: st.plain, Value: int(x)}, strconv.Itoa(int(x))
			default:
				shown = fmt.Sprint(x)
				c = excelize.Cell{StyleID: st.text, Value: shown}
			}
			cells[j] = c
			if j < len(widths) {
				widths[j] = max(widths[j], textWidth(shown))
			}
		}
		rows[i] = cells
	}
	for j, w := range widths {
		// Two characters of padding; long texts stop at 60 (a notes column
		// would otherwise push the page to a tiny print scale).
		if err := sw.SetColWidth(j+1, j+1, float64(min(max(w+2, 8), 60))); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: head, TopLeftCell: cell(1, head+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last := max(len(sh.cols), 1)
	for i, line := range doc.title {
		style, opts := st.subtitle, []excelize.RowOpts{}
		if i == 0 {
			style, opts = st.title, []excelize.RowOpts{{Height: 24}}
		}
		if err := sw.SetRow(cell(1, i+1), []any{excelize.Cell{StyleID: style, Value: line}}, opts...); err != nil {
			return err
		}
		if last > 1 {
			if err := sw.MergeCell(cell(1, i+1), cell(last, i+1)); err != nil {
				return err
			}
		}
	}
	if err := sw.SetRow(cell(1, head), header); err != nil {
		return err
	}
	for i, cells := range rows {
		if err := sw.SetRow(cell(1, head+1+i), cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// textWidth is the width of s in Excel's column units: a character of the
// East Asian wide ranges (Han, kana, Hangul, full-width forms) takes two.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
			(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF60) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// thousands formats v with separators, as the cell shows it.
func thousands(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if v < 0 {
		out = "-" + out
	}
	return out
}

func writeXLSX(c *gin.Context, name string, doc exportDoc, en bool) {
	buf, err := buildXLSX(doc, en)
	if err != nil {
		fail(c, err)
		return
	}
	attachment(c, name)
	c.Data(http.StatusOK, xlsxType, buf.Bytes())
}

// writeExport sends doc as format (csv: its first sheet).
func writeExport(c *gin.Context, format, base string, doc exportDoc, en bool) {
	if format == "csv" {
		writeCSV(c, base+".csv", en, doc.sheets[0])
		return
	}
	writeXLSX(c, base+".xlsx", doc, en)
}

// attachment names the download: filename= with an ASCII stand-in (non-ASCII
// letters become "_") for old clients, and filename*= with the real name in
// UTF-8 (RFC 6266), which browsers prefer.
func attachment(c *gin.Context, name string) {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7E || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	v := fmt.Sprintf(`attachment; filename="%s"`, ascii)
	if ascii != name {
		v += "; filename*=UTF-8''" + url.PathEscape(name)
	}
	c.Header("Content-Disposition", v)
}

// rocDate is t in loc as a 民國 date, e.g. 115年11月28日.
func rocDate(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%d年%d月%d日", services.ROCYear(t.Year()), t.Month(), t.Day())
}

// rocDateTime is t in loc as a 民國 date and time, e.g. 115/11/28 14:05:
// the form of a table cell.
func rocDateTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%03d/%02d/%02d %02d:%02d", services.ROCYear(t.Year()), t.Month(), t.Day(), t.Hour(), t.Minute())
}

// when is a time cell: 民國 in Chinese, ISO-like in English.
func when(t time.Time, loc *time.Location, en bool) string {
	if en {
		return t.In(loc).Format("2006-01-02 15:04")
	}
	return rocDateTime(t, loc)
}

// optTime is when of t, nil (an empty cell) without one.
func optTime(t *time.Time, loc *time.Location, en bool) any {
	if t == nil {
		return nil
	}
	return when(*t, loc, en)
}

// producedLine is the title block's line of when and by whom a file was made.
func producedLine(now time.Time, loc *time.Location, by string, en bool) string {
	if en {
		return fmt.Sprintf("Produced %s (%s) by %s", now.In(loc).Format("2006-01-02 15:04"), loc, by)
	}
	t := now.In(loc)
	return fmt.Sprintf("製表時間：%s %02d:%02d（臺北時間）　製表人：%s", rocDate(t, loc), t.Hour(), t.Minute(), by)
}

// office is the name the title block opens with.
func office(en bool) string {
	if en {
		return "Chiayi City Government, Department of Civil Service Ethics"
	}
	return "嘉義市政府政風處"
}

// yesNo is a boolean cell in one language.
func yesNo(b, en bool) string {
	switch {
	case en && b:
		return "yes"
	case en:
		return "no"
	case b:
		return "是"
	}
	return "否"
}
