package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"ethicsops/models"
	"ethicsops/services"
)

// place is a real-looking site in Chiayi City (嘉義市).
type place struct {
	name, address string
	lat, lng      float64
}

var places = []place{
	{"嘉義市政府", "嘉義市東區中山路199號", 23.4815, 120.4536},
	{"嘉義公園", "嘉義市東區公園街42號", 23.4827, 120.4678},
	{"文化公園", "嘉義市東區中山路", 23.4788, 120.4510},
	{"蘭潭水庫", "嘉義市東區大埔路", 23.4713, 120.4857},
	{"嘉義火車站前廣場", "嘉義市西區中山路528號", 23.4791, 120.4406},
	{"北門車站", "嘉義市東區共和路428號", 23.4876, 120.4530},
	{"嘉義市東區民生國民小學", "嘉義市東區民生北路1號", 23.4765, 120.4585},
	{"嘉義市立嘉義國民中學", "嘉義市東區大雅路二段738號", 23.4868, 120.4576},
	{"嘉義市立蘭潭國民中學", "嘉義市東區大學路一段", 23.4734, 120.4769},
	{"嘉義市垃圾焚化廠", "嘉義市西區湖內里", 23.4995, 120.4151},
	{"嘉義市體育館", "嘉義市東區山仔頂", 23.4752, 120.4742},
	{"嘉義市政府西區區公所", "嘉義市西區中興路", 23.4730, 120.4310},
	{"湖子內溪整治工區", "嘉義市西區湖子內", 23.4870, 120.4230},
	{"文化路夜市周邊", "嘉義市東區文化路", 23.4823, 120.4493},
}

type project struct {
	unit, abbr, name, category string
	budget                     int64 // NT$, order of magnitude
}

var projects = []project{
	{"CYC-PW", "PW", "道路改善工程", "works", 12_000_000},
	{"CYC-PW", "PW", "人行道改善工程", "works", 6_000_000},
	{"CYC-PW", "PW", "排水溝清淤工程", "works", 3_500_000},
	{"CYC-PW", "PW", "路燈汰換採購", "goods", 2_800_000},
	{"CYC-EDU", "EDU", "校舍耐震補強工程", "works", 18_000_000},
	{"CYC-EDU", "EDU", "教學資訊設備採購", "goods", 4_200_000},
	{"CYC-ENV", "ENV", "垃圾清運勞務委託", "services", 9_000_000},
	{"CYC-ENV", "ENV", "資源回收車採購", "goods", 7_500_000},
	{"CYC-SOC", "SOC", "長照據點修繕工程", "works", 2_200_000},
	{"CYC-TRF", "TRF", "號誌控制系統建置", "goods", 5_600_000},
	{"CYC-CIV", "CIV", "區公所辦公廳舍整修工程", "works", 3_000_000},
	{"CYC-PW", "PW", "公園綠美化工程", "works", 4_800_000},
}

var districts = []string{"東區", "西區"}

var deficiencies = []string{
	"施工日誌填寫不完整", "部分材料未附出廠證明", "現場安全圍籬設置不足", "驗收文件用印缺漏",
	"規格與契約不符，已請廠商更換", "數量短少，已要求補足",
}

var safetyItems = []string{"消防設備定期檢修", "門禁管制與訪客登記", "監視系統運作", "緊急疏散路線標示", "機房環境溫濕度", "危險物品存放"}
var infosecItems = []string{"密碼原則與定期更換", "個人電腦防毒更新", "公務機密文件收發登記", "可攜式儲存媒體管制", "系統存取權限檢視", "資安事件通報演練"}

// seeder makes the demo records deterministically from one seed.
type seeder struct {
	ctx    context.Context
	s      *services.Services
	o      *Office
	rng    *rand.Rand
	now    time.Time
	tz     *time.Location
	caseNo map[string]int
	n      int
}

// seedRecords creates four years of the plan (2019–2022, 民國108–111) and the
// current year to date, at about the plan's yearly targets, plus planned
// records for the coming weeks. Every record goes through ActivityService.
func seedRecords(ctx context.Context, s *services.Services, o *Office, now time.Time) (int, error) {
	tz, err := time.LoadLocation("Asia/Taipei")
	if err != nil {
		tz = time.FixedZone("CST", 8*3600)
	}
	sd := &seeder{ctx: ctx, s: s, o: o, rng: rand.New(rand.NewPCG(108, 111)), now: now, tz: tz, caseNo: map[string]int{}}
	years := []int{2019, 2020, 2021, 2022}
	if now.Year() > 2022 {
		years = append(years, now.In(tz).Year())
	}
	for _, y := range years {
		if err := sd.year(y); err != nil {
			return sd.n, err
		}
	}
	if err := sd.upcoming(); err != nil {
		return sd.n, err
	}
	return sd.n, sd.openWork()
}

