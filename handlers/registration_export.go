package handlers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"ethicsops/services"
)

// The exports of the ethics-code register, for the clerk who files them and
// the yearly statistics: zh-TW headers and labels, one language per cell.
// (The KPI exports have their own code in kpi_export.go.)

// registrationOffice heads the XLSX title block.
const registrationOffice = "嘉義市政府政風處"

// registrationColumns are the export's headers. valueColumn is the NT$
// column (1-based), written as a number with thousands separators.
var registrationColumns = []string{
	"序號", "類別", "當事人姓名", "服務機關", "職稱", "對象", "對象類別", "職務上利害關係",
	"事件日期", "知會日期", "相隔日數", "逾期知會", "金額（新臺幣元）", "處理方式", "處理說明", "事由摘要",
	"登錄時間", "登錄編號",
}

const registrationValueColumn = 13

// registrationWrapColumns wrap at the width given rather than grow with
// their text: the handling note and the description.
var registrationWrapColumns = map[int]int{15: 20, 16: 40}

// registrationMaxColWidth bounds every other column; registrationHeadWidth
// is the most a header widens its column (longer headers wrap onto a
// second line), so that the sheet prints on A4 landscape at a readable
// scale.
const (
	registrationMaxColWidth = 40
	registrationHeadWidth   = 8
)

// registrationPrintedColumns leaves the record id (last column) off the
// printed page: it is for scripts and for finding the record, not for
// reading.
var registrationPrintedColumns = len(registrationColumns) - 1

type registrationExport struct {
	rows []services.EthicsRegistration
	year int // 0: every year
	asOf time.Time
}

// cells is one registration as export cells: strings, and int64 or nil for
// the value.
func (x registrationExport) cells(i int, r services.EthicsRegistration) []any {
	var value any
	if r.ValueNTD != nil {
		value = *r.ValueNTD
	}
	return []any{
		i + 1, services.LabelZh("registration_types", r.Type), r.ServantName, r.UnitName, r.ServantTitle,
		r.CounterpartyName, services.LabelZh("counterparty_kinds", r.CounterpartyKind), registrationYesNo(r.InterestedParty),
		r.EventDate, r.NotifiedDate, r.DaysToNotify, registrationYesNo(r.Late), value,
		services.LabelZh("registration_handlings", r.Handling), r.HandlingNote, r.Description,
		r.CreatedAt.In(x.asOf.Location()).Format("2006-01-02 15:04"), r.ID,
	}
}

func registrationYesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// title is the sheet's title: the office, the ROC year when one was
// chosen, and the register's name.
func (x registrationExport) title() string {
	if x.year != 0 {
		return fmt.Sprintf("%s %d年度公務員廉政倫理規範登錄案件", registrationOffice, services.ROCYear(x.year))
	}
	return registrationOffice + " 公務員廉政倫理規範登錄案件"
}

// subtitle says when the sheet was made and what it holds.
func (x registrationExport) subtitle() string {
	late := 0
	for _, r := range x.rows {
		if r.Late {
			late++
		}
	}
	d := x.asOf
	return fmt.Sprintf("製表日期：民國%d年%d月%d日　共 %d 件，其中逾期知會 %d 件（事件後逾 %d 日始知會政風單位）",
		services.ROCYear(d.Year()), d.Month(), d.Day(), len(x.rows), late, services.NotifyWithinDays)
}

