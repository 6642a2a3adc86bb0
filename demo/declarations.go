package demo

import (
	"context"
	"fmt"
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// demoDeclarants are the people on the demo roster: who files, in which
// unit. Each files a regular (定期) declaration every year; a few also
// arrive or leave in some years.
var demoDeclarants = []struct{ name, position, unit string }{
	{"黃敏惠", "市長", "CYC-CIV"},
	{"林瑞珍", "副市長", "CYC-CIV"},
	{"陳俊宏", "秘書長", "CYC-CIV"},
	{"張志明", "工務處處長", "CYC-PW"},
	{"李淑芬", "工務處副處長", "CYC-PW"},
	{"王建國", "採購承辦人", "CYC-PW"},
	{"吳宗翰", "採購承辦人", "CYC-PW"},
	{"蔡佩君", "教育處處長", "CYC-EDU"},
	{"許文彬", "環境保護局局長", "CYC-ENV"},
	{"鄭雅婷", "環境保護局採購承辦人", "CYC-ENV"},
	{"劉家豪", "社會處處長", "CYC-SOC"},
	{"楊美華", "交通處處長", "CYC-TRF"},
	{"謝明哲", "民政處處長", "CYC-CIV"},
	{"郭麗卿", "國中校長", "SCH-CYJH"},
	{"洪振益", "國中校長", "SCH-LHJH"},
	{"曾秀英", "國小校長", "SCH-MSES"},
	{"周國華", "總務主任", "SCH-CYJH"},
	{"賴怡君", "政風處處長", "CYC-ETH"},
}

// seedDeclarations adds a roster for 2019–2022 and 2026 (mostly filed on
// time, a few late, a few never filed) and one public draw per year, all
// through the service so that the audit trail reads as in real use.
func seedDeclarations(ctx context.Context, s *services.Services, o *Office) error {
	officer := services.Actor{UserID: o.Users["officer"].ID, Role: models.RoleOfficer}
	manager := services.Actor{UserID: o.Users["manager"].ID, Role: models.RoleManager}
	taipei, err := time.LoadLocation("Asia/Taipei")
	if err != nil {
		return err
	}
	at := func(y int, m time.Month, d, h int) *time.Time {
		t := time.Date(y, m, d, h, 0, 0, 0, taipei)
		return &t
	}
	today := time.Now().In(taipei)
	for _, year := range []int{2019, 2020, 2021, 2022, 2026} {
		for i, p := range demoDeclarants {
			due := fmt.Sprintf("%04d-12-31", year) // 定期申報: 11/1–12/31
			var filed *time.Time
			switch k := (i + year) % 11; {
			case k == 3: // filed after the deadline
				filed = at(year+1, time.January, 8+i%5, 10)
			case k == 7 && year != 2026: // never filed
			default:
				filed = at(year, time.November, 1+(i*3)%29, 9+i%8)
			}
			if filed != nil && filed.After(today) {
				filed = nil // the demo never records filings in the future
			}
			if _, _, err := s.Declarations.Create(ctx, officer, services.NewDeclaration{
				Year: year, DeclarantName: p.name, Position: p.position, UnitID: o.Units[p.unit].ID,
				Type: models.DeclarationRegular, DueDate: due, FiledAt: filed,
			}); err != nil {
				return fmt.Errorf("demo declaration %d %s: %w", year, p.name, err)
			}
		}
		// Someone takes office in spring (3 months to file) and someone leaves in summer.
		arrive, leave := at(year, time.April, 20, 10), at(year, time.September, 5, 15)
		if year == 2021 {
			leave = at(year, time.October, 12, 15) // late
		}
		for _, d := range []services.NewDeclaration{
			{Year: year, DeclarantName: fmt.Sprintf("新任%d", year%100), Position: "工務處副總工程司", UnitID: o.Units["CYC-PW"].ID, Type: models.DeclarationOnAssumption, DueDate: fmt.Sprintf("%04d-05-31", year), FiledAt: arrive},
			{Year: year, DeclarantName: fmt.Sprintf("卸任%d", year%100), Position: "教育處副處長", UnitID: o.Units["CYC-EDU"].ID, Type: models.DeclarationOnLeaving, DueDate: fmt.Sprintf("%04d-09-30", year), FiledAt: leave},
		} {
			if d.FiledAt != nil && d.FiledAt.After(today) {
				d.FiledAt = nil
			}
			if _, _, err := s.Declarations.Create(ctx, officer, d); err != nil {
				return fmt.Errorf("demo declaration %d %s: %w", year, d.DeclarantName, err)
			}
		}
		// The yearly public draw (公開抽籤) of 20% for substantive review; the
		// seed stands for a number published beforehand (here, a fictitious
		// uniform-invoice prize number of the ROC year).
		ratio := 0.2
		if _, err := s.Declarations.CreateDraw(ctx, manager, services.NewDraw{
			Year: year, Ratio: &ratio, Seed: fmt.Sprintf("%d年統一發票特別獎%08d", year-1911, (year*7919)%100000000),
		}); err != nil {
			return fmt.Errorf("demo draw %d: %w", year, err)
		}
	}
	return nil
}