// openWork gives the demo officer (林政風) what a real desk has on any
// morning: a supervision that is overdue (planned three working days ago,
// never visited) and a petition still in progress from yesterday, whose
// outcome must be entered before it can be closed.
func (sd *seeder) openWork() error {
	u := sd.o.Users["officer"]
	me := services.Actor{UserID: u.ID, Role: u.Role, Status: u.Status}
	today := sd.now.In(sd.tz)
	at := func(daysAgo, hour int) time.Time {
		d := today.AddDate(0, 0, -daysAgo)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, sd.tz)
	}
	pw := sd.o.Units["CYC-PW"]
	lat, lng := 23.4823, 120.4493
	overdue := services.ActivityInput{
		Kind: models.KindProcurementSupervision, Title: "「嘉義市東區文化路人行道改善工程」驗收", UnitID: pw.ID,
		Site:        &services.Site{Name: "文化路夜市周邊", Address: "嘉義市東區文化路", Lat: &lat, Lng: &lng, RadiusM: 150},
		ScheduledAt: at(3, 10),
		Notes:       "廠商申報竣工，會同工務處及主計室辦理驗收。",
		Details: services.Details{Procurement: &services.Procurement{CaseNo: rocDate(at(40, 9)) + "-PW-901", CaseTitle: "嘉義市東區文化路人行道改善工程",
			Category: "works", BudgetAmount: 6_480_000}},
	}
	plat, plng := 23.4815, 120.4536
	petition := services.ActivityInput{
		Kind: models.KindPetition, Title: "民眾陳情：垃圾轉運站設置地點", UnitID: sd.o.Units["CYC-CIV"].ID,
		Site:        &services.Site{Name: "嘉義市政府", Address: "嘉義市東區中山路199號", Lat: &plat, Lng: &plng, RadiusM: 150},
		ScheduledAt: at(1, 14), Status: models.ActivityInProgress,
		Notes:   "里民約 30 人至市府大門前陳情，已通知環保局派員說明。",
		Details: services.Details{Petition: &services.Petition{Petitioners: 30, Subject: "反對垃圾轉運站設置於湖內里"}},
	}
	for _, in := range []services.ActivityInput{overdue, petition} {
		if _, _, err := sd.s.Activities.Create(sd.ctx, me, in); err != nil {
			return fmt.Errorf("demo %s %q: %w", in.Kind, in.Title, err)
		}
		sd.n++
	}
	return nil
}

// year records one year's work; the current year only up to yesterday.
func (sd *seeder) year(y int) error {
	sd.caseNo = map[string]int{} // case numbers restart every year
	start := time.Date(y, 1, 1, 0, 0, 0, 0, sd.tz)
	end := time.Date(y+1, 1, 1, 0, 0, 0, 0, sd.tz)
	share := 1.0
	if cutoff := sd.now.Add(-24 * time.Hour); end.After(cutoff) {
		share = float64(cutoff.Sub(start)) / float64(end.Sub(start))
		end = cutoff
	}
	count := func(target float64) int { return int(target*share + sd.rng.Float64()*0.999) }
	procurements := count(245 + float64(sd.rng.IntN(15)))
	for i := 0; i < procurements; i++ {
		if err := sd.procurement(sd.day(start, end), true); err != nil {
			return err
		}
	}
	kinds := []struct {
		n    int
		make func(time.Time) error
	}{
		{count(1 + float64(sd.rng.IntN(2))), sd.maintenance},
		{count(1 + float64(sd.rng.IntN(2))), sd.petition},
		{count(2 + float64(sd.rng.IntN(2))), func(t time.Time) error { return sd.checklist(models.KindSafetyInspection, t) }},
		{count(1 + float64(sd.rng.IntN(2))), func(t time.Time) error { return sd.checklist(models.KindInfosecAudit, t) }},
		{count(1 + float64(sd.rng.IntN(2))), func(t time.Time) error { return sd.event(models.KindOutreachEvent, "large", t) }},
		{count(1), func(t time.Time) error { return sd.event(models.KindOutreachEvent, "regular", t) }},
		{count(3 + float64(sd.rng.IntN(2))), func(t time.Time) error { return sd.event(models.KindEthicsPromotion, "regular", t) }},
	}
	for _, k := range kinds {
		for i := 0; i < k.n; i++ {
			if err := k.make(sd.day(start, end)); err != nil {
				return err
			}
		}
	}
	return nil
}