// registrationCSVCell keeps a spreadsheet from reading a text cell as a formula
// (CSV injection): text starting with = + - @ or a tab or carriage return
// gets a leading apostrophe, which Excel and LibreOffice show as text.
func registrationCSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (x registrationExport) writeCSV(c *gin.Context, name string) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // BOM: Excel then reads the file as UTF-8
	w := csv.NewWriter(&buf)
	_ = w.Write(registrationColumns)
	for i, r := range x.rows {
		row := x.cells(i, r)
		rec := make([]string, len(row))
		for j, v := range row {
			switch v := v.(type) {
			case nil:
			case string:
				rec[j] = registrationCSVCell(v)
			default:
				rec[j] = fmt.Sprint(v)
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// registrationCellWidth is how many character cells s takes in a spreadsheet
// column: East Asian characters count two.
func registrationCellWidth(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || (r >= 0x3000 && r <= 0x30FF) || (r >= 0xFF00 && r <= 0xFFEF) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func (x registrationExport) writeXLSX(c *gin.Context, name string) {
	b, err := x.xlsx()
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b)
}

// xlsx lays out the sheet: a title block (rows 1–2), the bold header
// (row 3, frozen and repeated on every printed page), then one row per
// registration; columns fitted to their content, NT$ with thousands
// separators, A4 landscape one page wide (the record id off the print area).
func (x registrationExport) xlsx() ([]byte, error) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const sheet = "登錄案件"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	const headerRow = 3
	last, _ := excelize.ColumnNumberToName(len(registrationColumns))
	// The title block spans the printed columns, so it is centred on paper.
	lastPrinted, _ := excelize.ColumnNumberToName(registrationPrintedColumns)
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	subStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Size: 11}, Alignment: &excelize.Alignment{Horizontal: "left"}})
	if err != nil {
		return nil, err
	}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE6F0"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, err
	}
	bodyStyle, err := f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	wrapStyle, err := f.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return nil, err
	}
	moneyStyle, err := f.NewStyle(&excelize.Style{Border: border, NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "top"}}) // 3: #,##0
	if err != nil {
		return nil, err
	}
	steps := []func() error{
		func() error { return f.SetCellValue(sheet, "A1", x.title()) },
		func() error { return f.MergeCell(sheet, "A1", lastPrinted+"1") },
		func() error { return f.SetCellStyle(sheet, "A1", lastPrinted+"1", titleStyle) },
		func() error { return f.SetRowHeight(sheet, 1, 28) },
		func() error { return f.SetCellValue(sheet, "A2", x.subtitle()) },
		func() error { return f.MergeCell(sheet, "A2", lastPrinted+"2") },
		func() error { return f.SetCellStyle(sheet, "A2", lastPrinted+"2", subStyle) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	widths := make([]int, len(registrationColumns))
	header := make([]any, len(registrationColumns))
	for i, h := range registrationColumns {
		header[i] = h
		widths[i] = min(registrationCellWidth(h), registrationHeadWidth)
	}
	if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", headerRow), &header); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(sheet, fmt.Sprintf("A%d", headerRow), fmt.Sprintf("%s%d", last, headerRow), headStyle); err != nil {
		return nil, err
	}
	for i, r := range x.rows {
		row := x.cells(i, r)
		for j, v := range row {
			switch v := v.(type) {
			case nil:
				row[j] = ""
			case string:
				widths[j] = max(widths[j], registrationCellWidth(v))
			case int64:
				widths[j] = max(widths[j], len(fmt.Sprint(v))+len(fmt.Sprint(v))/3)
			default:
				widths[j] = max(widths[j], len(fmt.Sprint(v)))
			}
		}
		n := headerRow + 1 + i
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", n), &row); err != nil {
			return nil, err
		}
	}
	if len(x.rows) > 0 {
		first, end := headerRow+1, headerRow+len(x.rows)
		if err := f.SetCellStyle(sheet, fmt.Sprintf("A%d", first), fmt.Sprintf("%s%d", last, end), bodyStyle); err != nil {
			return nil, err
		}
		for col := range registrationWrapColumns {
			cn, _ := excelize.ColumnNumberToName(col)
			if err := f.SetCellStyle(sheet, fmt.Sprintf("%s%d", cn, first), fmt.Sprintf("%s%d", cn, end), wrapStyle); err != nil {
				return nil, err
			}
		}
		vc, _ := excelize.ColumnNumberToName(registrationValueColumn)
		if err := f.SetCellStyle(sheet, fmt.Sprintf("%s%d", vc, first), fmt.Sprintf("%s%d", vc, end), moneyStyle); err != nil {
			return nil, err
		}
	}
	for i, w := range widths {
		cn, _ := excelize.ColumnNumberToName(i + 1)
		width := min(max(w+2, 6), registrationMaxColWidth)
		if wrap, ok := registrationWrapColumns[i+1]; ok {
			width = min(max(w+2, 6), wrap)
		}
		if err := f.SetColWidth(sheet, cn, cn, float64(width)); err != nil {
			return nil, err
		}
	}
	if err := f.SetRowHeight(sheet, headerRow, 32); err != nil { // two lines of a wrapped header
		return nil, err
	}
	a4, landscape, one, any0, fit := 9, "landscape", 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any0}); err != nil {
		return nil, err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return nil, err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area",
		RefersTo: fmt.Sprintf("'%s'!$A$1:$%s$%d", sheet, lastPrinted, headerRow+max(len(x.rows), 1)), Scope: sheet}); err != nil {
		return nil, err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$%d:$%d", sheet, headerRow, headerRow), Scope: sheet}); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
