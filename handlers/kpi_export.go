package handlers

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

// kpiColumns are the export's headers, Chinese first so that a clerk reads
// them, English after so that a script can.
var kpiColumns = []string{
	"年度 Year", "民國年 ROC year", "指標代碼 Code", "關鍵績效指標 KPI", "KPI (English)", "衡量標準 Measure", "單位 Unit",
	"目標值 Target", "實績 Actual", "分子 Numerator", "分母 Denominator", "達成 Achieved", "應達進度 Expected to date", "進度正常 On track",
	"年度已關帳 Year closed", "關帳時間 Closed at", "關帳者 Closed by", "關帳理由 Reason",
}

// closedCells are a year's closed columns of every row of that year: a
// spreadsheet filtered or sorted by row still tells which numbers are the
// reported, frozen ones.
func closedCells(r KPIReportDTO) []any {
	if !r.Closed {
		return []any{yesNo(false), nil, nil, nil}
	}
	at := *r.ClosedAt
	if loc, err := time.LoadLocation(r.Timezone); err == nil {
		at = at.In(loc)
	}
	by := *r.ClosedByName
	if by == "" {
		by = *r.ClosedBy // the account is gone: its id still says who
	}
	return []any{yesNo(true), at.Format("2006-01-02 15:04"), by, *r.ClosedReason}
}

// kpiRows flattens reports to one row per KPI per year.
func kpiRows(reports []KPIReportDTO) [][]any {
	var rows [][]any
	for _, r := range reports {
		for _, k := range r.KPIs {
			rows = append(rows, append([]any{
				r.Year, r.ROCYear, k.Code, k.NameZh, k.NameEn, k.Measure, k.Unit,
				optFloat(k.Target), optFloat(k.Actual), optInt(k.Numerator), optInt(k.Denominator),
				yesNo(k.Achieved), optFloat(k.ExpectedToDate), optBool(k.OnTrack),
			}, closedCells(r)...))
		}
		// Informational lines, without a target: integrity volunteers.
		v := r.VolunteerParticipation
		rows = append(rows,
			append([]any{r.Year, r.ROCYear, "volunteer_people", "廉政志工參與人數（參考，無目標）", "Integrity volunteers who took part (informational)",
				"年度內曾出席活動之志工人數", "people", nil, v.People, nil, nil, nil, nil, nil}, closedCells(r)...),
			append([]any{r.Year, r.ROCYear, "volunteer_hours", "廉政志工服務時數（參考，無目標）", "Integrity volunteer hours (informational)",
				"簽到至簽退時數合計", "hours", nil, v.Hours, nil, nil, nil, nil, nil}, closedCells(r)...))
	}
	return rows
}

func writeKPICSV(c *gin.Context, name string, reports []KPIReportDTO) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF") // BOM: Excel then reads the file as UTF-8
	w := csv.NewWriter(&buf)
	_ = w.Write(kpiColumns)
	for _, row := range kpiRows(reports) {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = cellString(v)
		}
		_ = w.Write(rec)
	}
	w.Flush()
	attachment(c, name)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func writeKPIXLSX(c *gin.Context, name string, reports []KPIReportDTO) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const sheet = "KPI"
	_ = f.SetSheetName("Sheet1", sheet)
	write := func(r int, vals []any) error {
		cell, err := excelize.CoordinatesToCellName(1, r)
		if err != nil {
			return err
		}
		return f.SetSheetRow(sheet, cell, &vals)
	}
	header := make([]any, len(kpiColumns))
	for i, h := range kpiColumns {
		header[i] = h
	}
	if err := write(1, header); err != nil {
		fail(c, err)
		return
	}
	for i, row := range kpiRows(reports) {
		for j, v := range row {
			if v == nil {
				row[j] = ""
			}
		}
		if err := write(i+2, row); err != nil {
			fail(c, err)
			return
		}
	}
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	_ = f.SetColWidth(sheet, "D", "F", 36)
	buf, err := f.WriteToBuffer()
	if err != nil {
		fail(c, err)
		return
	}
	attachment(c, name)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

func attachment(c *gin.Context, name string) {
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
}

func optFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func optInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func optBool(p *bool) any {
	if p == nil {
		return nil
	}
	return yesNo(*p)
}

func yesNo(b bool) string {
	if b {
		return "是 yes"
	}
	return "否 no"
}

func cellString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}