// upcoming plans records for the next three weeks.
func (sd *seeder) upcoming() error {
	start := sd.now.In(sd.tz).Truncate(24 * time.Hour).Add(24 * time.Hour)
	end := start.Add(21 * 24 * time.Hour)
	for i := 0; i < 12; i++ {
		if err := sd.procurement(sd.day(start, end), false); err != nil {
			return err
		}
	}
	if err := sd.event(models.KindOutreachEvent, "large", sd.day(start, end)); err != nil {
		return err
	}
	if err := sd.event(models.KindEthicsPromotion, "regular", sd.day(start, end)); err != nil {
		return err
	}
	return sd.checklist(models.KindSafetyInspection, sd.day(start, end))
}

// day picks a working day between start and end, at 09:00–15:30 Taipei time.
func (sd *seeder) day(start, end time.Time) time.Time {
	days := int(end.Sub(start).Hours() / 24)
	if days < 1 {
		days = 1
	}
	for {
		d := start.AddDate(0, 0, sd.rng.IntN(days))
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		t := time.Date(d.Year(), d.Month(), d.Day(), 9+sd.rng.IntN(7), 30*sd.rng.IntN(2), 0, 0, sd.tz)
		if t.After(end) && end.After(start) {
			continue
		}
		return t
	}
}

func (sd *seeder) site(p place) *services.Site {
	lat := p.lat + (sd.rng.Float64()-0.5)*0.002
	lng := p.lng + (sd.rng.Float64()-0.5)*0.002
	return &services.Site{Name: p.name, Address: p.address, Lat: &lat, Lng: &lng, RadiusM: 100 + 50*sd.rng.IntN(4)}
}

func (sd *seeder) owner() services.Actor {
	names := []string{"officer", "officer", "officer2", "officer2", "manager"}
	u := sd.o.Users[names[sd.rng.IntN(len(names))]]
	return services.Actor{UserID: u.ID, Role: u.Role, Status: u.Status}
}

// create records in (completed when done, with completed_at two hours after
// the scheduled time) through the service, as a phone would.
func (sd *seeder) create(in services.ActivityInput, done bool) error {
	if done {
		t := in.ScheduledAt.Add(time.Duration(60+sd.rng.IntN(120)) * time.Minute)
		if t.After(sd.now) {
			t = sd.now.Add(-time.Minute)
		}
		in.Status, in.CompletedAt = models.ActivityCompleted, &t
	}
	if _, _, err := sd.s.Activities.Create(sd.ctx, sd.owner(), in); err != nil {
		return fmt.Errorf("demo %s %q: %w", in.Kind, in.Title, err)
	}
	sd.n++
	return nil
}

func rocDate(t time.Time) string {
	return fmt.Sprintf("%03d%02d%02d", t.Year()-1911, t.Month(), t.Day())
}

func (sd *seeder) procurement(t time.Time, done bool) error {
	p := projects[sd.rng.IntN(len(projects))]
	name := "嘉義市" + districts[sd.rng.IntN(2)] + p.name
	if p.unit == "CYC-EDU" {
		schools := []string{"嘉義市東區民生國民小學", "嘉義市立嘉義國民中學", "嘉義市立蘭潭國民中學"}
		name = schools[sd.rng.IntN(len(schools))] + p.name
	}
	sd.caseNo[p.abbr]++
	// The case was filed some weeks before the supervision.
	filed := t.AddDate(0, 0, -14-sd.rng.IntN(60))
	caseNo := fmt.Sprintf("%s-%s-%03d", rocDate(filed), p.abbr, sd.caseNo[p.abbr]%1000)
	stage, label := "acceptance", "驗收"
	switch r := sd.rng.IntN(10); {
	case r == 0:
		stage, label = "bid_opening", "開標監辦"
	case r == 1:
		stage, label = "award", "決標監辦"
	case r == 2:
		stage, label = "negotiation", "議價監辦"
	}
	var defs []string
	if sd.rng.IntN(5) == 0 {
		for i := 0; i <= sd.rng.IntN(2); i++ {
			defs = append(defs, deficiencies[sd.rng.IntN(len(deficiencies))])
		}
	}
	budget := p.budget/2 + sd.rng.Int64N(p.budget)
	pl := places[sd.rng.IntN(len(places))]
	return sd.create(services.ActivityInput{
		Kind: models.KindProcurementSupervision, Title: "「" + name + "」" + label, UnitID: sd.o.Units[p.unit].ID,
		Site: sd.site(pl), ScheduledAt: t,
		Details: services.Details{Procurement: &services.Procurement{CaseNo: caseNo, CaseTitle: name, Category: p.category,
			BudgetAmount: budget / 1000 * 1000, Stage: stage, Deficiencies: defs, Corrected: len(defs) > 0 && sd.rng.IntN(4) != 0}},
	}, done)
}

