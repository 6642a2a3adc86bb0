package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// regServants are civil servants of the demo units who report gifts,
// meals and requests to the ethics office.
var regServants = []struct{ name, title, unit string }{
	{"王建國", "採購承辦人", "CYC-PW"},
	{"吳宗翰", "技正", "CYC-PW"},
	{"李淑芬", "副處長", "CYC-PW"},
	{"蔡佩君", "處長", "CYC-EDU"},
	{"鄭雅婷", "採購承辦人", "CYC-ENV"},
	{"許文彬", "局長", "CYC-ENV"},
	{"劉家豪", "處長", "CYC-SOC"},
	{"黃俊傑", "科員", "CYC-SOC"},
	{"楊美華", "處長", "CYC-TRF"},
	{"謝明哲", "處長", "CYC-CIV"},
	{"林雅琪", "課員", "CYC-CIV"},
	{"郭麗卿", "校長", "SCH-CYJH"},
	{"周國華", "總務主任", "SCH-CYJH"},
	{"曾秀英", "校長", "SCH-MSES"},
	{"洪振益", "校長", "SCH-LHJH"},
}

// regCase is the kind of event a registration records; a demo registration
// is one of these with a servant, dates and a value drawn for it.
type regCase struct {
	typ, description, counterparty, kind string
	interested                           bool
	minValue, maxValue                   int64 // NT$; both 0 means no value
	handling, note                       string
	month                                time.Month // 0: any time of year
}

var regCases = []regCase{
	{"gift", "廠商於中秋節前致贈月餅禮盒一盒，當事人當日簽報並退還。", "大成營造股份有限公司", "organisation", true, 800, 1800, models.HandlingReturned, "", time.September},
	{"gift", "承攬廠商寄送春節禮盒至辦公室，當事人即簽報並以掛號退還。", "嘉南環保科技有限公司", "organisation", true, 1000, 2500, models.HandlingReturned, "以掛號郵寄退還並附函說明", time.January},
	{"gift", "學生家長於教師節致贈禮券，當事人簽報後退還。", "學生家長", "person", true, 500, 3000, models.HandlingReturned, "", time.September},
	{"gift", "受邀演講後主辦單位致贈紀念品（非現金），交機關統一處理。", "嘉義市社區大學", "organisation", false, 300, 800, models.HandlingHandedToAgency, "", 0},
	{"gift", "廠商致贈水果禮盒，無法退還（已腐壞之虞），轉贈社福機構。", "誠信機電工程有限公司", "organisation", true, 600, 1500, models.HandlingDonated, "", 0},
	{"gift", "里民致贈自家栽種農產品，價值輕微，簽報長官知悉。", "東區里民", "person", false, 100, 400, models.HandlingReportedOnly, "", 0},
	{"hospitality", "里長邀宴參加里民活動餐敘，當事人出席並自行支付餐費。", "西區里長", "person", false, 500, 1200, models.HandlingPaid, "", 0},
	{"hospitality", "承攬廠商邀請驗收後餐敘，當事人婉拒並簽報。", "大成營造股份有限公司", "organisation", true, 1500, 3000, models.HandlingOther, "婉拒出席，未接受招待", 0},
	{"hospitality", "同業公會年終餐會邀請，經長官同意出席並自行付費。", "嘉義市營造業同業公會", "organisation", true, 1000, 2000, models.HandlingPaid, "", time.December},
	{"hospitality", "家長會長邀請校務人員聚餐，當事人出席並分攤餐費。", "家長會", "organisation", true, 400, 900, models.HandlingPaid, "", 0},
	{"lobbying", "議員服務處來電請託，希望加速核發使用執照，當事人依法說明並簽報。", "陳姓市議員服務處", "organisation", false, 0, 0, models.HandlingReportedOnly, "", 0},
	{"lobbying", "民意代表助理請託工程驗收從寬認定，當事人婉拒並簽報長官。", "立法委員地方服務處", "organisation", true, 0, 0, models.HandlingReportedOnly, "", 0},
	{"lobbying", "親友請託關說人事調動，當事人拒絕並登錄。", "當事人親友", "person", false, 0, 0, models.HandlingOther, "已當場拒絕，並告知依法不得關說", 0},
	{"lobbying", "廠商請託提前透露評選委員名單，當事人拒絕並簽報。", "誠信機電工程有限公司", "organisation", true, 0, 0, models.HandlingReportedOnly, "", 0},
	{"other", "廠商邀請參加新產品發表會並提供交通接送，當事人婉拒。", "嘉南環保科技有限公司", "organisation", true, 0, 0, models.HandlingOther, "婉拒出席及接送", 0},
	{"other", "受邀擔任民間團體活動評審，主辦單位致送出席費，依規定簽報。", "嘉義市文化基金會", "organisation", false, 1000, 2000, models.HandlingReportedOnly, "", 0},
}

// seedRegistrations registers a year of ethics-code events up to now across
// the demo units, through the service (so the audit trail reads as in real
// use): most notified within 3 days, about one in six late.
func seedRegistrations(ctx context.Context, s *services.Services, o *Office, now time.Time) error {
	taipei, err := time.LoadLocation("Asia/Taipei")
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(115, 3))
	today := now.In(taipei)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	officers := []models.User{o.Users["officer"], o.Users["officer2"]}
	const count = 48
	for i := 0; i < count; i++ {
		c := regCases[i%len(regCases)]
		sv := regServants[rng.IntN(len(regServants))]
		// Parents give to a school's staff; others to anyone.
		if c.counterparty == "學生家長" || c.counterparty == "家長會" {
			sv = regServants[11+rng.IntN(4)]
		}
		event := today.AddDate(0, 0, -(2 + rng.IntN(360)))
		if c.month != 0 {
			// Seasonal gifts fall in their month of the past year.
			y := today.Year()
			if c.month > today.Month() || (c.month == today.Month() && today.Day() < 28) {
				y--
			}
			event = time.Date(y, c.month, 1+rng.IntN(27), 0, 0, 0, 0, time.UTC)
		}
		gap := rng.IntN(4) // 0–3 days: on time
		if i%6 == 5 {
			gap = 4 + rng.IntN(9) // late
		}
		notified := event.AddDate(0, 0, gap)
		if notified.After(today) {
			notified = today
		}
		in := services.RegistrationInput{
			Type:         c.typ,
			Servant:      services.Servant{Name: sv.name, UnitID: o.Units[sv.unit].ID, Title: sv.title},
			Counterparty: services.Counterparty{Name: c.counterparty, Kind: c.kind, InterestedParty: &c.interested},
			EventDate:    event.Format(time.DateOnly), NotifiedDate: notified.Format(time.DateOnly),
			Description: c.description, Handling: c.handling, HandlingNote: c.note,
		}
		if c.maxValue > 0 {
			v := c.minValue + rng.Int64N(c.maxValue-c.minValue+1)
			v -= v % 50 // prices end in round numbers
			in.ValueNTD = &v
		}
		u := officers[i%2]
		staff := services.Actor{UserID: u.ID, Role: u.Role, Status: u.Status}
		if _, _, err := s.Registrations.Create(ctx, staff, in); err != nil {
			return fmt.Errorf("demo registration %d (%s): %w", i, c.description, err)
		}
	}
	return nil
}
