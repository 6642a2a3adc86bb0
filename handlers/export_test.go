package handlers

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+886 5 225": "'+886 5 225", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)",
		"\tcmd": "'\tcmd", "\rcmd": "'\rcmd", "東區 = 西區": "東區 = 西區", "": "", "a-b": "a-b",
	} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
	// Numbers the export writes are not text: a negative count stays a number.
	if got := csvCell(count(-3)); got != "-3" {
		t.Errorf("count -3 → %q", got)
	}
	if got := csvCell("-3"); got != "'-3" {
		t.Errorf("text -3 → %q", got)
	}
}

func TestTextWidth(t *testing.T) {
	for in, want := range map[string]int{"": 0, "abc": 3, "採購監辦": 8, "115年01月": 9, "（參考）": 8, "ＡＢ": 4} {
		if got := textWidth(in); got != want {
			t.Errorf("textWidth(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestExpectedRecords(t *testing.T) {
	for in, want := range map[float64]float64{236.2: 237, 236: 236, 225.00000000001: 225, 0: 0, 0.1: 1} {
		if got := expectedRecords(in); got != want {
			t.Errorf("expectedRecords(%v) = %v, want %v", in, got, want)
		}
	}
}

func TestThousands(t *testing.T) {
	for _, c := range []struct {
		v    float64
		d    int
		want string
	}{{0, 0, "0"}, {999, 0, "999"}, {1000, 0, "1,000"}, {1234567, 0, "1,234,567"}, {1234.5, 1, "1,234.5"}, {-1234, 0, "-1,234"}} {
		if got := thousands(c.v, c.d); got != c.want {
			t.Errorf("thousands(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestAttachmentName(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for name, want := range map[string]string{
		"ethicsops-kpi-2026.xlsx": `attachment; filename="ethicsops-kpi-2026.xlsx"`,
		"ethicsops-kpi-115年.xlsx": `attachment; filename="ethicsops-kpi-115_.xlsx"; filename*=UTF-8''ethicsops-kpi-115%E5%B9%B4.xlsx`,
		`a"b.csv`:                 `attachment; filename="a_b.csv"; filename*=UTF-8''a%22b.csv`,
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		attachment(c, name)
		if got := w.Header().Get("Content-Disposition"); got != want {
			t.Errorf("%q: %s, want %s", name, got, want)
		}
	}
}

// BenchmarkExportXLSX builds the largest record export allowed: 10,000 rows
// of the record list's 15 columns.
func BenchmarkExportXLSX(b *testing.B) {
	rows := make([][]any, 10000)
	for i := range rows {
		rows[i] = []any{"115/11/21 09:00", "採購監辦", "「嘉義市東區道路改善工程」驗收", "嘉義市政府工務處", "測試 officer", "已結案", "東區道路",
			"嘉義市東區民權路", "1150301-PW-012", nil, "115/11/21 09:00", "115/11/21 13:00", "否", nil, "01a22216-5e5a-70db-8bf4-efa05434102b"}
	}
	doc := exportDoc{title: []string{"嘉義市政府政風處 業務紀錄清冊", "製表時間"}, sheets: []exportSheet{{name: "業務紀錄", cols: activityColumns, rows: rows}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := buildXLSX(doc, false); err != nil {
			b.Fatal(err)
		}
	}
}