func (sd *seeder) maintenance(t time.Time) error {
	events := []string{"市長選舉投開票所安全維護", "元宵燈會安全維護", "嘉義市管樂節專案維護", "重大工程開工典禮安全維護", "颱風防災應變中心維護"}
	e := events[sd.rng.IntN(len(events))]
	return sd.create(services.ActivityInput{
		Kind: models.KindSecurityMaintenance, Title: fmt.Sprintf("%d年%s", t.Year()-1911, e), UnitID: sd.o.Units["CYC-ETH"].ID,
		Site: sd.site(places[sd.rng.IntN(6)]), ScheduledAt: t,
		Details: services.Details{Maintenance: &services.Maintenance{EventName: e, RiskLevel: models.RiskLevels[sd.rng.IntN(3)],
			Measures: "會同警察局及相關單位加強巡查，設置聯繫窗口，活動期間無異常"}},
	}, true)
}

func (sd *seeder) petition(t time.Time) error {
	subjects := []string{"反對垃圾轉運站設置", "道路拓寬徵收補償", "攤販管理爭議", "學區調整", "公車路線調整"}
	s := subjects[sd.rng.IntN(len(subjects))]
	return sd.create(services.ActivityInput{
		Kind: models.KindPetition, Title: "民眾陳情：" + s, UnitID: sd.o.Units["CYC-CIV"].ID,
		Site: sd.site(places[0]), ScheduledAt: t,
		Details: services.Details{Petition: &services.Petition{Petitioners: 5 + sd.rng.IntN(80), Subject: s,
			Outcome: "協調業務單位到場說明，陳情人遞交陳情書後和平離去"}},
	}, true)
}

func (sd *seeder) checklist(kind string, t time.Time) error {
	items, title := safetyItems, "機關安全維護狀況檢查"
	if kind == models.KindInfosecAudit {
		items, title = infosecItems, "公務機密維護及資訊安全稽核"
	}
	unitCodes := []string{"CYC-PW", "CYC-EDU", "CYC-ENV", "CYC-SOC", "CYC-TRF", "SCH-CYJH", "SCH-MSES", "SCH-LHJH"}
	u := sd.o.Units[unitCodes[sd.rng.IntN(len(unitCodes))]]
	done := t.Before(sd.now)
	var list []services.ChecklistItem
	for _, it := range items {
		ci := services.ChecklistItem{Item: it}
		if done {
			ci.Result = "pass"
			if r := sd.rng.IntN(10); r == 0 {
				ci.Result, ci.Note = "fail", "已通知限期改善"
			} else if r == 1 {
				ci.Result = "na"
			}
		}
		list = append(list, ci)
	}
	return sd.create(services.ActivityInput{
		Kind: kind, Title: u.Name + title, UnitID: u.ID, Site: sd.site(places[sd.rng.IntN(len(places))]), ScheduledAt: t,
		Details: services.Details{Checklist: list},
	}, done)
}

func (sd *seeder) event(kind, scale string, t time.Time) error {
	title, audience := "廉政倫理規範宣導", "本府及所屬機關同仁"
	if kind == models.KindOutreachEvent {
		title, audience = "反貪腐宣導活動", "市民朋友"
		if scale == "large" {
			names := []string{"「廉潔嘉義 誠信家園」反貪宣導園遊會", "廉政志工反詐騙暨反賄選宣導晚會", "誠信廉能路跑反貪宣導"}
			title, audience = names[sd.rng.IntN(len(names))], "市民、學生及廉政志工"
		}
	}
	done := t.Before(sd.now)
	// A fair or an evening gala lasts the afternoon; a talk, two hours.
	length := 2 * time.Hour
	if scale == "large" {
		length = 4 * time.Hour
	}
	end := t.Add(length)
	ev := &services.Event{Scale: scale, Audience: audience, VolunteerCapacity: 10 + 5*sd.rng.IntN(4), EndsAt: &end,
		Published: kind == models.KindOutreachEvent || sd.rng.IntN(2) == 0}
	if done {
		p := 40 + sd.rng.IntN(80)
		if scale == "large" {
			p = 300 + sd.rng.IntN(700)
		}
		ev.Participants = &p
	}
	return sd.create(services.ActivityInput{
		Kind: kind, Title: fmt.Sprintf("%d年%s", t.Year()-1911, title), UnitID: sd.o.Units["CYC-ETH"].ID,
		Site: sd.site(places[sd.rng.IntN(4)]), ScheduledAt: t, Details: services.Details{Event: ev},
	}, done)
}
